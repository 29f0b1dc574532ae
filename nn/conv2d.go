package nn

// conv2d is Keras's Conv2D: valid padding, stride 1, kernel HWIO, and a ReLU
// when relu is set (a softmax is a layer of its own):
//
//	y[n, i, j, o] = bias[o] + Σ_{a, b, c} x[n, i+a, j+b, c] · kernel[a, b, c, o]
//
// It works as im2col + GEMM on channel-major matrices, which keeps the long
// dimension (every output pixel of the batch) innermost in the products:
//
//	col (K, P)  with K = KH·KW·Cin rows in kernel order (a, b, c) and
//	            P = N·OH·OW columns, the input patch under each output pixel
//	t   (Cout, P) = kernelᵀ · col, transposed into y (N, OH, OW, Cout)
//
// The ReLU is applied while transposing t into y, and its mask while
// transposing the output gradient back: the output is the largest tensor of
// the tutorial's network, and separate passes over it cost 10% of a step.
type conv2d struct {
	h, w, cin    int // input (H, W, Cin)
	kh, kw, cout int // kernel (KH, KW, ·, Cout)
	oh, ow       int // output (OH, OW)
	kernel, bias *Param
	relu         bool

	n      int
	col    []float32 // (K, P) the last forward's input patches
	t      []float32 // (Cout, P) output, later output gradient, channel-major
	y      []float32 // (N, OH, OW, Cout)
	x      []float32 // (N, H, W, Cin) during forward
	dy     []float32 // (N, OH, OW, Cout) during backward
	dbPart []float32 // (N, Cout) bias gradient of each example
	dcol   []float32 // (K, P)
	dx     []float32 // (N, H, W, Cin)
}

func newConv2D(in, out Shape, kernel, bias *Param, relu bool) *conv2d {
	return &conv2d{
		h: in[0], w: in[1], cin: in[2],
		kh: kernel.Shape[0], kw: kernel.Shape[1], cout: out[2],
		oh: out[0], ow: out[1],
		kernel: kernel, bias: bias, relu: relu,
	}
}

func (c *conv2d) rows() int   { return c.kh * c.kw * c.cin }
func (c *conv2d) pixels() int { return c.n * c.oh * c.ow }

func (c *conv2d) forward(x []float32, n int) []float32 {
	c.n, c.x = n, x
	k, p := c.rows(), c.pixels()
	c.col = grow(c.col, k*p)
	parallel(n, (*convIm2col)(c))
	c.x = nil
	c.t = grow(c.t, c.cout*p)
	sgemm(true, false, c.cout, p, k, 1, c.kernel.Value, c.cout, c.col, p, 0, c.t, p) // (Cout, P) = (K, Cout)ᵀ · (K, P)
	c.y = grow(c.y, p*c.cout)
	parallel(n, (*convOutput)(c))
	return c.y
}

// convIm2col fills the columns of image i.
type convIm2col conv2d

func (c *convIm2col) do(i int) {
	p, img := c.n*c.oh*c.ow, c.oh*c.ow
	x := c.x[i*c.h*c.w*c.cin : (i+1)*c.h*c.w*c.cin] // (H, W, Cin)
	for a := range c.kh {
		for b := range c.kw {
			for ch := range c.cin {
				r := (a*c.kw+b)*c.cin + ch
				row := c.col[r*p+i*img : r*p+(i+1)*img] // (OH, OW)
				for y := range c.oh {
					src := x[((y+a)*c.w+b)*c.cin+ch:]
					dst := row[y*c.ow : (y+1)*c.ow]
					if c.cin == 1 {
						copy(dst, src[:c.ow])
						continue
					}
					for j := range dst {
						dst[j] = src[j*c.cin]
					}
				}
			}
		}
	}
}

// convOutput writes image i's output, NHWC, from the channel-major product,
// adding the bias and applying the ReLU.
type convOutput conv2d

