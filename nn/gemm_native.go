//go:build !js

package nn

import "unsafe"

// The products are cut into tasks (blocks of C) run on the pool, each task
// into blocks of k that stay in cache, and each block into micro-tiles of
// mr×nr elements of C, which a micro-kernel keeps in registers over a whole
// block of k: gemmAVX512 (8×32) or gemmAVX2 (6×16) in gemm_amd64.s, or gemmGo
// (6×16). How C is cut changes no element's operations (see gemmArgs), nor
// does the kernel; only a split k does, and whether k is split depends on the
// shapes alone. (On amd64 without AVX2, gonum's Sgemm runs instead: see
// gemm_gonum_amd64.go.)
const (
	kc = 256 // block of k: a block of B (kc×nr) stays in L1 while the task's rows go by

	// k is split into chunks of splitK, when the caller allows it, if C has
	// fewer than splitTiles tiles of 8×16 (fixed numbers, not mr and nr, so
	// that every kernel splits alike) and k is at least 4·splitK: the chunks
	// are then the parallel work.
	splitK     = 1024
	splitTiles = 8

	// minTaskMACs is the least work (multiply-adds) worth a task of its own.
	minTaskMACs = 1 << 15
)

// The micro-kernels, by number: their tile is kernMR[id]×kernNR[id].
const (
	kernGo = iota
	kernAVX2
	kernAVX512
)

var (
	kernMR = [...]int{kernGo: 6, kernAVX2: 6, kernAVX512: 8}
	kernNR = [...]int{kernGo: 16, kernAVX2: 16, kernAVX512: 32}
)

// kernArgs is the micro-kernel's work: tiles micro-tiles stacked down the
// rows, each of up to mr rows (rows are stored; the others reuse row rows−1
// of A and are dropped) and cols ≤ nr columns. Tile t covers rows t·mr… of C:
//
//	C(r, j) = relu?(s + post(j)), s = D(r, j) (0 when d is nil), then s = fma(A(r, l), B(l, j), s) for l < k
//
// where A(r, l) is at a + off[r−1] + l·csA (off[−1] = 0), B(l, j) at b +
// l·ldb + 4j, C(r, j) at c + r·ldc + 4j and D(r, j) at d + r·ldd + 4j. After
// each tile but the last a, c and d move on by rsAT, ldcT and lddT (so that
// they never point past their matrices, for the GC). All strides are in
// bytes. mask holds −1 in its first cols lanes and 0 after, when cols < 16,
// for gemmAVX2; kmask1 and kmask2 have a bit set for each column in the first
// and second 16, for gemmAVX512. post(j) is at post + 4j; nothing is added
// when post is nil. The field offsets are fixed: gemm_amd64.s reads them.
type kernArgs struct {
	a, b, c, d       unsafe.Pointer
	k                int
	csA, ldb         int
	ldc, ldd         int
	rsAT, ldcT, lddT int
	off              [7]int
	rows, tiles      int
	cols, relu       int
	mask             [16]int32
	post             unsafe.Pointer
	kmask1, kmask2   uint64
}

// gemm computes what g describes (see gemmArgs), on the pool when it is
// large enough.
func gemm(g *gemmArgs) {
	g.check()
	if g.m == 0 || g.n == 0 {
		return
	}
	if g.k == 0 {
		g.start()
		return
	}
	kern := pickKernel(g.m, g.n)
	if gemmAlt(g, kern) {
		return
	}
	j := newGemmJob(g, kern)
	if g.part != nil && ceilDiv(g.m, 8)*ceilDiv(g.n, 16) < splitTiles && g.k >= 4*splitK {
		j.chunks = ceilDiv(g.k, splitK)
		*g.part = grow(*g.part, j.chunks*g.m*g.n)
		j.part = *g.part
		j.count = j.chunks
		j.run()
		j.reduce()
		return
	}
	j.run()
}

// check panics unless the slices hold the matrices g describes: the
// kernels do not check their bounds.
func (g *gemmArgs) check() {
	if g.m < 0 || g.n < 0 || g.k < 0 {
		panic("nn: gemm: negative dimension")
	}
	if g.m == 0 || g.n == 0 {
		return
	}
	ra, ca := g.m, g.k
	if g.tA {
		ra, ca = g.k, g.m
	}
	if g.k > 0 && (g.lda < ca || len(g.a) < (ra-1)*g.lda+ca) {
		panic("nn: gemm: A too short")
	}
	if g.k > 0 && (g.ldb < g.n || len(g.b) < (g.k-1)*g.ldb+g.n) {
		panic("nn: gemm: B too short")
	}
	if g.ldc < g.n || len(g.c) < (g.m-1)*g.ldc+g.n {
		panic("nn: gemm: C too short")
	}
	if g.bias != nil && len(g.bias) < g.n || g.post != nil && len(g.post) < g.n {
		panic("nn: gemm: bias too short")
	}
}

