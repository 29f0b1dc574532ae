//go:build js

package nn

// gemm in WebAssembly: plain loops in one thread, row by row, each row of C
// updated by C[i,:] += A(i,l)·B[l,:] for l ascending (no fused multiply-add:
// the results differ from the native ones in the last bits). See gemm.go.
func gemm(g *gemmArgs) {
	for i := range g.m {
		cr := g.c[i*g.ldc : i*g.ldc+g.n]
		switch {
		case g.bias != nil:
			copy(cr, g.bias[:g.n])
		case !g.acc:
			clear(cr)
		}
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
			axpy(cr, av, g.b[l*g.ldb:][:len(cr)])
		}
		if g.post != nil {
			for j, v := range g.post[:len(cr)] {
				cr[j] += v
			}
		}
		if g.relu {
			for j, v := range cr {
				cr[j] = relu(v)
			}
		}
	}
}

// axpy is y += a·x (len(x) == len(y)), four elements a step: WebAssembly has
// no SIMD here, and the unrolled loop halves the bookkeeping per element.
func axpy(y []float32, a float32, x []float32) {
	x = x[:len(y)]
	j := 0
	for ; j+4 <= len(y); j += 4 {
		y4, x4 := y[j:j+4:j+4], x[j:j+4:j+4]
		y4[0] += a * x4[0]
		y4[1] += a * x4[1]
		y4[2] += a * x4[2]
		y4[3] += a * x4[3]
	}
	for ; j < len(y); j++ {
		y[j] += a * x[j]
	}
}
