package nn

import (
	"math"
	"runtime"
)

// The ReLU, max(0, x), belongs to the layer it follows (conv2d and dense, as
// in Keras), which applies it in its product (gemmArgs.relu) and its mask to
// the output gradient (reluBackward, or the max pooling after a conv2d:
// maxPool.relu).

// relu is max(0, v); a NaN stays NaN.
func relu(v float32) float32 {
	if runtime.GOARCH != "wasm" {
		return max(v, 0)
	}
	var keep uint32
	if !(v <= 0) {
		keep = ^uint32(0)
	}
	return math.Float32frombits(math.Float32bits(v) & keep)
}

// maxf is max(a, b), a NaN winning, without a branch on the data.
func maxf(a, b float32) float32 {
	if runtime.GOARCH != "wasm" { // a constant: one of the two ways is compiled
		return max(a, b) // MAXSS with fix-ups for NaN and signed zeros
	}
	// In WebAssembly Go's max is a function call: select with a mask instead.
	var gt, nan uint32
	if b > a {
		gt = ^uint32(0) // the compiler makes these selects
	}
	if b != b {
		nan = ^uint32(0)
	}
	m := gt | nan
	return math.Float32frombits(math.Float32bits(b)&m | math.Float32bits(a)&^m)
}

// reluMask is dy where y > 0, else 0, without a branch: whether an output is
// positive is as good as random, and a mispredicted branch costs more than
// the rest of the work on the element.
func reluMask(dy, y float32) float32 {
	var keep uint32
	if y > 0 {
		keep = ^uint32(0) // the compiler makes this a conditional move
	}
	return math.Float32frombits(math.Float32bits(dy) & keep)
}

// reluBackwardGo zeroes dy where the output y is not positive: the derivative
// at 0 is taken as 0, as PyTorch and TensorFlow do. (reluBackward runs it, or
// an assembly kernel that does the same.)
func reluBackwardGo(dy, y []float32) {
	for k, v := range y {
		dy[k] = reluMask(dy[k], v)
	}
}

// softmax turns each row of classes scores into probabilities.
type softmax struct {
	classes int
	p       []float32 // (N, classes) output of the last forward
	dx      []float32 // (N, classes)
}

func (s *softmax) forward(x []float32, n int) []float32 {
	s.p = grow(s.p, n*s.classes)
	for i := range n {
		softmaxRow(s.p[i*s.classes:(i+1)*s.classes], x[i*s.classes:(i+1)*s.classes])
	}
	return s.p
}

// backward: dx = p ⊙ (dy − Σ_j dy_j p_j), row by row. (Training fuses the last
// softmax with the loss instead; see crossEntropy.)
func (s *softmax) backward(dy []float32, needDx bool) []float32 {
	if !needDx {
		return nil
	}
	s.dx = grow(s.dx, len(s.p))
	for i := 0; i < len(s.p); i += s.classes {
		p, d, dx := s.p[i:i+s.classes], dy[i:i+s.classes], s.dx[i:i+s.classes]
		var dot float64
		for j, v := range p {
			dot += float64(v) * float64(d[j])
		}
		for j, v := range p {
			dx[j] = float32(float64(v) * (float64(d[j]) - dot))
		}
	}
	return s.dx
}

// softmaxRow writes the softmax of x into p, shifting by the maximum so that
// large scores neither overflow nor lose the smaller ones.
func softmaxRow(p, x []float32) {
	m := rowMax(x)
	var sum float64
	for _, v := range x {
		sum += math.Exp(float64(v) - m)
	}
	for j, v := range x {
		p[j] = float32(math.Exp(float64(v)-m) / sum)
	}
}

// rowMax is the largest element of x (which is not empty).
func rowMax(x []float32) float64 {
	m := x[0]
	for _, v := range x[1:] {
		if v > m {
			m = v
		}
	}
	return float64(m)
}
