//go:build js && wasm

package simd

import "unsafe"

// Addr is the address of s's first element in Go's WebAssembly memory, which
// the kernels (and JavaScript) share with Go. (Go's garbage collector does
// not move objects; the caller keeps s alive.)
func Addr[T any](s []T) uint32 { return uint32(uintptr(unsafe.Pointer(unsafe.SliceData(s)))) }
