package nn

import "testing"

// kernelsToTest lists the micro-kernels this processor runs, each with
// whether it computes the fma sequences exactly (the assembly ones do).
func kernelsToTest() map[int]bool {
	ks := map[int]bool{kernGo: false, kernGonum: false}
	if hasAVX2FMA() {
		ks[kernAVX2] = true
	}
	if hasAVX2FMA() && hasAVX512() {
		ks[kernAVX512] = true
	}
	return ks
}

// withKernel runs f with every product on micro-kernel kern.
func withKernel(kern int, f func()) {
	saved := forceKernel
	forceKernel = kern
	defer func() { forceKernel = saved }()
	f()
}

// BenchmarkKernels runs BenchmarkGemm's products on each micro-kernel.
func BenchmarkKernels(b *testing.B) {
	for kern := range kernelsToTest() {
		b.Run([...]string{kernGo: "go", kernAVX2: "avx2", kernAVX512: "avx512", kernGonum: "gonum"}[kern], func(b *testing.B) {
			withKernel(kern, func() { BenchmarkGemm(b) })
		})
	}
}
