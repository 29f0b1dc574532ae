//go:build js && wasm

package nn

import (
	"os"
	"testing"
)

// TestSIMDRuns checks that the wasm tests run the SIMD kernel, so that the
// tests of the Predictor test it: the host (wasm/node/go_js_wasm_exec, which
// `make test-wasm` puts on PATH) gives its imports unless INKLING_NOSIMD=1,
// which tests the Go path instead.
func TestSIMDRuns(t *testing.T) {
	_, p, _ := shippedModels(t)
	want := os.Getenv("INKLING_NOSIMD") != "1"
	if p.SIMD() != want {
		t.Fatalf("SIMD() = %v with INKLING_NOSIMD=%q: run the wasm tests through wasm/node/go_js_wasm_exec (make test-wasm)", p.SIMD(), os.Getenv("INKLING_NOSIMD"))
	}
	// A shape the kernel does not handle runs in Go.
	cfg := Tutorial()
	cfg.Layers[0].Filters = 6
	if _, q, _ := randomPredictor(t, cfg, 1); q.SIMD() {
		t.Error("a conv2d of 6 filters runs in the kernel, which needs a multiple of 4")
	}
}
