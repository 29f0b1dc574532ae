#include "textflag.h"

// Element-wise kernels, eight float32 at a time with AVX2; the Go wrappers
// (kernels_amd64.go) do the remainders and check the lengths.

// 0x7fffffff (the magnitude's bits) and 2⁻¹⁰⁰, for Adam's flush.
DATA adamconst<>+0(SB)/4, $0x7fffffff
DATA adamconst<>+4(SB)/4, $0x0d800000
GLOBL adamconst<>(SB), RODATA|NOPTR, $8

// func adamAVX2(w, grad, m, v *float32, n int, alpha, b1, b2, eps float32, flush bool)
// For n/8·8 elements, in the order of adamGo's operations (no FMA, so the bits
// are the same):
//	m += (g − m)·b1;  v += (g·g − v)·b2;  w −= m·alpha / (√v + eps)
// then, when flush, m and v of magnitude below 2⁻¹⁰⁰ (not NaN) become 0.
TEXT ·adamAVX2(SB), NOSPLIT, $0-57
	MOVQ w+0(FP), DI
	MOVQ grad+8(FP), SI
	MOVQ m+16(FP), DX
	MOVQ v+24(FP), CX
	MOVQ n+32(FP), AX
	MOVBQZX flush+56(FP), BX
	SHRQ $3, AX
	JZ   adamdone
	VBROADCASTSS alpha+40(FP), Y12
	VBROADCASTSS b1+44(FP), Y13
	VBROADCASTSS b2+48(FP), Y14
	VBROADCASTSS eps+52(FP), Y15
	VBROADCASTSS adamconst<>+0(SB), Y8
	VBROADCASTSS adamconst<>+4(SB), Y9

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
	VMULPS  Y12, Y1, Y5      // m·alpha
	VSQRTPS Y2, Y6
	VADDPS  Y15, Y6, Y6      // √v + eps
	VDIVPS  Y6, Y5, Y5       // m·alpha / (√v + eps)
	VMOVUPS (DI), Y7
	VSUBPS  Y5, Y7, Y7
	VMOVUPS Y7, (DI)
	TESTQ   BX, BX
	JZ      adamstore
	VANDPS  Y8, Y1, Y10
	VCMPPS  $0x15, Y9, Y10, Y10 // not |m| < 2⁻¹⁰⁰ (true for NaN)
	VANDPS  Y10, Y1, Y1
	VANDPS  Y8, Y2, Y11
	VCMPPS  $0x15, Y9, Y11, Y11
	VANDPS  Y11, Y2, Y2

adamstore:
	VMOVUPS Y1, (DX)
	VMOVUPS Y2, (CX)
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
	CMPQ R10, $2
	JNE  fwdpixel
	CMPQ R11, $2
	JEQ  fwd22pixel

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

// 2×2 windows, unrolled: the same maxima in the same order.
fwd22pixel:
	XORQ CX, CX

fwd22vec:
	LEAQ    (SI)(CX*1), AX
	LEAQ    (AX)(R12*1), DX
	VMOVUPS (AX), Y0
	VMOVUPS (AX)(R13*1), Y1
	VMOVUPS (DX), Y2
	VMOVUPS (DX)(R13*1), Y3
	VCMPPS  $3, Y0, Y0, Y4
	VCMPPS  $3, Y1, Y1, Y5
	VORPS   Y5, Y4, Y4
	VCMPPS  $3, Y2, Y2, Y5
	VORPS   Y5, Y4, Y4
	VCMPPS  $3, Y3, Y3, Y5
	VORPS   Y5, Y4, Y4
	VMAXPS  Y0, Y1, Y0
	VMAXPS  Y0, Y2, Y0
	VMAXPS  Y0, Y3, Y0
	VORPS   Y4, Y0, Y0
	VMOVUPS Y0, (DI)(CX*1)
	ADDQ    $32, CX
	CMPQ    CX, R13
	JLT     fwd22vec

	LEAQ (SI)(R13*2), SI
	ADDQ R13, DI
	DECQ ow+16(FP)
	JNZ  fwd22pixel
	VZEROUPPER
	RET

// func maxPoolBackRowAVX2(dx, x, y, dy *float32, ow, c, ph, pw, wstride int, relu bool)
// One row of windows, as maxPoolRowAVX2's: each window's gradient dy goes to
// the first element (row-major) equal to its maximum y, the others get 0
// (all do, with relu, where y is not positive); every element of the
// windows is written once.
TEXT ·maxPoolBackRowAVX2(SB), NOSPLIT, $0-73
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
	VXORPS Y4, Y4, Y4        // 0
	VPCMPEQD Y5, Y5, Y5      // all ones: with relu, y > 0 is asked
	CMPB relu+72(FP), $0
	JNE  backsize
	VXORPS Y5, Y5, Y5        // without, nothing is