// newGemmJob returns the job of g on micro-kernel kern, not yet cut.
func newGemmJob(g *gemmArgs, kern int) gemmJob {
	j := gemmJob{g: *g, rsA: g.lda, csA: 1, kern: kern, mr: kernMR[kern], nr: kernNR[kern]}
	if g.tA {
		j.rsA, j.csA = 1, g.lda
	}
	return j
}

// start sets C to its starting values (for k = 0).
func (g *gemmArgs) start() {
	for i := range g.m {
		row := g.c[i*g.ldc : i*g.ldc+g.n]
		g.startRow(row)
		g.endRow(row)
	}
}

// A gemmJob is a product cut into count tasks: blocks of tm×tn elements of C
// (tn of them along n), or, when chunks > 0, the chunks of k.
type gemmJob struct {
	g        gemmArgs
	rsA, csA int // element strides of op(A): A(i, l) = a[i·rsA + l·csA]
	kern     int // micro-kernel
	mr, nr   int // its tile
	tm, tn   int
	tasksN   int
	count    int
	chunks   int
	part     []float32 // (chunks, m, n) partial sums
}

// pooledGemm holds the product being run on the pool (guarded by pool.mu), so
// that starting it allocates nothing.
var pooledGemm gemmJob

// run runs the tasks, on the pool when there is enough work.
func (j *gemmJob) run() {
	g := &j.g
	macs := g.m * g.n * g.k
	if macs >= 2*minTaskMACs && acquirePool() {
		if j.chunks == 0 {
			j.cut(pool.helpers + 1)
		}
		pooledGemm = *j
		runPool(pooledGemm.count, &pooledGemm)
		pooledGemm = gemmJob{}
		releasePool()
		return
	}
	if j.chunks == 0 {
		j.cut(1)
	}
	for t := range j.count {
		j.do(t)
	}
}

// cut chooses the tasks for workers workers: a few per worker for balance
// when the other cores are busy, none smaller than minTaskMACs, halving
// whichever side has more micro-tiles.
func (j *gemmJob) cut(workers int) {
	g := &j.g
	tilesM, tilesN := ceilDiv(g.m, j.mr), ceilDiv(g.n, j.nr)
	want := 1
	if workers > 1 {
		want = min(4*workers, g.m*g.n*g.k/minTaskMACs)
	}
	tm, tn := tilesM, tilesN // in micro-tiles
	for ceilDiv(tilesM, tm)*ceilDiv(tilesN, tn) < want {
		if tm >= tn && tm > 1 {
			tm = (tm + 1) / 2
		} else if tn > 1 {
			tn = (tn + 1) / 2
		} else {
			break
		}
	}
	j.tm, j.tn = tm*j.mr, tn*j.nr
	j.tasksN = ceilDiv(tilesN, tn)
	j.count = ceilDiv(tilesM, tm) * j.tasksN
}

func (j *gemmJob) do(t int) {
	g := &j.g
	if j.chunks > 0 {
		l0 := t * splitK
		part := j.part[t*g.m*g.n : (t+1)*g.m*g.n]
		j.block(part, g.n, 0, g.m, 0, g.n, l0, min(l0+splitK, g.k), nil, nil, false, false)
		return
	}
	i0, j0 := t/j.tasksN*j.tm, t%j.tasksN*j.tn
	i1, j1 := min(i0+j.tm, g.m), min(j0+j.tn, g.n)
	j.block(g.c, g.ldc, i0, i1, j0, j1, 0, g.k, g.bias, g.post, g.acc, g.relu)
}

// block computes rows i0…i1 and columns j0…j1 of the product over l0…l1 into
// c (row stride ldc), starting from bias, c itself (acc) or 0, adding post
// and applying the ReLU at the end, blocking k by kc: a block of k at a time,
// each column tile down all the rows.
func (j *gemmJob) block(c []float32, ldc, i0, i1, j0, j1, l0, l1 int, bias, post []float32, acc, relu bool) {
	g := &j.g
	mr, nr := j.mr, j.nr
	for lb := l0; lb < l1; lb += kc {
		kb := min(kc, l1-lb)
		last := lb+kb == l1
		for jj := j0; jj < j1; jj += nr {
			var t kernArgs
			t.k = kb
			t.csA, t.ldb, t.ldc = 4*j.csA, 4*g.ldb, 4*ldc
			t.cols = min(nr, j1-jj)
			for q := range min(t.cols, 16) {
				t.mask[q] = -1
			}
			t.kmask1 = 1<<min(t.cols, 16) - 1
			t.kmask2 = 1<<max(t.cols-16, 0) - 1
			if last && relu {
				t.relu = 1
			}
			if last && post != nil {
				t.post = unsafe.Pointer(&post[jj])
			}
			t.b = unsafe.Pointer(&g.b[lb*g.ldb+jj])
			switch {
			case lb > l0 || acc:
				t.d, t.ldd = unsafe.Pointer(&c[i0*ldc+jj]), t.ldc
			case bias != nil:
				t.d = unsafe.Pointer(&bias[jj])
			}
			t.a = unsafe.Pointer(&g.a[i0*j.rsA+lb*j.csA])
			t.c = unsafe.Pointer(&c[i0*ldc+jj])
			t.rsAT, t.ldcT, t.lddT = mr*4*j.rsA, mr*t.ldc, mr*t.ldd
			full := (i1 - i0) / mr
			if full > 0 {
				t.rows, t.tiles = mr, full
				for r := range mr - 1 {
					t.off[r] = (r + 1) * 4 * j.rsA
				}
				kernel(j.kern, &t)
			}
			if rem := i1 - i0 - full*mr; rem > 0 {
				i := i0 + full*mr
				t.a = unsafe.Pointer(&g.a[i*j.rsA+lb*j.csA])
				t.c = unsafe.Pointer(&c[i*ldc+jj])
				if t.ldd != 0 {
					t.d = unsafe.Pointer(&c[i*ldc+jj])
				}
				t.rows, t.tiles = rem, 1
				for r := range mr - 1 {
					t.off[r] = min(r+1, rem-1) * 4 * j.rsA
				}
				kernel(j.kern, &t)
			}
		}
	}
}

