package nn

// dense is Keras's Dense, kernel (in, out), with a ReLU when relu is set (a
// softmax is a layer of its own):
//
//	y[n, j] = bias[j] + Σ_i x[n, i] · kernel[i, j]
type dense struct {
	in, out      int
	kernel, bias *Param
	relu         bool

	n   int
	x   []float32 // (N, in) input of the last forward, not owned
	y   []float32 // (N, out)
	dyT []float32 // (out, N)
	dxT []float32 // (in, N)
	dx  []float32 // (N, in)
}

func newDense(in, out Shape, kernel, bias *Param, relu bool) *dense {
	return &dense{in: in[0], out: out[0], kernel: kernel, bias: bias, relu: relu}
}

func (d *dense) forward(x []float32, n int) []float32 {
	d.n, d.x = n, x
	d.y = grow(d.y, n*d.out)
	gemm(&gemmArgs{m: n, n: d.out, k: d.in, a: x, lda: d.in, b: d.kernel.Value, ldb: d.out,
		c: d.y, ldc: d.out, bias: d.bias.Value, relu: d.relu}) // (N, out) = relu(bias + (N, in) · (in, out))
	return d.y
}

// backward, with dy first masked by the ReLU:
//
//	dkernel = xᵀ · dy                 (in, out)
//	dbias   = Σ_N dy                  (out)
//	dx      = (kernel · dyᵀ)ᵀ         (N, in)
//
// dx is computed transposed, so that the product's long side (in) runs down
// the rows of the kernel as it is stored.
func (d *dense) backward(dy []float32, needDx bool) []float32 {
	if d.relu {
		reluBackward(dy, d.y)
	}
	gemm(&gemmArgs{m: d.in, n: d.out, k: d.n, tA: true, a: d.x, lda: d.in, b: dy, ldb: d.out,
		c: d.kernel.Grad, ldc: d.out})
	db := d.bias.Grad
	clear(db)
	for i := range d.n {
		for j, v := range dy[i*d.out : (i+1)*d.out] {
			db[j] += v
		}
	}
	if !needDx {
		return nil
	}
	d.dyT = grow(d.dyT, d.out*d.n)
	transpose(d.dyT, d.n, dy, d.out, d.n, d.out)
	d.dxT = grow(d.dxT, d.in*d.n)
	gemm(&gemmArgs{m: d.in, n: d.n, k: d.out, a: d.kernel.Value, lda: d.out, b: d.dyT, ldb: d.n,
		c: d.dxT, ldc: d.n})
	d.dx = grow(d.dx, d.n*d.in)
	parallel(ceilDiv(d.in, transposeRows), (*denseDx)(d))
	return d.dx
}

// transposeRows is how many rows of dxT a chunk of denseDx transposes.
const transposeRows = 1024

// denseDx transposes chunk i of dxT's rows into dx's columns.
type denseDx dense

func (d *denseDx) do(i int) {
	lo, hi := i*transposeRows, min((i+1)*transposeRows, d.in)
	transpose(d.dx[lo:], d.in, d.dxT[lo*d.n:], d.n, hi-lo, d.n)
}
