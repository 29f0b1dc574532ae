package nn

// A layer is one step of a Sequential: one per Config layer, plus a softmax
// layer after a layer whose activation is softmax (a ReLU is part of its
// layer).
//
// forward computes the output for a batch of n examples and returns it. The
// returned slice belongs to the layer (or is x itself, for layers that work in
// place) and holds until the layer's next forward. A layer keeps what its
// backward needs from the last forward.
//
// backward takes the gradient of the loss with respect to the output of the
// last forward, overwrites its parameters' Grad with theirs, and returns the
// gradient with respect to its input when needDx (nil otherwise). It may
// overwrite dy.
type layer interface {
	forward(x []float32, n int) []float32
	backward(dy []float32, needDx bool) []float32
}

// grow returns buf resized to n elements, reusing its memory when it can. The
// contents are not cleared.
func grow[T any](buf []T, n int) []T {
	if cap(buf) < n {
		return make([]T, n)
	}
	return buf[:n]
}
