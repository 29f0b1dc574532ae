package nn

// All matrix products of the package go through sgemm (gemm_gonum.go natively,
// gemm_js.go in WebAssembly), so that a faster kernel can replace them here and
// nowhere else. Its contract:
//
//	sgemm(tA, tB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int)
//
// computes C = alpha·op(A)·op(B) + beta·C for row-major matrices, where op(A)
// is m×k (A is stored k×m when tA), op(B) is k×n (B is stored n×k when tB) and
// C is m×n; lda, ldb and ldc are the row strides. Every element of C is
// computed by one fixed sequence of operations, whatever the number of
// threads.

func ceilDiv(a, b int) int { return (a + b - 1) / b }
