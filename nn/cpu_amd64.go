package nn

// The kernels of kernels_amd64.s need AVX2 and FMA, which the processor must
// have and the operating system must save with the thread (XCR0). Without
// them the package runs the Go loops beside each kernel (adamGo,
// reluBackwardGo, transposeGo, maxpool.go's and conv2d.go's) and gonum's
// products (gemm_gonum_amd64.go).

func cpuid(leaf, sub uint32) (eax, ebx, ecx, edx uint32)
func xgetbv0() (eax, edx uint32)

// useAVX2 selects the assembly kernels, useAVX512 the AVX-512 GEMM kernel
// among them; tests clear them to run the others.
var (
	useAVX2   = hasAVX2FMA()
	useAVX512 = useAVX2 && hasAVX512()
)

func hasAVX2FMA() bool {
	maxLeaf, _, _, _ := cpuid(0, 0)
	if maxLeaf < 7 {
		return false
	}
	_, _, ecx1, _ := cpuid(1, 0)
	const fma, osxsave, avx = 1 << 12, 1 << 27, 1 << 28
	if ecx1&(fma|osxsave|avx) != fma|osxsave|avx {
		return false
	}
	if xcr0, _ := xgetbv0(); xcr0&6 != 6 { // SSE and AVX state
		return false
	}
	_, ebx7, _, _ := cpuid(7, 0)
	return ebx7&(1<<5) != 0 // AVX2
}

// hasAVX512 reports AVX-512F with its state (opmask and the 32 ZMM
// registers) saved by the operating system.
func hasAVX512() bool {
	_, ebx7, _, _ := cpuid(7, 0)
	if ebx7&(1<<16) == 0 { // AVX512F
		return false
	}
	xcr0, _ := xgetbv0()
	return xcr0&0xe6 == 0xe6
}
