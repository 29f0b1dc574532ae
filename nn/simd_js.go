//go:build js && wasm && wasmsimd

package nn

import (
	"unsafe"

	"inkling/internal/simd"
)

// A simdNet is what the SIMD kernel simd.Net (internal/simd/simd.wat) reads
// and writes for one Predictor.
type simdNet struct {
	desc   [14]uint32
	base   []float32 // the Predictor's base in float32
	hidden []float32
	list   []int32
	cell   []float32
}

// newSIMD prepares the kernel for p, or returns nil when p's shapes are not
// those the kernel handles.
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
	a := simd.Addr[float32]
	k.desc = [14]uint32{0, uint32(p.w), uint32(p.qh), uint32(p.qw), uint32(p.cout), uint32(u),
		a(p.krev), a(p.bias), a(p.blank), a(p.w1), a(k.base), a(k.hidden), simd.Addr(k.list), a(k.cell)}
	return k
}

// run computes p's first dense output of x into p.act, and tells whether it
// did (false: no kernel for p, or none in this host).
func (k *simdNet) run(p *Predictor, x []float32) bool {
	if k == nil || !simd.Ready() {
		return false
	}
	k.desc[0] = simd.Addr(x)
	simd.Run(simd.Net, unsafe.Pointer(&k.desc))
	for i, v := range k.hidden {
		p.act[i] = relu32(v)
	}
	return true
}
