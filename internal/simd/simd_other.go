//go:build !(js && wasm)

package simd

// Ready tells whether the host runs the kernels: never outside WebAssembly.
func Ready() bool { return false }
