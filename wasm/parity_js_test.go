//go:build js && wasm

package main

import (
	"encoding/binary"
	"math"
	"os"
	"testing"

	"inkling/internal/simd"
)

// TestParityJS is the WebAssembly half of TestWasmParity (parity_test.go),
// which runs it with the native results in $INKLING_PARITY_REF.
func TestParityJS(t *testing.T) {
	file := os.Getenv("INKLING_PARITY_REF")
	if file == "" {
		t.Skip("run by TestWasmParity (go test ./wasm natively), which passes it the native results")
	}
	ref, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	p := shippedPredictor(t)
	if p.SIMD() != simd.Built {
		t.Fatalf("SIMD() = %v in a build with the kernels %v", p.SIMD(), simd.Built)
	}
	const rec = 784 + 2*10*4
	if len(ref) == 0 || len(ref)%rec != 0 {
		t.Fatalf("%s: %d bytes is not a whole number of %d-byte records", file, len(ref), rec)
	}
	x := make([]float32, 784)
	var probs [2][10]float32
	var maxDiff [2]float64
	n := len(ref) / rec
	for i := range n {
		r := ref[i*rec : (i+1)*rec]
		parityProbs(p, r[:784], x, &probs)
		for pass := range 2 {
			got, want, best := 0, 0, float32(-1)
			for k := range 10 {
				q := math.Float32frombits(binary.LittleEndian.Uint32(r[784+(pass*10+k)*4:]))
				if q > best {
					want, best = k, q
				}
				if probs[pass][k] > probs[pass][got] {
					got = k
				}
				d := math.Abs(float64(probs[pass][k] - q))
				maxDiff[pass] = max(maxDiff[pass], d)
				if d > parityTol(simd.Built) {
					t.Fatalf("image %d (pass %d): probability of %d is %v in wasm, %v natively", i, pass, k, probs[pass][k], q)
				}
			}
			if got != want {
				t.Fatalf("image %d (pass %d): top digit %d in wasm, %d natively", i, pass, got, want)
			}
		}
	}
	t.Logf("parity (SIMD %v) over %d images: max |Δp| %.3g as given, %.3g through the preprocessing", p.SIMD(), n, maxDiff[0], maxDiff[1])
}
