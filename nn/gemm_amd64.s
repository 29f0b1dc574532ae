#include "textflag.h"

// The GEMM micro-kernel: see kernArgs (gemm_native.go) for the contract.
// Six rows of C by sixteen columns (two YMM vectors) are held in Y0–Y11,
// row r in Y(2r) and Y(2r+1); B's two vectors are loaded into Y12 and Y13, each
// element of A is broadcast into Y14 (and Y15 when no mask lives there).
// Every element of C gets acc = fma(A(i,l), B(l,j), acc) for l ascending,
// whatever the number of columns or rows, so its bits do not depend on where
// its tile falls.

#define ARG_A 0
#define ARG_B 8
#define ARG_C 16
#define ARG_D 24
#define ARG_K 32
#define ARG_CSA 40
#define ARG_LDB 48
#define ARG_LDC 56
#define ARG_LDD 64
#define ARG_RSA6 72
#define ARG_LDC6 80
#define ARG_LDD6 88
#define ARG_OFF1 96
#define ARG_OFF2 104
#define ARG_OFF3 112
#define ARG_OFF4 120
#define ARG_OFF5 128
#define ARG_ROWS 136
#define ARG_TILES 144
#define ARG_COLS 152
#define ARG_RELU 160
#define ARG_MASK 168
#define ARG_POST 232

// One row of the full tile: broadcast A(i,l) from addr, two FMAs.
#define FULLROW(addr, bc, acc0, acc1) \
	VBROADCASTSS addr, bc; \
	VFMADD231PS  Y12, bc, acc0; \
	VFMADD231PS  Y13, bc, acc1

// One row of a tile of at most eight columns.
#define HALFROW(addr, acc0) \
	VBROADCASTSS addr, Y14; \
	VFMADD231PS  Y12, Y14, acc0

#define ZERO12 \
	VXORPS Y0, Y0, Y0; \
	VXORPS Y1, Y1, Y1; \
	VXORPS Y2, Y2, Y2; \
	VXORPS Y3, Y3, Y3; \
	VXORPS Y4, Y4, Y4; \
	VXORPS Y5, Y5, Y5; \
	VXORPS Y6, Y6, Y6; \
	VXORPS Y7, Y7, Y7; \
	VXORPS Y8, Y8, Y8; \
	VXORPS Y9, Y9, Y9; \
	VXORPS Y10, Y10, Y10; \
	VXORPS Y11, Y11, Y11

// acc += (Y12, Y13) in every row.
#define ADD12 \
	VADDPS Y12, Y0, Y0; \
	VADDPS Y13, Y1, Y1; \
	VADDPS Y12, Y2, Y2; \
	VADDPS Y13, Y3, Y3; \
	VADDPS Y12, Y4, Y4; \
	VADDPS Y13, Y5, Y5; \
	VADDPS Y12, Y6, Y6; \
	VADDPS Y13, Y7, Y7; \
	VADDPS Y12, Y8, Y8; \
	VADDPS Y13, Y9, Y9; \
	VADDPS Y12, Y10, Y10; \
	VADDPS Y13, Y11, Y11

// max(0, acc) keeping a NaN (VMAXPS returns its last operand on a NaN).
#define RELU12 \
	VXORPS Y14, Y14, Y14; \
	VMAXPS Y0, Y14, Y0; \
	VMAXPS Y1, Y14, Y1; \
	VMAXPS Y2, Y14, Y2; \
	VMAXPS Y3, Y14, Y3; \
	VMAXPS Y4, Y14, Y4; \
	VMAXPS Y5, Y14, Y5; \
	VMAXPS Y6, Y14, Y6; \
	VMAXPS Y7, Y14, Y7; \
	VMAXPS Y8, Y14, Y8; \
	VMAXPS Y9, Y14, Y9; \
	VMAXPS Y10, Y14, Y10; \
	VMAXPS Y11, Y14, Y11

// Loop while tiles remain, moving on to the next six rows (never past the
// last tile: a, c and d stay pointers into their matrices for the GC).
#define NEXTTILE(label, done) \
	DECQ ARG_TILES(DI); \
	JZ   done; \
	MOVQ ARG_RSA6(DI), AX; \
	ADDQ AX, ARG_A(DI); \
	MOVQ ARG_LDC6(DI), AX; \
	ADDQ AX, ARG_C(DI); \
	MOVQ ARG_LDD6(DI), AX; \
	ADDQ AX, ARG_D(DI); \
	JMP  label

// func gemmAVX2(t *kernArgs)
TEXT ·gemmAVX2(SB), NOSPLIT, $0-8
	MOVQ t+0(FP), DI
	MOVQ ARG_OFF1(DI), R8
	MOVQ ARG_OFF2(DI), R9
	MOVQ ARG_OFF3(DI), R10
	MOVQ ARG_OFF4(DI), R11
	MOVQ ARG_OFF5(DI), R12
	MOVQ ARG_CSA(DI), CX
	MOVQ ARG_LDB(DI), DX
	MOVQ ARG_COLS(DI), AX
	CMPQ AX, $16
	JEQ  full
	CMPQ AX, $8
	JGT  tail16
	JMP  tail8

// ---- sixteen columns ----
full:
	ZERO12
	MOVQ  ARG_D(DI), R13
	TESTQ R13, R13
	JZ    fullk
	MOVQ  ARG_LDD(DI), AX
	VMOVUPS (R13), Y0
	VMOVUPS 32(R13), Y1
	CMPQ  ARG_ROWS(DI), $1
	JLE   fullk
	ADDQ  AX, R13
	VMOVUPS (R13), Y2
	VMOVUPS 32(R13), Y3
	CMPQ  ARG_ROWS(DI), $2
	JLE   fullk
	ADDQ  AX, R13
	VMOVUPS (R13), Y4
	VMOVUPS 32(R13), Y5
	CMPQ  ARG_ROWS(DI), $3
	JLE   fullk
	ADDQ  AX, R13
	VMOVUPS (R13), Y6
	VMOVUPS 32(R13), Y7
	CMPQ  ARG_ROWS(DI), $4
	JLE   fullk
	ADDQ  AX, R13
	VMOVUPS (R13), Y8
	VMOVUPS 32(R13), Y9
	CMPQ  ARG_ROWS(DI), $5
	JLE   fullk
	ADDQ  AX, R13
	VMOVUPS (R13), Y10
	VMOVUPS 32(R13), Y11

fullk:
	MOVQ ARG_A(DI), SI
	MOVQ ARG_B(DI), BX
	MOVQ ARG_K(DI), AX

fullloop:
	VMOVUPS (BX), Y12
	VMOVUPS 32(BX), Y13
	FULLROW((SI), Y14, Y0, Y1)
	FULLROW((SI)(R8*1), Y15, Y2, Y3)
	FULLROW((SI)(R9*1), Y14, Y4, Y5)
	FULLROW((SI)(R10*1), Y15, Y6, Y7)
	FULLROW((SI)(R11*1), Y14, Y8, Y9)
	FULLROW((SI)(R12*1), Y15, Y10, Y11)
	ADDQ CX, SI
	ADDQ DX, BX
	DECQ AX
	JNZ  fullloop

	MOVQ  ARG_POST(DI), R13
	TESTQ R13, R13
	JZ    fullrelu
	VMOVUPS (R13), Y12
	VMOVUPS 32(R13), Y13
	ADD12

fullrelu:
	CMPQ ARG_RELU(DI), $0
	JEQ  fullstore
	RELU12

fullstore:
	MOVQ ARG_C(DI), R13
	MOVQ ARG_LDC(DI), AX
	VMOVUPS Y0, (R13)
	VMOVUPS Y1, 32(R13)
	CMPQ ARG_ROWS(DI), $1
	JLE  fullnext
	ADDQ AX, R13
	VMOVUPS Y2, (R13)
	VMOVUPS Y3, 32(R13)
	CMPQ ARG_ROWS(DI), $2
	JLE  fullnext
	ADDQ AX, R13
	VMOVUPS Y4, (R13)
	VMOVUPS Y5, 32(R13)
	CMPQ ARG_ROWS(DI), $3
	JLE  fullnext
	ADDQ AX, R13
	VMOVUPS Y6, (R13)
	VMOVUPS Y7, 32(R13)
	CMPQ ARG_ROWS(DI), $4
	JLE  fullnext
	ADDQ AX, R13
	VMOVUPS Y8, (R13)
	VMOVUPS Y9, 32(R13)
	CMPQ ARG_ROWS(DI), $5
	JLE  fullnext
	ADDQ AX, R13
	VMOVUPS Y10, (R13)
	VMOVUPS Y11, 32(R13)

fullnext:
	NEXTTILE(full, fullnextdone)

fullnextdone:
	VZEROUPPER
	RET

// ---- nine to fifteen columns: the second vector under the mask in Y15 ----
tail16:
	VMOVDQU ARG_MASK+32(DI), Y15

t16tile:
	ZERO12
	MOVQ  ARG_D(DI), R13
	TESTQ R13, R13
	JZ    t16k
	MOVQ  ARG_LDD(DI), AX
	VMOVUPS (R13), Y0
	VMASKMOVPS 32(R13), Y15, Y1
	CMPQ  ARG_ROWS(DI), $1
	JLE   t16k
	ADDQ  AX, R13
	VMOVUPS (R13), Y2
	VMASKMOVPS 32(R13), Y15, Y3
	CMPQ  ARG_ROWS(DI), $2
	JLE   t16k
	ADDQ  AX, R13
	VMOVUPS (R13), Y4
	VMASKMOVPS 32(R13), Y15, Y5
	CMPQ  ARG_ROWS(DI), $3
	JLE   t16k
	ADDQ  AX, R13
	VMOVUPS (R13), Y6
	VMASKMOVPS 32(R13), Y15, Y7
	CMPQ  ARG_ROWS(DI), $4
	JLE   t16k
	ADDQ  AX, R13
	VMOVUPS (R13), Y8
	VMASKMOVPS 32(R13), Y15, Y9
	CMPQ  ARG_ROWS(DI), $5
	JLE   t16k
	ADDQ  AX, R13
	VMOVUPS (R13), Y10
	VMASKMOVPS 32(R13), Y15, Y11

t16k:
	MOVQ ARG_A(DI), SI
	MOVQ ARG_B(DI), BX
	MOVQ ARG_K(DI), AX

t16loop:
	VMOVUPS (BX), Y12
	VMASKMOVPS 32(BX), Y15, Y13
	FULLROW((SI), Y14, Y0, Y1)
	FULLROW((SI)(R8*1), Y14, Y2, Y3)
	FULLROW((SI)(R9*1), Y14, Y4, Y5)
	FULLROW((SI)(R10*1), Y14, Y6, Y7)
	FULLROW((SI)(R11*1), Y14, Y8, Y9)
	FULLROW((SI)(R12*1), Y14, Y10, Y11)
	ADDQ CX, SI
	ADDQ DX, BX
	DECQ AX
	JNZ  t16loop

	MOVQ  ARG_POST(DI), R13
	TESTQ R13, R13
	JZ    t16relu
	VMOVUPS (R13), Y12
	VMASKMOVPS 32(R13), Y15, Y13
	ADD12

t16relu:
	CMPQ ARG_RELU(DI), $0
	JEQ  t16store
	RELU12

