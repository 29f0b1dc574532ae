package nn

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// On amd64 processors without AVX2 and FMA, gonum's Sgemm, with its SSE
// kernels, is 1.4–3.6× faster than gemmGo on the tutorial's products
// (BENCHMARKS.md, "Kernels against the peak"): products run there instead,
// C cut into tiles that each stay serial in gonum (Sgemm goes parallel
// itself, with a blocking of k that would change the rounding, from 4 blocks
// of 64×64 up).
// Every element is then the sum over the whole of k in ascending order,
// rounding each product (gonum has no FMA), whatever the tiling or the
// number of workers; the start, post and ReLU are passes of their own.

// gemmGonum computes what g describes on gonum's Sgemm.
func gemmGonum(g *gemmArgs) {
	beta := float32(0)
	if g.acc {
		beta = 1
	}
	if g.bias != nil {
		for i := range g.m {
			copy(g.c[i*g.ldc:i*g.ldc+g.n], g.bias[:g.n])
		}
		beta = 1
	}
	t := gonumTask{tA: g.tA, m: g.m, n: g.n, k: g.k, beta: beta, a: g.a, lda: g.lda, b: g.b, ldb: g.ldb, c: g.c, ldc: g.ldc}
	if g.m*g.n*g.k < 2*minTaskMACs || !acquirePool() {
		t.tiles(1)
		for i := range t.count {
			t.do(i)
		}
	} else {
		pooledGonum = t
		pooledGonum.tiles(pool.helpers + 1)
		runPool(pooledGonum.count, &pooledGonum)
		pooledGonum = gonumTask{}
		releasePool()
	}
	if g.post != nil || g.relu {
		for i := range g.m {
			g.endRow(g.c[i*g.ldc : i*g.ldc+g.n])
		}
	}
}

// pooledGonum holds the product being run on the pool (guarded by pool.mu).
var pooledGonum gonumTask

type gonumTask struct {
	tA         bool
	m, n, k    int
	beta       float32
	a, b, c    []float32
	lda, ldb   int
	ldc        int
	mt, nt, tn int // tile size, tiles along n
	count      int
}

// tiles cuts C into tiles of at most 64×128, rows first (the rows of C are
// gonum's unit of work) while that gives fewer than 2·workers tiles, then
// columns down to 64.
func (t *gonumTask) tiles(workers int) {
	t.mt, t.nt = min(t.m, 64), min(t.n, 128)
	for ceilDiv(t.m, t.mt)*ceilDiv(t.n, t.nt) < 2*workers {
		if t.mt >= 2 {
			t.mt = (t.mt + 1) / 2
		} else if t.nt >= 128 {
			t.nt = (t.nt + 1) / 2
		} else {
			break
		}
	}
	t.tn = ceilDiv(t.n, t.nt)
	t.count = ceilDiv(t.m, t.mt) * t.tn
}

// do computes tile i: C[i,:] += A[i,l]·B[l,:] for l in ascending order, k in
// blocks of 256 that keep a block of B in cache without changing any
// element's operations.
func (t *gonumTask) do(tile int) {
	i, j := tile/t.tn*t.mt, tile%t.tn*t.nt
	m, n := min(t.mt, t.m-i), min(t.nt, t.n-j)
	c := t.c[i*t.ldc+j:]
	tA := blas.NoTrans
	if t.tA {
		tA = blas.Trans
	}
	beta := t.beta
	for l := 0; l < t.k; l += 256 {
		kb := min(256, t.k-l)
		var a []float32
		if t.tA {
			a = t.a[l*t.lda+i:]
		} else {
			a = t.a[i*t.lda+l:]
		}
		gonum.Implementation{}.Sgemm(tA, blas.NoTrans, m, n, kb, 1, a, t.lda, t.b[l*t.ldb+j:], t.ldb, beta, c, t.ldc)
		beta = 1
	}
}
