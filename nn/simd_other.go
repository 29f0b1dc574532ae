//go:build !(js && wasm && wasmsimd)

package nn

// simdNet is the network in WebAssembly SIMD (simd_js.go); without it (not
// a wasmsimd build) the Predictor always computes in Go.
type simdNet struct{}

func newSIMD(*Predictor) *simdNet { return nil }

func (*simdNet) run(*Predictor, []float32) bool { return false }
