//go:build js && wasm

package nn

import (
	"testing"

	"inkling/internal/simd"
)

// TestSIMDRuns checks that a wasmsimd build's tests run the SIMD kernels, so
// that the tests of the Predictor test them (the host,
// wasm/node/go_js_wasm_exec, which `make test-wasm` puts on PATH, gives their
// imports), and that a plain build's run Go's code.
func TestSIMDRuns(t *testing.T) {
	_, p, _ := shippedModels(t)
	if p.SIMD() != simd.Built {
		t.Fatalf("SIMD() = %v in a build with the kernels %v", p.SIMD(), simd.Built)
	}
	// A shape the kernel does not handle runs in Go.
	cfg := Tutorial()
	cfg.Layers[0].Filters = 6
	if _, q, _ := randomPredictor(t, cfg, 1); q.SIMD() {
		t.Error("a conv2d of 6 filters runs in the kernel, which needs a multiple of 4")
	}
}
