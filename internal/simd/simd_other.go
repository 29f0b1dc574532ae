//go:build !(js && wasm && wasmsimd)

package simd

// Built tells whether this build has the kernels: only a WebAssembly build
// with the wasmsimd tag (as `make wasm` builds it) has.
const Built = false

// Ready tells whether the host runs the kernels: never in this build.
func Ready() bool { return false }
