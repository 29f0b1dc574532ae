package main

import (
	"os"
	"testing"

	"inkling/mnist/ink"
	"inkling/nn"
)

// The part of TestWasmParity that both halves run, natively and under Node.

// shippedPredictor loads the committed weights as the page does.
func shippedPredictor(tb testing.TB) *nn.Predictor {
	tb.Helper()
	data, err := os.ReadFile("../weights/model.bin")
	if err != nil {
		tb.Fatal(err)
	}
	p, _, err := nn.LoadPredictor(data)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// parityProbs writes into probs the network's answers for a 28×28 image:
// [0] for the image as given (pixel/255), [1] for it through the page's
// preprocessing. x is scratch of 784 values.
func parityProbs(p *nn.Predictor, img []byte, x []float32, probs *[2][10]float32) {
	for j, v := range img {
		x[j] = float32(v) / 255
	}
	p.PredictOne(probs[0][:], x)
	if err := ink.FromGray(x, img, ink.Size, ink.Size); err != nil {
		clear(x)
	}
	p.PredictOne(probs[1][:], x)
}

// parityTol bounds |Δp| between the Predictor compiled to WebAssembly and
// the native one: 1e-6 for Go's code in both (measured: 0, bit for bit); 3e-6
// with the SIMD kernels, which sum the first dense layer in float32 where Go
// sums in float64 (measured: 1.91e-6 as given, 2.56e-6 through the
// preprocessing).
func parityTol(simd bool) float64 {
	if simd {
		return 3e-6
	}
	return 1e-6
}
