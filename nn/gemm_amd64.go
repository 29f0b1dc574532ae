package nn

//go:noescape
func gemmAVX2(t *kernArgs)

// kernel runs the micro-kernel: gemmAVX2 when the processor has AVX2 and FMA.
func kernel(t *kernArgs) {
	if useAVX2 {
		gemmAVX2(t)
		return
	}
	gemmGo(t)
}
