package nn

// conv2d is Keras's Conv2D: valid padding, stride 1, kernel HWIO, and a ReLU
// when relu is set (a softmax is a layer of its own):
//
//	y[n, i, j, o] = bias[o] + Σ_{a, b, c} x[n, i+a, j+b, c] · kernel[a, b, c, o]
//
// It works as im2col + GEMM on pixel-major matrices, so that the product
// writes the output in its NHWC layout, bias and ReLU included:
//
//	col (P, K+1) with P = N·OH·OW rows, one per output pixel of the batch: the
//	             input patch under it in kernel order (a, b, c), K = KH·KW·Cin
//	             values, and a 1
//	y   (P, Cout) = relu(col[:, :K] · kernel + bias)
//
// The column of ones makes the bias gradient a row of the kernel gradient's
// product: colᵀ · dy is (K+1, Cout), the kernel gradient over the bias's.
type conv2d struct {
	h, w, cin    int // input (H, W, Cin)
	kh, kw, cout int // kernel (KH, KW, ·, Cout)
	oh, ow       int // output (OH, OW)
	kernel, bias *Param
	relu         bool
	// reluByNext is set when the next layer, a max pooling, applies the
	// ReLU's mask to the gradient (see maxPool.relu).
	reluByNext bool

	n    int
	col  []float32 // (P, K+1) the last forward's input patches
	y    []float32 // (N, OH, OW, Cout) = (P, Cout)
	x    []float32 // (N, H, W, Cin) during forward
	dy   []float32 // (N, OH, OW, Cout) during backward
	grad []float32 // (K+1, Cout) kernel and bias gradients
	part []float32 // partial sums of the gradient's product (over the batch's pixels, cut in chunks)
	kt   []float32 // (Cout, K) the kernel transposed
	dcol []float32 // (P, K)
	dx   []float32 // (N, H, W, Cin)
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
	c.col = grow(c.col, p*(k+1))
	parallel(n, (*convIm2col)(c))
	c.x = nil
	c.y = grow(c.y, p*c.cout)
	gemm(&gemmArgs{m: p, n: c.cout, k: k, a: c.col, lda: k + 1, b: c.kernel.Value, ldb: c.cout,
		c: c.y, ldc: c.cout, post: c.bias.Value, relu: c.relu}) // (P, Cout) = relu((P, K) · (K, Cout) + bias)
	return c.y
}

// convIm2col fills the rows of image i's pixels.
type convIm2col conv2d

func (c *convIm2col) do(i int) {
	k := c.kh * c.kw * c.cin
	seg := c.kw * c.cin                             // a row of a patch: contiguous in x
	x := c.x[i*c.h*c.w*c.cin : (i+1)*c.h*c.w*c.cin] // (H, W, Cin)
	img := c.oh * c.ow
	col := c.col[i*img*(k+1) : (i+1)*img*(k+1)] // (OH·OW, K+1)
	if c.fast(col, x) {
		return
	}
	for y := range c.oh {
		for xo := range c.ow {
			row := col[(y*c.ow+xo)*(k+1) : (y*c.ow+xo+1)*(k+1)]
			for a := range c.kh {
				src := x[((y+a)*c.w+xo)*c.cin:][:seg]
				dst := row[a*seg : (a+1)*seg]
				for t, v := range src {
					dst[t] = v
				}
			}
			row[k] = 1
		}
	}
}

// backward, with dy (P, Cout) first masked by the ReLU (zero where the
// output is not positive):
//
//	(dkernel; dbias) = colᵀ · dy       (K+1, Cout)
//	dcol             = dy · kernelᵀ    (P, K), scattered back onto dx (col2im)
func (c *conv2d) backward(dy []float32, needDx bool) []float32 {
	k, p := c.rows(), c.pixels()
	if c.relu && !c.reluByNext {
		c.dy = dy
		parallel(c.n, (*convReLUBack)(c))
		c.dy = nil
	}
	c.grad = grow(c.grad, (k+1)*c.cout)
	gemm(&gemmArgs{m: k + 1, n: c.cout, k: p, tA: true, a: c.col, lda: k + 1, b: dy, ldb: c.cout,
		c: c.grad, ldc: c.cout, part: &c.part})
	copy(c.kernel.Grad, c.grad[:k*c.cout])
	copy(c.bias.Grad, c.grad[k*c.cout:])
	if !needDx {
		return nil
	}
	c.kt = grow(c.kt, c.cout*k)
	transpose(c.kt, k, c.kernel.Value, c.cout, k, c.cout)
	c.dcol = grow(c.dcol, p*k)
	gemm(&gemmArgs{m: p, n: k, k: c.cout, a: dy, lda: c.cout, b: c.kt, ldb: k, c: c.dcol, ldc: k})
	c.dx = grow(c.dx, c.n*c.h*c.w*c.cin)
	parallel(c.n, (*convCol2im)(c))
	return c.dx
}

// convReLUBack masks image i's output gradient by the ReLU.
type convReLUBack conv2d

func (c *convReLUBack) do(i int) {
	size := c.oh * c.ow * c.cout
	reluBackward(c.dy[i*size:(i+1)*size], c.y[i*size:(i+1)*size])
}

// convCol2im adds image i's patch gradients onto its input gradient.
type convCol2im conv2d

func (c *convCol2im) do(i int) {
	k := c.kh * c.kw * c.cin
	seg := c.kw * c.cin
	img := c.oh * c.ow
	dx := c.dx[i*c.h*c.w*c.cin : (i+1)*c.h*c.w*c.cin] // (H, W, Cin)
	clear(dx)
	dcol := c.dcol[i*img*k : (i+1)*img*k] // (OH·OW, K)
	for y := range c.oh {
		for xo := range c.ow {
			row := dcol[(y*c.ow+xo)*k : (y*c.ow+xo+1)*k]
			for a := range c.kh {
				dst := dx[((y+a)*c.w+xo)*c.cin:][:seg]
				for t, v := range row[a*seg : (a+1)*seg] {
					dst[t] += v
				}
			}
		}
	}
}
