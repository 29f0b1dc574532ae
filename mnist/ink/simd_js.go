//go:build js && wasm && wasmsimd

package ink

import (
	"unsafe"

	"inkling/internal/simd"
)

// simdScratch is what the SIMD kernel simd.Resample (internal/simd/simd.wat)
// reads and writes for one Preprocessor.
type simdScratch struct {
	desc resampleDesc
	cols []uint32
}

// resampleDesc is simd.Resample's descriptor, laid out as simd.wat reads it.
type resampleDesc struct {
	src, stride, bw, ow, oh, tx, ty, cols, out, _ uint32
	f                                             float64
}

// simdResample does resample's work for an RGBA box in the SIMD kernel, with
// the taps already in p.tx and p.ty, and tells whether it could (the host
// runs the kernels).
func (p *Preprocessor) simdResample(src []byte, stride, bw, ow, oh, long int) bool {
	if !simd.Ready() {
		return false
	}
	s := &p.simd
	if n := (bw + 3) &^ 3; cap(s.cols) < n {
		s.cols = make([]uint32, n)
	}
	s.desc = resampleDesc{
		src: simd.Addr(src), stride: uint32(stride), bw: uint32(bw), ow: uint32(ow), oh: uint32(oh),
		tx: simd.Addr(p.tx[:]), ty: simd.Addr(p.ty[:]), cols: simd.Addr(s.cols), out: simd.Addr(p.box[:]),
		f: 1 / (255 * float64(long) * float64(long)),
	}
	simd.Run(simd.Resample, unsafe.Pointer(&s.desc))
	return true
}
