package nn

import "math"

// relu is max(0, x), applied in place to the previous layer's output.
type relu struct {
	y  []float32 // (N, …) output of the last forward
	dy []float32 // (N, …) during backward
}

func (r *relu) forward(x []float32, n int) []float32 {
	r.y = x
	parallel(ceilDiv(len(x), chunkSize), (*reluForward)(r))
	return x
}

type reluForward relu

func (r *reluForward) do(i int) {
	lo, hi := span(i, len(r.y))
	y := r.y[lo:hi]
	for k, v := range y {
		if v < 0 {
			y[k] = 0
		}
	}
}

// backward passes dy where the output is positive (the derivative at 0 is
// taken as 0, as PyTorch and TensorFlow do), in place.
func (r *relu) backward(dy []float32, needDx bool) []float32 {
	r.dy = dy
	parallel(ceilDiv(len(dy), chunkSize), (*reluBackward)(r))
	r.dy = nil
	return dy
}

type reluBackward relu

func (r *reluBackward) do(i int) {
	lo, hi := span(i, len(r.dy))
	dy, y := r.dy[lo:hi], r.y[lo:hi]
	for k := range dy {
		if y[k] <= 0 {
			dy[k] = 0
		}
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
