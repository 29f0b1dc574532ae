//go:build !js

package nn

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// sgemm computes C = alpha·op(A)·op(B) + beta·C for row-major matrices, where
// op(A) is m×k (A is k×m when tA), op(B) is k×n (B is n×k when tB) and C is
// m×n; lda, ldb and ldc are the row strides.
//
// C is cut into tiles computed independently, in parallel when the product is
// large. Each element of C gets the same operations in the same order however
// C is tiled (a sum over the whole of k in ascending order), so the result
// does not depend on the tiling or the number of workers.
func sgemm(tA, tB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	g := gemmTask{tA: tA, tB: tB, m: m, n: n, k: k, alpha: alpha, beta: beta,
		a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc}
	if m*n*k < gemmParallelMACs || !acquirePool() {
		g.tiles(1)
		for i := range g.count {
			g.do(i)
		}
		return
	}
	pooled = g
	pooled.tiles(pool.helpers + 1)
	runPool(pooled.count, &pooled)
	pooled = gemmTask{}
	releasePool()
}

// gemmParallelMACs is the size (multiply-adds) from which a product is worth
// spreading over the pool.
const gemmParallelMACs = 1 << 17

// pooled holds the product being run on the pool (guarded by pool.mu), so
// that starting it allocates nothing.
var pooled gemmTask

type gemmTask struct {
	tA, tB      bool
	m, n, k     int
	alpha, beta float32
	a, b, c     []float32
	lda, ldb    int
	ldc         int

	mt, nt int // tile size
	tn     int // tiles along n
	count  int // tiles
}

// Gonum's Sgemm goes parallel itself (with a blocking of k that changes the
// rounding) from 4 blocks of 64×64 up; tiles of at most 64×128 stay serial.
const (
	tileM = 64
	tileN = 128
)

// tiles cuts C into tiles of at most tileM×tileN, cutting rows first (the
// rows of C are gonum's unit of work) when that gives fewer than 2·workers
// tiles, then columns down to 64 when B is not transposed (each row of a
// tile is then updated by calls over its width, which must stay long) or 16.
func (g *gemmTask) tiles(workers int) {
	minN := 16
	if !g.tB {
		minN = 64
	}
	g.mt, g.nt = min(g.m, tileM), min(g.n, tileN)
	for ceilDiv(g.m, g.mt)*ceilDiv(g.n, g.nt) < 2*workers {
		if g.mt >= 2 {
			g.mt = (g.mt + 1) / 2
		} else if g.nt >= 2*minN {
			g.nt = (g.nt + 1) / 2
		} else {
			break
		}
	}
	g.tn = ceilDiv(g.n, g.nt)
	g.count = ceilDiv(g.m, g.mt) * g.tn
}

func (g *gemmTask) do(t int) {
	i, j := t/g.tn*g.mt, t%g.tn*g.nt
	m, n := min(g.mt, g.m-i), min(g.nt, g.n-j)
	c := g.c[i*g.ldc+j:]
	if g.tB {
		// C[i,j] = Σ_l A[i,l]·B[j,l] as dot products over the whole of k.
		var a []float32
		if g.tA {
			a = g.a[i:]
		} else {
			a = g.a[i*g.lda:]
		}
		gonum.Implementation{}.Sgemm(trans(g.tA), blas.Trans, m, n, g.k, g.alpha, a, g.lda, g.b[j*g.ldb:], g.ldb, g.beta, c, g.ldc)
		return
	}
	// C[i,:] += A[i,l]·B[l,:] for l in ascending order: cutting k into blocks
	// keeps a block of B in cache for all the tile's rows without changing
	// any element's operations.
	beta := g.beta
	for l := 0; l < g.k; l += kBlock {
		kb := min(kBlock, g.k-l)
		var a []float32
		if g.tA {
			a = g.a[l*g.lda+i:]
		} else {
			a = g.a[i*g.lda+l:]
		}
		gonum.Implementation{}.Sgemm(trans(g.tA), blas.NoTrans, m, n, kb, g.alpha, a, g.lda, g.b[l*g.ldb+j:], g.ldb, beta, c, g.ldc)
		beta = 1
	}
}

// kBlock is the block of k for products whose B is not transposed.
const kBlock = 256

func trans(t bool) blas.Transpose {
	if t {
		return blas.Trans
	}
	return blas.NoTrans
}