backsize:
	CMPQ ph+48(FP), $2
	JNE  backpixel
	CMPQ R11, $2
	JEQ  back22pixel

backpixel:
	XORQ CX, CX

backvec:
	LEAQ    (DI)(CX*1), DX
	VMOVUPS (DX), Y0         // y
	VMOVUPS (DX)(R8*1), Y1   // dy
	VCMPPS  $1, Y0, Y4, Y2   // 0 < y
	VANDNPS Y5, Y2, Y2       // found: with relu, where y is not positive
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

// 2×2 windows, unrolled: each element in row-major order, as above.
back22pixel:
	XORQ CX, CX

back22vec:
	LEAQ    (DI)(CX*1), DX
	VMOVUPS (DX), Y0
	VMOVUPS (DX)(R8*1), Y1
	VCMPPS  $1, Y0, Y4, Y2
	VANDNPS Y5, Y2, Y2
	LEAQ    (SI)(CX*1), BX   // x
	LEAQ    (BX)(R9*1), AX   // dx
	VMOVUPS (BX), Y3
	VCMPPS  $0, Y0, Y3, Y3
	VANDNPS Y3, Y2, Y3
	VORPS   Y3, Y2, Y2
	VANDPS  Y1, Y3, Y3
	VMOVUPS Y3, (AX)
	VMOVUPS (BX)(R13*1), Y3
	VCMPPS  $0, Y0, Y3, Y3
	VANDNPS Y3, Y2, Y3
	VORPS   Y3, Y2, Y2
	VANDPS  Y1, Y3, Y3
	VMOVUPS Y3, (AX)(R13*1)
	ADDQ    R12, AX
	ADDQ    R12, BX
	VMOVUPS (BX), Y3
	VCMPPS  $0, Y0, Y3, Y3
	VANDNPS Y3, Y2, Y3
	VORPS   Y3, Y2, Y2
	VANDPS  Y1, Y3, Y3
	VMOVUPS Y3, (AX)
	VMOVUPS (BX)(R13*1), Y3
	VCMPPS  $0, Y0, Y3, Y3
	VANDNPS Y3, Y2, Y3
	VORPS   Y3, Y2, Y2
	VANDPS  Y1, Y3, Y3
	VMOVUPS Y3, (AX)(R13*1)
	ADDQ    $32, CX
	CMPQ    CX, R13
	JLT     back22vec

	LEAQ (SI)(R13*2), SI
	ADDQ R13, DI
	DECQ ow+32(FP)
	JNZ  back22pixel
	VZEROUPPER
	RET

// func fmaPeakAVX2(n int)
// n rounds of 12 independent 8-wide FMAs (192 flops a round): the
// processor's peak, for BenchmarkPeak.
TEXT ·fmaPeakAVX2(SB), NOSPLIT, $0-8
	MOVQ n+0(FP), AX
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11
	VXORPS Y12, Y12, Y12
	VXORPS Y13, Y13, Y13

peakloop:
	VFMADD231PS Y12, Y13, Y0
	VFMADD231PS Y12, Y13, Y1
	VFMADD231PS Y12, Y13, Y2
	VFMADD231PS Y12, Y13, Y3
	VFMADD231PS Y12, Y13, Y4
	VFMADD231PS Y12, Y13, Y5
	VFMADD231PS Y12, Y13, Y6
	VFMADD231PS Y12, Y13, Y7
	VFMADD231PS Y12, Y13, Y8
	VFMADD231PS Y12, Y13, Y9
	VFMADD231PS Y12, Y13, Y10
	VFMADD231PS Y12, Y13, Y11
	DECQ AX
	JNZ  peakloop
	VZEROUPPER
	RET

