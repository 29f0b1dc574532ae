package nn

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// sgemm computes C = alpha·op(A)·op(B) + beta·C for row-major matrices, where
// op(A) is m×k (A is k×m when tA), op(B) is k×n (B is n×k when tB) and C is
// m×n; lda, ldb and ldc are the row strides: the BLAS-style form of gemm, for
// TestSgemm. It transposes B into a copy when tB and, unless alpha is 1 and
// beta 0 or 1, computes the product apart and combines it with C.
func sgemm(tA, tB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	if tB && k > 0 {
		bt := make([]float32, k*n)
		transpose(bt, n, b, ldb, n, k)
		b, ldb = bt, n
	}
	g := gemmArgs{m: m, n: n, k: k, tA: tA, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc, acc: beta == 1}
	if alpha == 1 && (beta == 0 || beta == 1) {
		gemm(&g)
		return
	}
	t := make([]float32, m*n)
	g.c, g.ldc, g.acc = t, n, false
	gemm(&g)
	for i := range m {
		for j, v := range t[i*n : (i+1)*n] {
			cv := &c[i*ldc+j]
			if beta == 0 {
				*cv = alpha * v
			} else {
				*cv = alpha*v + beta**cv
			}
		}
	}
}

// refGemm is C = alpha·op(A)·op(B) + beta·C in float64, from the definition.
func refGemm(tA, tB bool, m, n, k int, alpha float64, a []float32, lda int, b []float32, ldb int, beta float64, c []float32, ldc int) []float64 {
	out := to64(c)
	for i := range m {
		for j := range n {
			var s float64
			for l := range k {
				var av, bv float32
				if tA {
					av = a[l*lda+i]
				} else {
					av = a[i*lda+l]
				}
				if tB {
					bv = b[j*ldb+l]
				} else {
					bv = b[l*ldb+j]
				}
				s += float64(av) * float64(bv)
			}
			out[i*ldc+j] = alpha*s + beta*float64(c[i*ldc+j])
		}
	}
	return out
}

func TestSgemm(t *testing.T) {
	t.Parallel()
	i := 0
	for _, size := range [][3]int{{1, 1, 1}, {3, 5, 7}, {65, 129, 3}, {32, 100, 600}, {200, 37, 41}, {9, 700, 300}} {
		for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
			for _, ab := range [][2]float32{{1, 0}, {0.5, 1}, {-2, 0.25}} {
				i++
				m, n, k := size[0], size[1], size[2]
				tA, tB := tr[0], tr[1]
				r := rand.New(rand.NewPCG(7, uint64(i)))
				// Row strides larger than the rows, to catch a stride mix-up.
				lda, ldb, ldc := k+3, n+1, n+2
				if tA {
					lda = m + 3
				}
				if tB {
					ldb = k + 1
				}
				rowsA, rowsB := m, k
				if tA {
					rowsA = k
				}
				if tB {
					rowsB = n
				}
				a, _ := randVals(r, rowsA*lda, 1)
				b, _ := randVals(r, rowsB*ldb, 1)
				c, _ := randVals(r, m*ldc, 1)
				want := refGemm(tA, tB, m, n, k, float64(ab[0]), a, lda, b, ldb, float64(ab[1]), c, ldc)
				got := slices.Clone(c)
				sgemm(tA, tB, m, n, k, ab[0], a, lda, b, ldb, ab[1], got, ldc)
				var worst float64
				for p := range m {
					for q := range n {
						w := want[p*ldc+q]
						// Each product term has magnitude < 1, so a sum of k
						// terms is good to about k·2⁻²⁴.
						worst = max(worst, math.Abs(float64(got[p*ldc+q])-w)/float64(k))
					}
					for q := n; q < ldc; q++ {
						if got[p*ldc+q] != c[p*ldc+q] {
							t.Fatalf("%d: m=%d n=%d k=%d tA=%v tB=%v: wrote C[%d, %d] outside the matrix", i, m, n, k, tA, tB, p, q)
						}
					}
				}
				if worst > 1e-6 {
					t.Errorf("%d: m=%d n=%d k=%d tA=%v tB=%v alpha=%g beta=%g: error/k %.3g > 1e-6", i, m, n, k, tA, tB, ab[0], ab[1], worst)
				}
				// Serially, the same bits.
				serialOnly.Store(true)
				got2 := slices.Clone(c)
				sgemm(tA, tB, m, n, k, ab[0], a, lda, b, ldb, ab[1], got2, ldc)
				serialOnly.Store(false)
				if !slices.Equal(got, got2) {
					t.Errorf("%d: m=%d n=%d k=%d tA=%v tB=%v: serial and parallel results differ", i, m, n, k, tA, tB)
				}
			}
		}
	}
}

// BenchmarkGemm runs the products of a training step of the tutorial model
// (batch 32) as the layers call them, and reports GFLOP/s (2 per
// multiply-add) per second of wall time and per second of CPU time (all
// threads; where measured).
func BenchmarkGemm(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, c := range []struct {
		name    string
		tA      bool
		m, n, k int
		lda     int
		bias    bool
		post    bool
		relu    bool
	}{
		{"dense-forward", false, 32, 100, 5408, 5408, true, false, true},  // (N, in) · (in, out)
		{"dense-dkernel", true, 5408, 100, 32, 5408, false, false, false}, // xᵀ · dy
		{"dense-dxT", false, 5408, 32, 100, 100, false, false, false},     // kernel · dyᵀ
		{"conv-forward", false, 21632, 32, 9, 10, false, true, true},      // col · kernel
		{"conv-dkernel", true, 10, 32, 21632, 10, false, false, false},    // colᵀ · dy
	} {
		rowsA := c.m
		if c.tA {
			rowsA = c.k
		}
		a, _ := randVals(r, rowsA*c.lda, 1)
		bm, _ := randVals(r, c.k*c.n, 1)
		bias, _ := randVals(r, c.n, 1)
		g := gemmArgs{m: c.m, n: c.n, k: c.k, tA: c.tA, a: a, lda: c.lda, b: bm, ldb: c.n,
			c: make([]float32, c.m*c.n), ldc: c.n, relu: c.relu, part: new([]float32)}
		if c.bias {
			g.bias = bias
		}
		if c.post {
			g.post = bias
		}
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			cpu := cpuTime()
			for b.Loop() {
				gemm(&g)
			}
			flops := 2 * float64(c.m*c.n*c.k) * float64(b.N)
			b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			if cpu := cpuTime() - cpu; cpu > 0 {
				b.ReportMetric(flops/cpu.Seconds()/1e9, "GFLOP/cpu-s")
			}
		})
	}
}
