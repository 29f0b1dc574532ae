package nn

import (
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"testing"
)

// The assembly kernels must give the Go kernels' bits. Not parallel: these
// tests switch useAVX2.

func withAVX2(t *testing.T, on bool, f func()) {
	t.Helper()
	if on && !hasAVX2FMA() {
		t.Skip("no AVX2 and FMA")
	}
	saved := useAVX2
	useAVX2 = on
	defer func() { useAVX2 = saved }()
	f()
}

// specials puts NaNs, infinities, zeros of both signs and subnormals into v.
func specials(r *rand.Rand, v []float32) {
	for _, s := range []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), 0, float32(math.Copysign(0, -1)), 1e-40, -1e-40} {
		v[r.IntN(len(v))] = s
	}
}

func TestAdamAVX2(t *testing.T) {
	for i, n := range []int{1, 7, 8, 9, 100, 1029} {
		r := rand.New(rand.NewPCG(3, uint64(i)))
		w, _ := randVals(r, n, 1)
		g, _ := randVals(r, n, 1e-3)
		m, _ := randVals(r, n, 1e-3)
		v, _ := randVals(r, n, 1e-6)
		for k := range v {
			v[k] = abs32(v[k])
		}
		g[0] = 0
		for k := 0; k < n; k += 3 { // flushed or not
			m[k] *= 0x1p-95 * float32(k%5)
			v[k] *= 0x1p-90 * float32(k%3)
		}
		for _, flush := range []bool{false, true} {
			var out [2][]float32
			for j, on := range []bool{false, true} {
				w2, m2, v2 := slices.Clone(w), slices.Clone(m), slices.Clone(v)
				withAVX2(t, on, func() { adam(w2, g, m2, v2, 1e-3, 0.1, 0.001, 1e-7, flush) })
				out[j] = slices.Concat(w2, m2, v2)
			}
			if !slices.Equal(out[0], out[1]) {
				t.Errorf("%d: n=%d flush=%v: AVX2 and Go differ", i, n, flush)
			}
		}
	}
}

func TestReLUMaskAVX2(t *testing.T) {
	for i, n := range []int{1, 8, 13, 100} {
		r := rand.New(rand.NewPCG(4, uint64(i)))
		dy, _ := randVals(r, n, 1)
		y, _ := randVals(r, n, 1)
		specials(r, y)
		var out [2][]float32
		for j, on := range []bool{false, true} {
			d := slices.Clone(dy)
			withAVX2(t, on, func() { reluBackward(d, y) })
			out[j] = d
		}
		if !slices.Equal(out[0], out[1]) {
			t.Errorf("%d: n=%d: AVX2 and Go differ", i, n)
		}
	}
}

func TestMaxPoolAVX2(t *testing.T) {
	for i, c := range []struct{ n, h, w, ch, ph, pw int }{
		{2, 4, 4, 8, 2, 2},
		{3, 7, 5, 16, 2, 2}, // leftover row and column
		{1, 9, 8, 24, 3, 2},
		{2, 26, 26, 32, 2, 2},
	} {
		r := rand.New(rand.NewPCG(5, uint64(i)))
		oh, ow := c.h/c.ph, c.w/c.pw
		x, _ := randVals(r, c.n*c.h*c.w*c.ch, 1)
		for k := range x { // ties within windows
			if r.IntN(4) == 0 {
				x[k] = float32(r.IntN(3))
			}
		}
		specials(r, x)
		dy, _ := randVals(r, c.n*oh*ow*c.ch, 1)
		var ys, dxs, dxr [2][]float32
		for j, on := range []bool{false, true} {
			l := newMaxPool(Shape{c.h, c.w, c.ch}, Shape{oh, ow, c.ch}, [2]int{c.ph, c.pw})
			withAVX2(t, on, func() {
				ys[j] = slices.Clone(l.forward(x, c.n))
				dxs[j] = slices.Clone(l.backward(dy, true))
				l.relu = true
				dxr[j] = slices.Clone(l.backward(dy, true))
			})
		}
		same := func(a, b []float32) bool {
			for k := range a {
				if math.Float32bits(a[k]) != math.Float32bits(b[k]) && !(a[k] != a[k] && b[k] != b[k]) {
					return false
				}
			}
			return true
		}
		if !same(ys[0], ys[1]) {
			t.Errorf("%d: forward: AVX2 and Go differ", i)
		}
		if !same(dxs[0], dxs[1]) {
			t.Errorf("%d: backward: AVX2 and Go differ", i)
		}
		if !same(dxr[0], dxr[1]) {
			t.Errorf("%d: backward with the ReLU's mask: AVX2 and Go differ", i)
		}
	}
}

