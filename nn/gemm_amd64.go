package nn

//go:noescape
func gemmAVX2(t *kernArgs)

//go:noescape
func gemmAVX512(t *kernArgs)

// kernGonum is gonum's Sgemm, for processors without AVX2 (gemmGonum).
const kernGonum = kernAVX512 + 1

// gemmAlt runs g on gonum when kern is kernGonum, and reports whether it did.
func gemmAlt(g *gemmArgs, kern int) bool {
	if kern != kernGonum {
		return false
	}
	gemmGonum(g)
	return true
}

// pickKernel chooses the micro-kernel for an m×n product among those the
// processor has (gonum's Sgemm without AVX2): AVX-512 unless its tiles
// compute a fifth more elements than AVX2's on the edges of C. On Zen 4 it is
// 3–10% faster on the tutorial's products where it is picked (BENCHMARKS.md,
// "Kernels against the peak"); on whole tiles in cache the two ran at the
// same ≈110 GFLOP/s, the peak. All give the same bits.
func pickKernel(m, n int) int {
	if forceKernel >= 0 {
		return forceKernel
	}
	if !useAVX2 {
		return kernGonum
	}
	if !useAVX512 {
		return kernAVX2
	}
	// Elements computed for the m×n wanted: rows in whole tiles, columns in
	// whole tiles and the last in whole vectors (of 8 and 16 floats).
	cost := func(mr, nr, vec int) int {
		return ceilDiv(m, mr) * mr * (n/nr*nr + ceilDiv(n%nr, vec)*vec)
	}
	if 5*cost(8, 32, 16) <= 6*cost(6, 16, 8) {
		return kernAVX512
	}
	return kernAVX2
}

// forceKernel, when not −1, is the kernel pickKernel picks (for tests).
var forceKernel = -1

// kernel runs the micro-kernel id.
func kernel(id int, t *kernArgs) {
	switch id {
	case kernAVX512:
		gemmAVX512(t)
	case kernAVX2:
		gemmAVX2(t)
	default:
		gemmGo(t)
	}
}
