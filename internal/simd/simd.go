// Package simd runs inkling's WebAssembly SIMD kernels (simd.wat) in the
// browser, where Go itself, compiled to WebAssembly, computes one number at a
// time. Go hands the module's code to the host, which compiles it over Go's
// own memory; nn and mnist/ink then call a kernel with the address of a
// descriptor of their buffers, and use their Go code whenever Ready is
// false: natively, in a WebAssembly build without the wasmsimd tag, in a
// browser without SIMD.
//
// Only a build with the wasmsimd tag (`make wasm` sets it) has the kernels,
// because they need two imports that Go's own wasm_exec.js does not give: a
// plain GOOS=js GOARCH=wasm build runs anywhere Go's WebAssembly runs, Go's
// own test runner included. The host of a wasmsimd build (web/engine.js in
// the page, wasm/node/run.js for the wasm tests) gives them:
//
//	inkling.kernel(code, len) → 1 when it compiled the len bytes at code as a
//	                            module importing inkling.memory (Go's), else 0
//	inkling.run(f, desc) → n    calls that module's run(f, desc)
package simd

// The kernels, by number: run(f, desc) in simd.wat, which documents each
// descriptor.
const (
	Net      = 0 // nn's Predictor: conv2d, pooling and the first dense layer
	Resample = 1 // mnist/ink: the area averaging of an RGBA box
)
