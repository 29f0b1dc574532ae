package nn

// All matrix products of the package go through gemm (gemm_native.go
// natively, gemm_js.go in WebAssembly), so that a faster kernel can replace
// them here and nowhere else.
//
// A gemmArgs describes
//
//	C = relu?(start + op(A)·B + post)
//
// for row-major matrices: op(A) is m×k (A is stored k×m when tA), B is k×n, C
// is m×n; lda, ldb and ldc are the row strides. start is bias (a row of n,
// the same for every row of C) when bias is not nil, else C itself when acc,
// else 0; post, when not nil, is a row of n added to every row after the
// products; relu replaces the negative results by 0 (a NaN stays NaN).
//
// Natively every element of C is computed by one fixed sequence of
// operations that depends on the shapes alone, never on the number of
// threads or on how C is cut into tiles: s = start, then s = fma(A(i,l),
// B(l,j), s) for l ascending (a fused multiply-add, one rounding), then s +
// post(j). When the caller allows it (part not nil), C is small and k long,
// k is cut into chunks of splitK whose sums, each an fma sequence from 0, are
// added to start in chunk order: then an element's bits depend on m and n,
// which they never do otherwise (an example's outputs are the same bits in a
// batch of any size).
type gemmArgs struct {
	m, n, k int
	tA      bool
	a       []float32
	lda     int
	b       []float32
	ldb     int
	c       []float32
	ldc     int
	bias    []float32
	post    []float32
	acc     bool
	relu    bool
	// part, when not nil, allows k to be split and holds the partial sums
	// (grown as needed).
	part *[]float32
}

// startRow sets row, a row of C, to its start: bias, itself when acc, or 0.
func (g *gemmArgs) startRow(row []float32) {
	switch {
	case g.bias != nil:
		copy(row, g.bias[:len(row)])
	case !g.acc:
		clear(row)
	}
}

// endRow adds post to row, a row of C after the products, and applies the
// ReLU.
func (g *gemmArgs) endRow(row []float32) {
	if g.post != nil {
		for j, v := range g.post[:len(row)] {
			row[j] += v
		}
	}
	if g.relu {
		for j, v := range row {
			row[j] = relu(v)
		}
	}
}

// transposeGo writes the rows×cols matrix src (row stride lds) into dst as
// cols×rows (row stride ldd). (transpose runs it, or an assembly kernel.)
func transposeGo(dst []float32, ldd int, src []float32, lds, rows, cols int) {
	const blk = 16 // a block of both stays in L1
	for i0 := 0; i0 < rows; i0 += blk {
		i1 := min(i0+blk, rows)
		for j0 := 0; j0 < cols; j0 += blk {
			j1 := min(j0+blk, cols)
			for i := i0; i < i1; i++ {
				s := src[i*lds+j0 : i*lds+j1]
				for j, v := range s {
					dst[(j0+j)*ldd+i] = v
				}
			}
		}
	}
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }
