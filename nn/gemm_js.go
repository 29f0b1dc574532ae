//go:build js

package nn

// gemm in WebAssembly: plain loops in one thread, row by row, each row of C
// updated by C[i,:] += A(i,l)·B[l,:] for l ascending (no fused multiply-add:
// the results differ from the native ones in the last bits). See gemm.go.
func gemm(g *gemmArgs) {
	for i := range g.m {
		cr := g.c[i*g.ldc : i*g.ldc+g.n]
		g.startRow(cr)
		for l := range g.k {
			var av float32
			if g.tA {
				av = g.a[l*g.lda+i]
			} else {
				av = g.a[i*g.lda+l]
			}
			if av == 0 {
				continue
			}
			madd(cr, av, g.b[l*g.ldb:][:len(cr)])
		}
		g.endRow(cr)
	}
}
