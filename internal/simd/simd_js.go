//go:build js && wasm && wasmsimd

package simd

import "unsafe"

//go:wasmimport inkling kernel
//go:noescape
func hostKernel(code unsafe.Pointer, n int32) int32

//go:wasmimport inkling run
//go:noescape
func hostRun(f int32, desc unsafe.Pointer) int32

// Built tells whether this build has the kernels (the wasmsimd tag, which
// `make wasm` sets).
const Built = true

// state is 0 before the host is asked, then 1 if it runs the kernels, −1 if
// not.
var state int8

// Ready tells whether the host runs the kernels, asking it the first time.
func Ready() bool {
	if state == 0 {
		state = -1
		if hostKernel(unsafe.Pointer(unsafe.StringData(code)), int32(len(code))) == 1 {
			state = 1
		}
	}
	return state == 1
}

// Run runs kernel f on the descriptor at desc, once Ready has said yes.
func Run(f int32, desc unsafe.Pointer) int32 { return hostRun(f, desc) }
