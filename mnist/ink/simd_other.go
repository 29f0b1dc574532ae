//go:build !(js && wasm && wasmsimd)

package ink

// simdScratch is the SIMD kernel's scratch (simd_js.go); without it (not a
// wasmsimd build) resample always runs in Go.
type simdScratch struct{}

func (*Preprocessor) simdResample([]byte, int, int, int, int, int) bool { return false }
