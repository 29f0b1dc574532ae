package nn

import (
	"math"
	"testing"
)

// TestLossStable feeds logits of ±1e4 and more, where a naive exp overflows,
// and wants finite, exact answers.
func TestLossStable(t *testing.T) {
	t.Parallel()
	const big = 1e4
	for i, c := range []struct {
		logits   []float32
		label    uint8
		loss     float64   // want
		probs    []float64 // want
		argmaxOK bool
	}{
		{[]float32{big, -big, 0}, 0, 0, []float64{1, 0, 0}, true},
		{[]float32{big, -big, 0}, 1, 2 * big, []float64{1, 0, 0}, false},
		{[]float32{-big, -big, -big}, 2, math.Log(3), []float64{1.0 / 3, 1.0 / 3, 1.0 / 3}, false},
		{[]float32{big, big, -big}, 1, math.Log(2), []float64{0.5, 0.5, 0}, false},
		{[]float32{3e38, -3e38}, 1, 6e38, []float64{1, 0}, false},
	} {
		k := len(c.logits)
		d := make([]float32, k)
		sum, correct := crossEntropy(d, c.logits, []uint8{c.label}, k)
		if math.IsNaN(sum) || math.IsInf(sum, 0) || math.Abs(sum-c.loss) > 1e-6*max(1, c.loss) {
			t.Errorf("%d: loss %g, want %g", i, sum, c.loss)
		}
		if (correct == 1) != c.argmaxOK {
			t.Errorf("%d: correct %d, want %v", i, correct, c.argmaxOK)
		}
		p := make([]float32, k)
		softmaxRow(p, c.logits)
		for j := range k {
			onehot := 0.0
			if j == int(c.label) {
				onehot = 1
			}
			if math.Abs(float64(p[j])-c.probs[j]) > 1e-7 {
				t.Errorf("%d: softmax %v, want %v", i, p, c.probs)
			}
			if g := float64(d[j]); math.IsNaN(g) || math.Abs(g-(c.probs[j]-onehot)) > 1e-7 {
				t.Errorf("%d: dlogits %v, want softmax − onehot", i, d)
			}
		}
	}
}
