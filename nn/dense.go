package nn

// dense is Keras's Dense, kernel (in, out), with a ReLU when relu is set (a
// softmax is a layer of its own):
//
//	y[n, j] = bias[j] + Σ_i x[n, i] · kernel[i, j]
type dense struct {
	in, out      int
	kernel, bias *Param
	relu         bool

	n  int
	x  []float32 // (N, in) input of the last forward, not owned
	y  []float32 // (N, out)
	dx []float32 // (N, in)
}

func newDense(in, out Shape, kernel, bias *Param, relu bool) *dense {
	return &dense{in: in[0], out: out[0], kernel: kernel, bias: bias, relu: relu}
}

func (d *dense) forward(x []float32, n int) []float32 {
	d.n, d.x = n, x
	d.y = grow(d.y, n*d.out)
	for i := range n {
		copy(d.y[i*d.out:(i+1)*d.out], d.bias.Value)
	}
	sgemm(false, false, n, d.out, d.in, 1, x, d.in, d.kernel.Value, d.out, 1, d.y, d.out) // (N, out) += (N, in) · (in, out)
	if d.relu {
		reluForward(d.y)
	}
	return d.y
}

// backward, with dy first masked by the ReLU:
//
//	dkernel = xᵀ · dy         (in, out)
//	dbias   = Σ_N dy          (out)
//	dx      = dy · kernelᵀ    (N, in)
func (d *dense) backward(dy []float32, needDx bool) []float32 {
	if d.relu {
		reluBackward(dy, d.y)
	}
	sgemm(true, false, d.in, d.out, d.n, 1, d.x, d.in, dy, d.out, 0, d.kernel.Grad, d.out)
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
	d.dx = grow(d.dx, d.n*d.in)
	sgemm(false, true, d.n, d.in, d.out, 1, dy, d.out, d.kernel.Value, d.out, 0, d.dx, d.in)
	return d.dx
}
