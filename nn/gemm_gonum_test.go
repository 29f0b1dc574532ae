//go:build !js

package nn

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestTilesIndependent checks the claim sgemm's determinism rests on: the
// result is the same bits however C is cut into tiles.
func TestTilesIndependent(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(8, 0))
	const m, n, k = 70, 300, 600
	for i, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
		tA, tB := tr[0], tr[1]
		lda, ldb := k, n
		if tA {
			lda = m
		}
		if tB {
			ldb = k
		}
		a, _ := randVals(r, m*k, 1)
		b, _ := randVals(r, k*n, 1)
		var first []float32
		for _, workers := range []int{1, 2, 3, 8, 40} {
			g := gemmTask{tA: tA, tB: tB, m: m, n: n, k: k, alpha: 1, beta: 0, a: a, lda: lda, b: b, ldb: ldb, c: make([]float32, m*n), ldc: n}
			g.tiles(workers)
			for tile := range g.count {
				g.do(tile)
			}
			if first == nil {
				first = g.c
			} else if !slices.Equal(first, g.c) {
				t.Errorf("%d: tA=%v tB=%v: tiles of %d×%d give other bits than the first tiling", i, tA, tB, g.mt, g.nt)
			}
		}
	}
}
