//go:build !js

package nn

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"
)

// fma32 is a·b + c rounded once to float32, as an FMA instruction computes it.
func fma32(a, b, c float32) float32 {
	var p, s big.Float
	p.SetPrec(200).Mul(big.NewFloat(float64(a)), big.NewFloat(float64(b)))
	s.SetPrec(200).Add(&p, big.NewFloat(float64(c)))
	f, _ := s.Float32()
	return f
}

// fmaGemm is gemmArgs's definition computed element by element: the start,
// then an fma for each l (per chunk of splitK when split, the chunks' sums
// added in order), then the ReLU.
func fmaGemm(g *gemmArgs, split bool) []float32 {
	c := slices.Clone(g.c)
	for i := range g.m {
		for j := range g.n {
			var s float32
			switch {
			case g.bias != nil:
				s = g.bias[j]
			case g.acc:
				s = c[i*g.ldc+j]
			}
			chunk := g.k
			if split {
				chunk = splitK
			}
			for l0 := 0; l0 < g.k; l0 += chunk {
				var p float32
				if !split {
					p = s
				}
				for l := l0; l < min(l0+chunk, g.k); l++ {
					var av float32
					if g.tA {
						av = g.a[l*g.lda+i]
					} else {
						av = g.a[i*g.lda+l]
					}
					p = fma32(av, g.b[l*g.ldb+j], p)
				}
				if split {
					s += p
				} else {
					s = p
				}
			}
			if g.post != nil {
				s += g.post[j]
			}
			if g.relu {
				s = relu(s)
			}
			c[i*g.ldc+j] = s
		}
	}
	return c
}

// TestGemmExact checks that the products are the fma sequences gemm.go
// defines, bit for bit, for tiles of every width and height, with each
// start, post, the ReLU and a split k, for every kernel the processor has;
// and that the Go kernel agrees closely. Not parallel: it switches kernels.
func TestGemmExact(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	i := 0
	for _, size := range [][3]int{{1, 1, 1}, {5, 7, 3}, {6, 16, 9}, {7, 17, 2}, {13, 33, 300}, {12, 8, 5}, {3, 100, 40}, {40, 9, 17}, {4, 20, 4200}} {
		for _, tA := range []bool{false, true} {
			for mode := range 5 { // 0: from 0, 1: acc, 2: bias, 3: bias and ReLU, 4: acc, post and ReLU
				i++
				m, n, k := size[0], size[1], size[2]
				lda, ldb, ldc := k+2, n+3, n+1
				rowsA := m
				if tA {
					lda, rowsA = m+2, k
				}
				a, _ := randVals(r, rowsA*lda, 1)
				b, _ := randVals(r, k*ldb, 1)
				c, _ := randVals(r, m*ldc, 1)
				bias, _ := randVals(r, n, 1)
				g := gemmArgs{m: m, n: n, k: k, tA: tA, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc, acc: mode == 1 || mode == 4, relu: mode >= 3}
				if tA { // k may be split
					g.part = new([]float32)
				}
				switch mode {
				case 2, 3:
					g.bias = bias
				case 4:
					g.post = bias
				}
				split := g.part != nil && ceilDiv(m, 8)*ceilDiv(n, 16) < splitTiles && k >= 4*splitK
				want := fmaGemm(&g, split)
				name := fmt.Sprintf("%d: m=%d n=%d k=%d tA=%v mode=%d", i, m, n, k, tA, mode)
				for kern, exact := range kernelsToTest() {
					got := slices.Clone(c)
					h := g
					h.c = got
					withKernel(kern, func() { gemm(&h) })
					for p := range m {
						for q := range ldc {
							w, v := want[p*ldc+q], got[p*ldc+q]
							if q >= n {
								if v != c[p*ldc+q] {
									t.Fatalf("%s: kernel %d: wrote C[%d, %d] outside the matrix", name, kern, p, q)
								}
								continue
							}
							if exact && v != w {
								t.Fatalf("%s: kernel %d: C[%d, %d] = %g, want the fma sequence's %g", name, kern, p, q, v, w)
							}
							if !exact && !(abs32(v-w) <= 1e-5*float32(k+1)) {
								t.Fatalf("%s: kernel %d: C[%d, %d] = %g, want about %g", name, kern, p, q, v, w)
							}
						}
					}
				}
			}
		}
	}
}

func abs32(x float32) float32 { return max(x, -x) }

// TestGemmCuts checks the claim the determinism rests on: the result is the
// same bits however C is cut into tasks, whichever micro-kernel runs (the
// assembly ones all give the same bits; the Go one its own).
func TestGemmCuts(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(8, 0))
	const m, n, k = 70, 300, 600
	for i, tA := range []bool{false, true} {
		lda := k
		if tA {
			lda = m
		}
		a, _ := randVals(r, m*k, 1)
		b, _ := randVals(r, k*n, 1)
		bias, _ := randVals(r, n, 1)
		first := map[bool][]float32{} // by exact
		for kern, exact := range kernelsToTest() {
			if kern >= len(kernMR) {
				continue // gonum's Sgemm, which has no micro-tiles (see gemmGonum)
			}
			for _, workers := range []int{1, 2, 3, 8, 40} {
				c := make([]float32, m*n)
				j := newGemmJob(&gemmArgs{m: m, n: n, k: k, tA: tA, a: a, lda: lda, b: b, ldb: n, c: c, ldc: n, bias: bias, relu: true}, kern)
				j.cut(workers)
				for task := range j.count {
					j.do(task)
				}
				if first[exact] == nil {
					first[exact] = c
				} else if !slices.Equal(first[exact], c) {
					t.Errorf("%d: tA=%v: kernel %d, tasks of %d×%d give other bits than the first cut", i, tA, kern, j.tm, j.tn)
				}
			}
		}
	}
}