func (c *convOutput) do(i int) {
	p, img, cout, doReLU := c.n*c.oh*c.ow, c.oh*c.ow, c.cout, c.relu
	bias := c.bias.Value[:cout]
	y := c.y[i*img*cout : (i+1)*img*cout]         // (OH·OW, Cout)
	t := c.t[i*img:]                              // t[o*p+q] is pixel q of channel o
	for q0 := 0; q0 < img; q0 += transposeBlock { // a block of y stays in L1
		q1 := min(q0+transposeBlock, img)
		yb := y[q0*cout : q1*cout]
		for o, b := range bias {
			for q, v := range t[o*p+q0 : o*p+q1] {
				v += b
				if doReLU {
					v = relu(v) // branch-free: the sign of v is a coin toss
				}
				yb[q*cout+o] = v
			}
		}
	}
}

// transposeBlock is how many pixels a transposition does at a time.
const transposeBlock = 64

// backward: with dt the output gradient in channel-major form (Cout, P),
// masked by the ReLU (zero where the output is not positive),
//
//	dkernel = col · dtᵀ       (K, Cout)
//	dbias   = Σ_P dt          (Cout)
//	dcol    = kernel · dt     (K, P), scattered back onto dx (col2im)
func (c *conv2d) backward(dy []float32, needDx bool) []float32 {
	k, p := c.rows(), c.pixels()
	c.dy = dy
	c.dbPart = grow(c.dbPart, c.n*c.cout)
	parallel(c.n, (*convGradT)(c))
	c.dy = nil
	db := c.bias.Grad
	clear(db)
	for i := range c.n { // examples in order, for a fixed rounding
		for o, v := range c.dbPart[i*c.cout : (i+1)*c.cout] {
			db[o] += v
		}
	}
	sgemm(false, true, k, c.cout, p, 1, c.col, p, c.t, p, 0, c.kernel.Grad, c.cout)
	if !needDx {
		return nil
	}
	c.dcol = grow(c.dcol, k*p)
	sgemm(false, false, k, p, c.cout, 1, c.kernel.Value, c.cout, c.t, p, 0, c.dcol, p)
	c.dx = grow(c.dx, c.n*c.h*c.w*c.cin)
	parallel(c.n, (*convCol2im)(c))
	return c.dx
}

// convGradT transposes image i's output gradient into t, masked by the ReLU,
// and sums it per channel into dbPart.
type convGradT conv2d

func (c *convGradT) do(i int) {
	p, img, cout, doReLU := c.n*c.oh*c.ow, c.oh*c.ow, c.cout, c.relu
	dy := c.dy[i*img*cout : (i+1)*img*cout] // (OH·OW, Cout)
	y := c.y[i*img*cout : (i+1)*img*cout]
	db := c.dbPart[i*cout : (i+1)*cout]
	clear(db)
	t := c.t[i*img:]
	for q0 := 0; q0 < img; q0 += transposeBlock {
		q1 := min(q0+transposeBlock, img)
		dyb, yb := dy[q0*cout:q1*cout], y[q0*cout:q1*cout]
		for o := range db {
			to := t[o*p+q0 : o*p+q1]
			s := db[o]
			for q := range to {
				v := dyb[q*cout+o]
				if doReLU {
					v = reluMask(v, yb[q*cout+o])
				}
				to[q] = v
				s += v
			}
			db[o] = s
		}
	}
}

// convCol2im adds image i's patch gradients onto its input gradient.
type convCol2im conv2d

func (c *convCol2im) do(i int) {
	p, img := c.n*c.oh*c.ow, c.oh*c.ow
	dx := c.dx[i*c.h*c.w*c.cin : (i+1)*c.h*c.w*c.cin] // (H, W, Cin)
	clear(dx)
	for a := range c.kh {
		for b := range c.kw {
			for ch := range c.cin {
				r := (a*c.kw+b)*c.cin + ch
				row := c.dcol[r*p+i*img : r*p+(i+1)*img] // (OH, OW)
				for y := range c.oh {
					dst := dx[((y+a)*c.w+b)*c.cin+ch:]
					for j, v := range row[y*c.ow : (y+1)*c.ow] {
						dst[j*c.cin] += v
					}
				}
			}
		}
	}
}