// BenchmarkPeak measures the processor's peak float32 rate with AVX2 FMAs
// (two flops each), on one goroutine and on GOMAXPROCS at once: the ceiling
// for the GFLOP/s of BenchmarkGemm.
func BenchmarkPeak(b *testing.B) {
	if !hasAVX2FMA() {
		b.Skip("no AVX2 and FMA")
	}
	const rounds = 1 << 20 // 192 flops each
	for _, workers := range []int{1, runtime.GOMAXPROCS(0)} {
		b.Run(strconv.Itoa(workers)+"-threads", func(b *testing.B) {
			cpu := cpuTime()
			for b.Loop() {
				var wg sync.WaitGroup
				for range workers {
					wg.Go(func() { fmaPeakAVX2(rounds) })
				}
				wg.Wait()
			}
			flops := 192 * rounds * float64(workers) * float64(b.N)
			b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			if cpu := cpuTime() - cpu; cpu > 0 {
				b.ReportMetric(flops/cpu.Seconds()/1e9, "GFLOP/cpu-s")
			}
		})
	}
}

func TestTransposeAVX2(t *testing.T) {
	r := rand.New(rand.NewPCG(6, 0))
	for i, c := range [][2]int{{1, 1}, {8, 8}, {16, 24}, {5408, 32}, {32, 5408}, {13, 21}, {9, 100}, {100, 10}} {
		rows, cols := c[0], c[1]
		lds, ldd := cols+3, rows+5
		src, _ := randVals(r, rows*lds, 1)
		var out [2][]float32
		for j, on := range []bool{false, true} {
			dst := make([]float32, cols*ldd)
			withAVX2(t, on, func() { transpose(dst, ldd, src, lds, rows, cols) })
			out[j] = dst
		}
		if !slices.Equal(out[0], out[1]) {
			t.Errorf("%d: %d×%d: AVX2 and Go differ", i, rows, cols)
		}
		for p := range rows {
			for q := range cols {
				if out[1][q*ldd+p] != src[p*lds+q] {
					t.Fatalf("%d: %d×%d: element (%d, %d) misplaced", i, rows, cols, p, q)
				}
			}
		}
	}
}

func TestIm2colAVX2(t *testing.T) {
	for i, c := range []struct{ n, h, w, cin, kh, kw int }{
		{3, 28, 28, 1, 3, 3},
		{2, 6, 9, 2, 4, 2},
		{2, 5, 9, 1, 2, 7}, // seg 7, k+1 = 15
		{1, 8, 8, 8, 1, 1}, // seg 8, k+1 = 9
		{2, 9, 4, 1, 9, 1}, // one pixel a row
	} {
		r := rand.New(rand.NewPCG(7, uint64(i)))
		x, _ := randVals(r, c.n*c.h*c.w*c.cin, 1)
		kp := &Param{Shape: []int{c.kh, c.kw, c.cin, 1}, Value: make([]float32, c.kh*c.kw*c.cin), Grad: make([]float32, c.kh*c.kw*c.cin)}
		bp := &Param{Shape: []int{1}, Value: make([]float32, 1), Grad: make([]float32, 1)}
		var cols [2][]float32
		for j, on := range []bool{false, true} {
			l := newConv2D(Shape{c.h, c.w, c.cin}, Shape{c.h - c.kh + 1, c.w - c.kw + 1, 1}, kp, bp, false)
			withAVX2(t, on, func() { l.forward(x, c.n) })
			cols[j] = l.col
		}
		if !slices.Equal(cols[0], cols[1]) {
			t.Errorf("%d: AVX2 and Go patches differ", i)
		}
	}
}