t16store:
	MOVQ ARG_C(DI), R13
	MOVQ ARG_LDC(DI), AX
	VMOVUPS Y0, (R13)
	VMASKMOVPS Y1, Y15, 32(R13)
	CMPQ ARG_ROWS(DI), $1
	JLE  t16next
	ADDQ AX, R13
	VMOVUPS Y2, (R13)
	VMASKMOVPS Y3, Y15, 32(R13)
	CMPQ ARG_ROWS(DI), $2
	JLE  t16next
	ADDQ AX, R13
	VMOVUPS Y4, (R13)
	VMASKMOVPS Y5, Y15, 32(R13)
	CMPQ ARG_ROWS(DI), $3
	JLE  t16next
	ADDQ AX, R13
	VMOVUPS Y6, (R13)
	VMASKMOVPS Y7, Y15, 32(R13)
	CMPQ ARG_ROWS(DI), $4
	JLE  t16next
	ADDQ AX, R13
	VMOVUPS Y8, (R13)
	VMASKMOVPS Y9, Y15, 32(R13)
	CMPQ ARG_ROWS(DI), $5
	JLE  t16next
	ADDQ AX, R13
	VMOVUPS Y10, (R13)
	VMASKMOVPS Y11, Y15, 32(R13)

t16next:
	NEXTTILE(t16tile, t16nextdone)

t16nextdone:
	VZEROUPPER
	RET

// ---- one to eight columns: one vector under the mask in Y15 ----
tail8:
	VMOVDQU ARG_MASK(DI), Y15

t8tile:
	ZERO12
	MOVQ  ARG_D(DI), R13
	TESTQ R13, R13
	JZ    t8k
	MOVQ  ARG_LDD(DI), AX
	VMASKMOVPS (R13), Y15, Y0
	CMPQ  ARG_ROWS(DI), $1
	JLE   t8k
	ADDQ  AX, R13
	VMASKMOVPS (R13), Y15, Y2
	CMPQ  ARG_ROWS(DI), $2
	JLE   t8k
	ADDQ  AX, R13
	VMASKMOVPS (R13), Y15, Y4
	CMPQ  ARG_ROWS(DI), $3
	JLE   t8k
	ADDQ  AX, R13
	VMASKMOVPS (R13), Y15, Y6
	CMPQ  ARG_ROWS(DI), $4
	JLE   t8k
	ADDQ  AX, R13
	VMASKMOVPS (R13), Y15, Y8
	CMPQ  ARG_ROWS(DI), $5
	JLE   t8k
	ADDQ  AX, R13
	VMASKMOVPS (R13), Y15, Y10

t8k:
	MOVQ ARG_A(DI), SI
	MOVQ ARG_B(DI), BX
	MOVQ ARG_K(DI), AX

t8loop:
	VMASKMOVPS (BX), Y15, Y12
	HALFROW((SI), Y0)
	HALFROW((SI)(R8*1), Y2)
	HALFROW((SI)(R9*1), Y4)
	HALFROW((SI)(R10*1), Y6)
	HALFROW((SI)(R11*1), Y8)
	HALFROW((SI)(R12*1), Y10)
	ADDQ CX, SI
	ADDQ DX, BX
	DECQ AX
	JNZ  t8loop

	MOVQ  ARG_POST(DI), R13
	TESTQ R13, R13
	JZ    t8relu
	VMASKMOVPS (R13), Y15, Y12
	VXORPS Y13, Y13, Y13
	ADD12

t8relu:
	CMPQ ARG_RELU(DI), $0
	JEQ  t8store
	RELU12

t8store:
	MOVQ ARG_C(DI), R13
	MOVQ ARG_LDC(DI), AX
	VMASKMOVPS Y0, Y15, (R13)
	CMPQ ARG_ROWS(DI), $1
	JLE  t8next
	ADDQ AX, R13
	VMASKMOVPS Y2, Y15, (R13)
	CMPQ ARG_ROWS(DI), $2
	JLE  t8next
	ADDQ AX, R13
	VMASKMOVPS Y4, Y15, (R13)
	CMPQ ARG_ROWS(DI), $3
	JLE  t8next
	ADDQ AX, R13
	VMASKMOVPS Y6, Y15, (R13)
	CMPQ ARG_ROWS(DI), $4
	JLE  t8next
	ADDQ AX, R13
	VMASKMOVPS Y8, Y15, (R13)
	CMPQ ARG_ROWS(DI), $5
	JLE  t8next
	ADDQ AX, R13
	VMASKMOVPS Y10, Y15, (R13)

t8next:
	NEXTTILE(t8tile, t8nextdone)

t8nextdone:
	VZEROUPPER
	RET
