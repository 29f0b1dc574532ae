package nn

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestBatchIndependent: the tutorial model gives an example the same output
// bits alone (PredictOne) and in a batch (Predict): no product of a forward
// pass splits its sums by the batch's size.
func TestBatchIndependent(t *testing.T) {
	t.Parallel()
	n := 40
	if small() {
		n = 3
	}
	r := rand.New(rand.NewPCG(9, 1))
	m := mustNew(t, Tutorial(), r)
	x, _ := randVals(r, n*784, 1)
	probs := make([]float32, n*10)
	m.Predict(probs, x, n)
	one := make([]float32, 10)
	for i := range n {
		m.PredictOne(one, x[i*784:(i+1)*784])
		if !slices.Equal(one, probs[i*10:(i+1)*10]) {
			t.Fatalf("%d: PredictOne %v, Predict %v", i, one, probs[i*10:(i+1)*10])
		}
	}
}
