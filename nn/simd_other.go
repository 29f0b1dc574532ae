//go:build !(js && wasm)

package nn

// simdNet is the network in WebAssembly SIMD (simd_js.go); outside the
// browser the Predictor always computes in Go.
type simdNet struct{}

func newSIMD(*Predictor) *simdNet { return nil }

func (*simdNet) run(*Predictor, []float32) bool { return false }
