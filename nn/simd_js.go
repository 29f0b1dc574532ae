//go:build js && wasm

package nn

import "unsafe"

// The network in WebAssembly SIMD (simd.wat, assembled into simd_code.go): Go
// hands the module to the host, which compiles it over Go's own memory and
// calls it for us. A host without SIMD, or without the two imports below,
// answers 0, and the Predictor computes in Go (predict.go).
//
// The host (web/engine.js; wasm/exec/node.js for the tests) implements:
//
//	inkling.kernel(code, len) → 1 when it compiled the code as a module that
//	                          imports inkling.memory (this instance's), else 0
//	inkling.net(desc) → rows  calls that module's net

//go:wasmimport inkling kernel
//go:noescape
func hostKernel(code unsafe.Pointer, n int32) int32

//go:wasmimport inkling net
//go:noescape
func hostNet(desc unsafe.Pointer) int32

// simdState is 0 before the host is asked, then 1 if it runs the kernel,
// −1 if not.
var simdState int8

// simdReady tells whether the host runs the kernel, asking it once.
func simdReady() bool {
	if simdState == 0 {
		simdState = -1
		if hostKernel(unsafe.Pointer(unsafe.StringData(simdWasm)), int32(len(simdWasm))) == 1 {
			simdState = 1
		}
	}
	return simdState == 1
}

// A simdNet is what net reads and writes for one Predictor (see simd.wat).
type simdNet struct {
	desc   [14]uint32
	base   []float32 // the Predictor's base in float32
	hidden []float32
	list   []int32
	cell   []float32
}

// addr is the address of s's first element in Go's memory, which the kernel
// shares. (Go's garbage collector does not move objects, and the Predictor
// keeps each buffer alive.)
func addr[T any](s []T) uint32 { return uint32(uintptr(unsafe.Pointer(unsafe.SliceData(s)))) }

// newSIMD prepares the kernel for p, or returns nil when p's shapes are
// not those the kernel handles.
func newSIMD(p *Predictor) *simdNet {
	if p.cin != 1 || p.kh != 3 || p.kw != 3 || p.ph != 2 || p.pw != 2 || p.cout%4 != 0 || p.units%4 != 0 {
		return nil
	}
	u, rows := p.units, p.qh*p.qw*p.cout
	f := make([]float32, 2*u+p.cout)
	k := &simdNet{base: f[:u], hidden: f[u : 2*u], cell: f[2*u:], list: make([]int32, 2*(rows+3))}
	for j, v := range p.base {
		k.base[j] = float32(v)
	}
	k.desc = [14]uint32{0, uint32(p.w), uint32(p.qh), uint32(p.qw), uint32(p.cout), uint32(u),
		addr(p.krev), addr(p.bias), addr(p.blank), addr(p.w1), addr(k.base), addr(k.hidden), addr(k.list), addr(k.cell)}
	return k
}

// run computes p's first dense output of x into p.act, and tells whether it
// did (false: no kernel for p, or none in this host).
func (k *simdNet) run(p *Predictor, x []float32) bool {
	if k == nil || !simdReady() {
		return false
	}
	k.desc[0] = addr(x)
	hostNet(unsafe.Pointer(&k.desc))
	for i, v := range k.hidden {
		p.act[i] = relu32(v)
	}
	return true
}
