//go:build !js

package main

import (
	"math"
	"slices"

	"inkling/nn"
)

// result is how a model did on a set of examples.
type result struct {
	N         int       `json:"n"`
	Loss      float64   `json:"loss"`
	Accuracy  float64   `json:"accuracy"`
	Confusion confusion `json:"confusion"` // [true][predicted]
	Predicted []uint8   `json:"-"`         // per example
}

// evaluate runs m on the examples x (N×28×28) with labels y: mean
// cross-entropy, accuracy, the confusion matrix and every prediction.
func evaluate(m *nn.Sequential, x []float32, y []uint8) result {
	const chunk = 500
	r := result{N: len(y), Predicted: make([]uint8, len(y))}
	probs := make([]float32, chunk*10)
	correct := 0
	for from := 0; from < len(y); from += chunk {
		n := min(chunk, len(y)-from)
		m.Predict(probs[:n*10], x[from*imageSize:(from+n)*imageSize], n)
		for i := range n {
			p := probs[i*10 : (i+1)*10]
			best := 0
			for k := range p {
				if p[k] > p[best] {
					best = k
				}
			}
			t := y[from+i]
			r.Loss -= math.Log(math.Max(float64(p[t]), 1e-12))
			r.Confusion[t][best]++
			r.Predicted[from+i] = uint8(best)
			if best == int(t) {
				correct++
			}
		}
	}
	if r.N > 0 {
		r.Loss /= float64(r.N)
		r.Accuracy = float64(correct) / float64(r.N)
	}
	return r
}

// topConfusions lists the most common mistakes, most frequent first.
func topConfusions(c *confusion, k int) []mistakeCount {
	var ms []mistakeCount
	for t := range 10 {
		for p := range 10 {
			if t != p && c[t][p] > 0 {
				ms = append(ms, mistakeCount{True: t, Predicted: p, Count: c[t][p]})
			}
		}
	}
	slices.SortStableFunc(ms, func(a, b mistakeCount) int { return b.Count - a.Count })
	if len(ms) > k {
		ms = ms[:k]
	}
	return ms
}

type mistakeCount struct {
	True      int `json:"true"`
	Predicted int `json:"predicted"`
	Count     int `json:"count"`
}
