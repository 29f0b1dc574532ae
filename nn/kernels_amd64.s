#include "textflag.h"

// Element-wise kernels, eight float32 at a time with AVX2; the Go wrappers
// (kernels_amd64.go) do the remainders and check the lengths.

// func adamAVX2(w, grad, m, v *float32, n int, alpha, b1, b2, eps float32)
// For n/8·8 elements, in the order of adamGo's operations (no FMA, so the bits
// are the same):
//	m += (g − m)·b1;  v += (g·g − v)·b2;  w −= m·alpha / (√v + eps)
TEXT ·adamAVX2(SB), NOSPLIT, $0-56
	MOVQ w+0(FP), DI
	MOVQ grad+8(FP), SI
	MOVQ m+16(FP), DX
	MOVQ v+24(FP), CX
	MOVQ n+32(FP), AX
	SHRQ $3, AX
	JZ   adamdone
	VBROADCASTSS alpha+40(FP), Y12
	VBROADCASTSS b1+44(FP), Y13
	VBROADCASTSS b2+48(FP), Y14
	VBROADCASTSS eps+52(FP), Y15

adamloop:
	VMOVUPS (SI), Y0         // g
	VMOVUPS (DX), Y1         // m
	VMOVUPS (CX), Y2         // v
	VSUBPS  Y1, Y0, Y3       // g − m
	VMULPS  Y13, Y3, Y3      // ·b1
	VADDPS  Y3, Y1, Y1       // m + …
	VMULPS  Y0, Y0, Y4       // g·g
	VSUBPS  Y2, Y4, Y4       // − v
	VMULPS  Y14, Y4, Y4      // ·b2
	VADDPS  Y4, Y2, Y2       // v + …
	VMOVUPS Y1, (DX)
	VMOVUPS Y2, (CX)
	VMULPS  Y12, Y1, Y5      // m·alpha
	VSQRTPS Y2, Y6
	VADDPS  Y15, Y6, Y6      // √v + eps
	VDIVPS  Y6, Y5, Y5       // m·alpha / (√v + eps)
	VMOVUPS (DI), Y7
	VSUBPS  Y5, Y7, Y7
	VMOVUPS Y7, (DI)
	ADDQ $32, DI
	ADDQ $32, SI
	ADDQ $32, DX
	ADDQ $32, CX
	DECQ AX
	JNZ  adamloop
	VZEROUPPER

adamdone:
	RET

// func reluMaskAVX2(dy, y *float32, n int)
// dy = dy where y > 0, else 0, for n/8·8 elements.
TEXT ·reluMaskAVX2(SB), NOSPLIT, $0-24
	MOVQ dy+0(FP), DI
	MOVQ y+8(FP), SI
	MOVQ n+16(FP), AX
	SHRQ $3, AX
	JZ   reludone
	VXORPS Y15, Y15, Y15

reluloop:
	VMOVUPS (SI), Y0
	VCMPPS  $1, Y0, Y15, Y0  // 0 < y (false for NaN)
	VANDPS  (DI), Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ $32, DI
	ADDQ $32, SI
	DECQ AX
	JNZ  reluloop
	VZEROUPPER

reludone:
	RET

// func maxPoolRowAVX2(y, x *float32, ow, c, ph, pw, wstride int)
// One row of outputs: y (OW, C) gets the maximum of each ph×pw window of
// pixels (C floats each, C a multiple of 8) starting at x, rows wstride bytes
// apart, the windows side by side. A NaN in a window makes its maximum NaN.
TEXT ·maxPoolRowAVX2(SB), NOSPLIT, $0-56
	MOVQ y+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ c+24(FP), R13
	SHLQ $2, R13             // bytes per pixel
	MOVQ ph+32(FP), R10
	MOVQ pw+40(FP), R11
	MOVQ wstride+48(FP), R12

fwdpixel:
	XORQ CX, CX              // byte offset of the channel vector

fwdvec:
	LEAQ    (SI)(CX*1), AX   // window row a
	VMOVUPS (AX), Y0         // the maximum so far
	VCMPPS  $3, Y0, Y0, Y1   // NaNs seen (unordered)
	MOVQ    R10, BX

fwdrow:
	MOVQ AX, DX
	MOVQ R11, R8

fwdcol:
	VMOVUPS (DX), Y2
	VCMPPS  $3, Y2, Y2, Y3
	VORPS   Y3, Y1, Y1
	VMAXPS  Y0, Y2, Y0       // Y2 > Y0 ? Y2 : Y0
	ADDQ    R13, DX
	DECQ    R8
	JNZ     fwdcol
	ADDQ    R12, AX
	DECQ    BX
	JNZ     fwdrow
	VORPS   Y1, Y0, Y0       // all ones, a NaN, where one was seen
	VMOVUPS Y0, (DI)(CX*1)
	ADDQ    $32, CX
	CMPQ    CX, R13
	JLT     fwdvec

	MOVQ  R11, DX
	IMULQ R13, DX
	ADDQ  DX, SI             // the next window
	ADDQ  R13, DI
	DECQ  ow+16(FP)
	JNZ   fwdpixel
	VZEROUPPER
	RET

// func maxPoolBackRowAVX2(dx, x, y, dy *float32, ow, c, ph, pw, wstride int)
// One row of windows, as maxPoolRowAVX2's: each window's gradient dy goes to
// the first element (row-major) equal to its maximum y, the others get 0;
// every element of the windows is written once.
TEXT ·maxPoolBackRowAVX2(SB), NOSPLIT, $0-72
	MOVQ dx+0(FP), R9
	MOVQ x+8(FP), SI
	SUBQ SI, R9              // dx − x: dx's element at (X)(R9*1)
	MOVQ y+16(FP), DI
	MOVQ dy+24(FP), R8
	SUBQ DI, R8              // dy − y
	MOVQ c+40(FP), R13
	SHLQ $2, R13
	MOVQ pw+56(FP), R11
	MOVQ wstride+64(FP), R12

backpixel:
	XORQ CX, CX

backvec:
	LEAQ    (DI)(CX*1), DX
	VMOVUPS (DX), Y0         // y
	VMOVUPS (DX)(R8*1), Y1   // dy
	VXORPS  Y2, Y2, Y2       // found
	LEAQ    (SI)(CX*1), AX
	MOVQ    ph+48(FP), BX

backrow:
	MOVQ AX, DX
	MOVQ R11, R10

backcol:
	VMOVUPS (DX), Y3
	VCMPPS  $0, Y0, Y3, Y3   // x == y (false for NaN)
	VANDNPS Y3, Y2, Y3       // and not found before
	VORPS   Y3, Y2, Y2
	VANDPS  Y1, Y3, Y3
	VMOVUPS Y3, (DX)(R9*1)
	ADDQ    R13, DX
	DECQ    R10
	JNZ     backcol
	ADDQ    R12, AX
	DECQ    BX
	JNZ     backrow
	ADDQ    $32, CX
	CMPQ    CX, R13
	JLT     backvec

	MOVQ  R11, DX
	IMULQ R13, DX
	ADDQ  DX, SI
	ADDQ  R13, DI
	DECQ  ow+32(FP)
	JNZ   backpixel
	VZEROUPPER
	RET
