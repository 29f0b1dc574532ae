package nn

// flatten reshapes (N, H, W, C) to (N, H·W·C). An NHWC example is already laid
// out in Keras's (row, column, channel) order, so no data moves: forward and
// backward return their argument.
type flatten struct{}

func (flatten) forward(x []float32, n int) []float32 { return x }

func (flatten) backward(dy []float32, needDx bool) []float32 {
	if !needDx {
		return nil
	}
	return dy
}