// func transposeAVX2(dst *float32, ldd int, src *float32, lds, rows, cols int)
// Writes the rows×cols matrix src (row stride lds) into dst as cols×rows (row
// stride ldd), 8×8 blocks at a time: rows and cols are multiples of 8.
TEXT ·transposeAVX2(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ ldd+8(FP), R10
	SHLQ $2, R10
	MOVQ src+16(FP), SI
	MOVQ lds+24(FP), R8
	SHLQ $2, R8
	MOVQ rows+32(FP), CX
	MOVQ cols+40(FP), DX
	LEAQ (R8)(R8*2), R9      // 3·lds
	LEAQ (R10)(R10*2), R11   // 3·ldd

trrows:
	MOVQ SI, AX              // src (i, j)
	MOVQ DI, BX              // dst (j, i)
	MOVQ DX, R12

trcols:
	LEAQ    (AX)(R8*4), R13
	VMOVUPS (AX), Y0
	VMOVUPS (AX)(R8*1), Y1
	VMOVUPS (AX)(R8*2), Y2
	VMOVUPS (AX)(R9*1), Y3
	VMOVUPS (R13), Y4
	VMOVUPS (R13)(R8*1), Y5
	VMOVUPS (R13)(R8*2), Y6
	VMOVUPS (R13)(R9*1), Y7
	VUNPCKLPS Y1, Y0, Y8     // a0 b0 a1 b1 | a4 b4 a5 b5
	VUNPCKHPS Y1, Y0, Y9     // a2 b2 a3 b3 | a6 b6 a7 b7
	VUNPCKLPS Y3, Y2, Y10
	VUNPCKHPS Y3, Y2, Y11
	VUNPCKLPS Y5, Y4, Y12
	VUNPCKHPS Y5, Y4, Y13
	VUNPCKLPS Y7, Y6, Y14
	VUNPCKHPS Y7, Y6, Y15
	VSHUFPS $0x44, Y10, Y8, Y0   // a0 b0 c0 d0 | a4 b4 c4 d4
	VSHUFPS $0xEE, Y10, Y8, Y1   // a1 b1 c1 d1 | a5 …
	VSHUFPS $0x44, Y11, Y9, Y2   // a2 … | a6 …
	VSHUFPS $0xEE, Y11, Y9, Y3   // a3 … | a7 …
	VSHUFPS $0x44, Y14, Y12, Y4  // e0 f0 g0 h0 | e4 …
	VSHUFPS $0xEE, Y14, Y12, Y5
	VSHUFPS $0x44, Y15, Y13, Y6
	VSHUFPS $0xEE, Y15, Y13, Y7
	VPERM2F128 $0x20, Y4, Y0, Y8  // column 0: a0 … h0
	VPERM2F128 $0x20, Y5, Y1, Y9
	VPERM2F128 $0x20, Y6, Y2, Y10
	VPERM2F128 $0x20, Y7, Y3, Y11
	VPERM2F128 $0x31, Y4, Y0, Y12 // column 4
	VPERM2F128 $0x31, Y5, Y1, Y13
	VPERM2F128 $0x31, Y6, Y2, Y14
	VPERM2F128 $0x31, Y7, Y3, Y15
	LEAQ    (BX)(R10*4), R13
	VMOVUPS Y8, (BX)
	VMOVUPS Y9, (BX)(R10*1)
	VMOVUPS Y10, (BX)(R10*2)
	VMOVUPS Y11, (BX)(R11*1)
	VMOVUPS Y12, (R13)
	VMOVUPS Y13, (R13)(R10*1)
	VMOVUPS Y14, (R13)(R10*2)
	VMOVUPS Y15, (R13)(R11*1)
	ADDQ    $32, AX
	LEAQ    (BX)(R10*8), BX
	SUBQ    $8, R12
	JNZ     trcols

	LEAQ (SI)(R8*8), SI
	ADDQ $32, DI
	SUBQ $8, CX
	JNZ  trrows
	VZEROUPPER
	RET

// func im2colRowAVX2(dst, src *float32, ow, kh, seg, cin, wstride, k1 int, mask *[8]int32)
// One row of output pixels of im2col: for each of the ow pixels, kh segments
// of seg ≤ 8 floats (mask holds −1 in the first seg lanes), segment a from
// src + a·wstride bytes, then a 1; a pixel's row of dst is k1 ≥ 8 floats, and
// the next pixel's segments start cin floats further in src. The loads are
// masked (never past a segment); the stores write 8 floats, all but the
// last pixel's (masked stores are slow on some processors): what they write
// past a segment is written again later in the same call, since k1 ≥ 8.
TEXT ·im2colRowAVX2(SB), NOSPLIT, $0-72
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ ow+16(FP), CX
	MOVQ kh+24(FP), BX
	MOVQ seg+32(FP), R11
	SHLQ $2, R11
	MOVQ cin+40(FP), R8
	SHLQ $2, R8
	MOVQ wstride+48(FP), R9
	MOVQ k1+56(FP), R10
	SHLQ $2, R10
	MOVQ mask+64(FP), AX
	VMOVDQU (AX), Y15
	DECQ CX
	JZ   im2collast

im2colpixel:
	MOVQ SI, AX
	MOVQ DI, R12
	MOVQ BX, DX

im2colseg:
	VMASKMOVPS (AX), Y15, Y0
	VMOVUPS    Y0, (R12)
	ADDQ R9, AX
	ADDQ R11, R12
	DECQ DX
	JNZ  im2colseg
	MOVL $0x3f800000, (R12)  // 1.0
	ADDQ R8, SI
	ADDQ R10, DI
	DECQ CX
	JNZ  im2colpixel

im2collast:
	MOVQ SI, AX
	MOVQ DI, R12
	MOVQ BX, DX

im2collastseg:
	VMASKMOVPS (AX), Y15, Y0
	VMASKMOVPS Y0, Y15, (R12)
	ADDQ R9, AX
	ADDQ R11, R12
	DECQ DX
	JNZ  im2collastseg
	MOVL $0x3f800000, (R12)
	VZEROUPPER
	RET
