//go:build !amd64

package nn

// Without assembly kernels the Go ones run; see kernels_amd64.go.

func adam(w, g, m, v []float32, alpha, b1, b2, eps float32, flush bool) {
	adamGo(w, g, m, v, alpha, b1, b2, eps, flush)
}

func reluBackward(dy, y []float32) { reluBackwardGo(dy, y) }

func (m *maxPoolForward) fast(y, x []float32) bool { return false }

func (m *maxPoolBackward) fast(dx, x, y, dy []float32) bool { return false }

func transpose(dst []float32, ldd int, src []float32, lds, rows, cols int) {
	transposeGo(dst, ldd, src, lds, rows, cols)
}

func (c *convIm2col) fast(col, x []float32) bool { return false }
