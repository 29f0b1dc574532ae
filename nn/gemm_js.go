//go:build js

package nn

// sgemm in WebAssembly: plain loops in one thread, with gonum's order of
// operations. Gonum's Sgemm would add about 7 KB (gzip) to the page's
// download for no speed: it runs generic Go there too. See gemm.go.
func sgemm(tA, tB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	for i := range m {
		cr := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(cr)
		} else if beta != 1 {
			for j := range cr {
				cr[j] *= beta
			}
		}
		if tB && !tA {
			// C[i,j] += alpha·(A[i,:]·B[j,:]), as a dot product.
			ar := a[i*lda : i*lda+k]
			for j := range cr {
				br := b[j*ldb:][:len(ar)] // the same length, which lifts bounds checks
				cr[j] += alpha * dot(ar, br)
			}
			continue
		}
		// C[i,:] += (alpha·A[i,l])·B[l,:] for l in ascending order.
		for l := range k {
			var av float32
			if tA {
				av = a[l*lda+i]
			} else {
				av = a[i*lda+l]
			}
			av *= alpha
			if av == 0 {
				continue
			}
			if tB {
				for j := range cr {
					cr[j] += av * b[j*ldb+l]
				}
				continue
			}
			axpy(cr, av, b[l*ldb:][:len(cr)])
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

// dot is Σ x_j·y_j (len(x) == len(y)), summed in order.
func dot(x, y []float32) float32 {
	y = y[:len(x)]
	var s float32
	j := 0
	for ; j+4 <= len(x); j += 4 {
		x4, y4 := x[j:j+4:j+4], y[j:j+4:j+4]
		s += x4[0] * y4[0]
		s += x4[1] * y4[1]
		s += x4[2] * y4[2]
		s += x4[3] * y4[3]
	}
	for ; j < len(x); j++ {
		s += x[j] * y[j]
	}
	return s
}
