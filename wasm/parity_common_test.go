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

// parityTol bounds |Δp| between the page (WebAssembly, with the SIMD kernel,
// which sums the first dense layer in float32) and the native Predictor
// (float64 sums): each lies within 1.5e-6 of the exact answer on these
// images (nn's TestPredictorMNIST).
const parityTol = 3e-6
