//go:build !(js && wasm)

package ink

// simdScratch is the SIMD kernel's scratch (simd_js.go); outside the
// browser resample always runs in Go.
type simdScratch struct{}

func (*Preprocessor) simdResample([]byte, int, int, int, int, int) bool { return false }