// reduce adds the chunks' partial sums to the starting values, in chunk
// order, and applies the ReLU.
func (j *gemmJob) reduce() {
	g := &j.g
	mn := g.m * g.n
	for i := range g.m {
		row := g.c[i*g.ldc : i*g.ldc+g.n]
		for q, v := range row {
			var s float32
			switch {
			case g.bias != nil:
				s = g.bias[q]
			case g.acc:
				s = v
			}
			for t := range j.chunks {
				s += j.part[t*mn+i*g.n+q]
			}
			if g.post != nil {
				s += g.post[q]
			}
			if g.relu {
				s = relu(s)
			}
			row[q] = s
		}
	}
}

// gemmGo is the micro-kernel in Go, for processors without AVX2 and FMA. It
// rounds each product before adding it unless the compiler fuses the two
// (it does on arm64, ppc64le, s390x and riscv64, not on amd64), so its
// results may differ from gemmAVX2's in the last bits.
func gemmGo(t *kernArgs) {
	const mr, nr = 6, 16
	var off [mr]uintptr
	for r := 1; r < mr; r++ {
		off[r] = uintptr(t.off[r-1])
	}
	for ; t.tiles > 0; t.tiles-- {
		var acc [mr][nr]float32
		if t.d != nil {
			for r := range t.rows {
				copy(acc[r][:t.cols], unsafe.Slice((*float32)(unsafe.Add(t.d, r*t.ldd)), t.cols))
			}
		}
		// Two rows by four columns at a time, in local variables (registers).
		for r := 0; r < mr; r += 2 {
			a0, a1 := unsafe.Add(t.a, off[r]), unsafe.Add(t.a, off[r+1])
			acc0, acc1 := &acc[r], &acc[r+1]
			q := 0
			for ; q+4 <= t.cols; q += 4 {
				s00, s01, s02, s03 := acc0[q], acc0[q+1], acc0[q+2], acc0[q+3]
				s10, s11, s12, s13 := acc1[q], acc1[q+1], acc1[q+2], acc1[q+3]
				pb := unsafe.Add(t.b, 4*q)
				for l := range t.k {
					x0 := *(*float32)(unsafe.Add(a0, l*t.csA))
					x1 := *(*float32)(unsafe.Add(a1, l*t.csA))
					b := (*[4]float32)(unsafe.Add(pb, l*t.ldb))
					s00 += x0 * b[0]
					s01 += x0 * b[1]
					s02 += x0 * b[2]
					s03 += x0 * b[3]
					s10 += x1 * b[0]
					s11 += x1 * b[1]
					s12 += x1 * b[2]
					s13 += x1 * b[3]
				}
				acc0[q], acc0[q+1], acc0[q+2], acc0[q+3] = s00, s01, s02, s03
				acc1[q], acc1[q+1], acc1[q+2], acc1[q+3] = s10, s11, s12, s13
			}
			for ; q < t.cols; q++ {
				s0, s1 := acc0[q], acc1[q]
				pb := unsafe.Add(t.b, 4*q)
				for l := range t.k {
					bv := *(*float32)(unsafe.Add(pb, l*t.ldb))
					s0 += *(*float32)(unsafe.Add(a0, l*t.csA)) * bv
					s1 += *(*float32)(unsafe.Add(a1, l*t.csA)) * bv
				}
				acc0[q], acc1[q] = s0, s1
			}
		}
		for r := range t.rows {
			c := unsafe.Slice((*float32)(unsafe.Add(t.c, r*t.ldc)), t.cols)
			for q := range c {
				v := acc[r][q]
				if t.post != nil {
					v += *(*float32)(unsafe.Add(t.post, 4*q))
				}
				if t.relu != 0 {
					v = relu(v)
				}
				c[q] = v
			}
		}
		if t.tiles > 1 { // never past the last tile: a, c and d stay pointers into their matrices
			t.a = unsafe.Add(t.a, t.rsAT)
			t.c = unsafe.Add(t.c, t.ldcT)
			if t.d != nil {
				t.d = unsafe.Add(t.d, t.lddT)
			}
		}
	}
}
