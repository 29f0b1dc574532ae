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
				br := b[j*ldb : j*ldb+k]
				var s float32
				for l, v := range ar {
					s += v * br[l]
				}
				cr[j] += alpha * s
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
			for j, v := range b[l*ldb : l*ldb+n] {
				cr[j] += av * v
			}
		}
	}
}
