package nn

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
)

// insideConfigs are networks of the Predictor's family of several shapes:
// the tutorial's, channels in and out, a pool that does not divide the
// conv2d output (7×7 pooled 2×2 drops a row and a column), a 1×1 output.
func insideConfigs() []Config {
	family := func(in Shape, filters, kh, kw, ph, pw, units, classes int) Config {
		return Config{Input: in, Layers: []LayerConfig{
			{Type: TypeConv2D, Filters: filters, Kernel: [2]int{kh, kw}, Activation: ActReLU},
			{Type: TypeMaxPooling2D, Pool: [2]int{ph, pw}},
			{Type: TypeFlatten},
			{Type: TypeDense, Units: units, Activation: ActReLU},
			{Type: TypeDense, Units: classes, Activation: ActSoftmax},
		}}
	}
	return []Config{
		Tutorial(),
		family(Shape{11, 9, 3}, 5, 3, 2, 3, 2, 7, 4),
		family(Shape{9, 9, 1}, 4, 3, 3, 2, 2, 6, 3),
		family(Shape{4, 4, 1}, 2, 4, 4, 1, 1, 1, 2),
	}
}

// sparseInput is n examples of m's input, a third of the values ink.
func sparseInput(m *Sequential, n int, seed uint64) []float32 {
	r := rand.New(rand.NewPCG(seed, 6))
	x := make([]float32, n*m.in)
	for j := range x {
		if r.IntN(3) == 0 {
			x[j] = r.Float32()
		}
	}
	return x
}

// TestInside checks each part of Inside against the layers' definitions in
// float64 (ref_test.go) and against PredictOne.
func TestInside(t *testing.T) {
	t.Parallel()
	for i, cfg := range insideConfigs() {
		m, p, params := randomPredictor(t, cfg, uint64(10+i))
		infos, _ := cfg.Resolve()
		h, w, cin := cfg.Input[0], cfg.Input[1], cfg.Input[2]
		conv, pool, units := infos[0], infos[1], infos[3].Units
		kh, kw, cout := conv.Kernel[0], conv.Kernel[1], conv.Filters
		coh, cow := conv.Out[0], conv.Out[1] // conv2d's whole output
		qh, qw := pool.Out[0], pool.Out[1]
		k, b := to64(params[0].Value), to64(params[1].Value)
		var in Inside
		x := sparseInput(m, 5, uint64(i))
		for e := range 5 {
			xe := x[e*m.in : (e+1)*m.in]
			p.Inside(&in, xe)
			what := "config " + strconv.Itoa(i) + " example " + strconv.Itoa(e)
			oh, ow := qh*pool.Pool[0], qw*pool.Pool[1]
			if in.Cout != cout || in.KH != kh || in.KW != kw || in.Cin != cin || in.OH != oh || in.OW != ow || in.QH != qh || in.QW != qw ||
				len(in.Filters) != cout*kh*kw*cin || len(in.Conv) != cout*oh*ow || len(in.Pooled) != cout*qh*qw ||
				len(in.Dense) != units || len(in.Probs) != m.Classes() {
				t.Fatalf("%s: shapes %+v", what, in)
			}
			probs := make([]float32, m.Classes())
			if d := p.PredictOne(probs, xe); d != in.Digit || !slices.Equal(probs, in.Probs) {
				t.Errorf("%s: digit %d, probs %v; PredictOne %d, %v", what, in.Digit, in.Probs, d, probs)
			}
			for c := range cout {
				for a := range kh {
					for bb := range kw {
						for ch := range cin {
							if got, want := in.Filters[((c*kh+a)*kw+bb)*cin+ch], params[0].Value[((a*kw+bb)*cin+ch)*cout+c]; got != want {
								t.Fatalf("%s: filter %d at (%d, %d, %d) is %v, the kernel holds %v", what, c, a, bb, ch, got, want)
							}
						}
					}
				}
			}
			y := refReLU(refConv(to64(xe), k, b, 1, h, w, cin, kh, kw, cout)) // (coh, cow, cout)
			for c := range cout {
				for r := range oh {
					for col := range ow {
						if got, want := in.Conv[(c*oh+r)*ow+col], y[(r*cow+col)*cout+c]; math.Abs(float64(got)-want) > 1e-5 {
							t.Fatalf("%s: conv2d channel %d at (%d, %d) is %v, want %v", what, c, r, col, got, want)
						}
					}
				}
			}
			pooled := refMaxPool(y, 1, coh, cow, cout, pool.Pool[0], pool.Pool[1]) // (qh, qw, cout)
			for c := range cout {
				for r := range qh * qw {
					if got, want := in.Pooled[c*qh*qw+r], pooled[r*cout+c]; math.Abs(float64(got)-want) > 1e-5 {
						t.Fatalf("%s: pooled channel %d at %d is %v, want %v", what, c, r, got, want)
					}
				}
			}
			dense := refReLU(refDense(pooled, to64(params[2].Value), to64(params[3].Value), 1, len(pooled), units))
			for j, want := range dense {
				if got := in.Dense[j]; math.Abs(float64(got)-want) > 1e-5*max(1, math.Abs(want)) {
					t.Fatalf("%s: dense %d is %v, want %v", what, j, got, want)
				}
			}
		}
		// Called again with the same Inside, it reuses its buffer.
		buf := &in.Filters[0]
		if p.Inside(&in, x[:m.in]); &in.Filters[0] != buf {
			t.Errorf("config %d: Inside made a new buffer for an Inside it had filled", i)
		}
	}
}

// TestOcclusion compares Occlusion with its definition, written out: every
// square hidden in turn (those with nothing to hide too), each pixel's mean
// over the squares that cover it.
func TestOcclusion(t *testing.T) {
	t.Parallel()
	for i, cfg := range insideConfigs() {
		m, p, _ := randomPredictor(t, cfg, uint64(20+i))
		h, w, cin := cfg.Input[0], cfg.Input[1], cfg.Input[2]
		x := sparseInput(m, 1, uint64(i))
		if h >= 8 {
			clear(x[:3*w*cin]) // leave the top rows blank
		}
		got := make([]float32, h*w)
		top := p.Occlusion(got, x)
		probs := make([]float32, m.Classes())
		if want := p.PredictOne(probs, x); top != want {
			t.Errorf("config %d: class %d, PredictOne %d", i, top, want)
		}
		p0 := probs[top]
		sum, n := make([]float64, h*w), make([]int, h*w)
		const r = OcclusionPatch / 2
		for ci := range h {
			for cj := range w {
				y := slices.Clone(x)
				for a := ci - r; a <= ci+r; a++ {
					for b := cj - r; b <= cj+r; b++ {
						if a >= 0 && a < h && b >= 0 && b < w {
							clear(y[(a*w+b)*cin : (a*w+b+1)*cin])
						}
					}
				}
				p.PredictOne(probs, y)
				for a := ci - r; a <= ci+r; a++ {
					for b := cj - r; b <= cj+r; b++ {
						if a >= 0 && a < h && b >= 0 && b < w {
							sum[a*w+b] += float64(p0 - probs[top])
							n[a*w+b]++
						}
					}
				}
			}
		}
		nonzero := 0
		for j := range got {
			want := sum[j] / float64(n[j])
			if math.Abs(float64(got[j])-want) > 1e-6 {
				t.Fatalf("config %d: pixel %d: %v, want %v", i, j, got[j], want)
			}
			if got[j] != 0 {
				nonzero++
			}
		}
		if nonzero == 0 && i < 3 { // (the last one's single unit is off)
			t.Errorf("config %d: hiding any part changes nothing: a test that cannot fail", i)
		}
	}
}

// TestTeach compares Teach with Sequential trained the same way, its last
// layer only: Gradients on all the examples, then Adam over that layer's
// kernel and bias; and checks where it stops.
func TestTeach(t *testing.T) {
	t.Parallel()
	stopped := 0 // configurations where every example read right before the last step
	for i, cfg := range insideConfigs()[:3] {
		m, p, _ := randomPredictor(t, cfg, uint64(30+i))
		x := sparseInput(m, 4, uint64(i))
		y := randLabels(rand.New(rand.NewPCG(uint64(i), 7)), 4, m.Classes())
		before := make([]float32, m.Classes())
		p.PredictOne(before, x[3*m.in:])

		const lr = 0.02
		steps := make([]TeachStep, 100)
		taken := p.Teach(steps, x, y, lr)
		if taken < 2 {
			t.Fatalf("config %d: %d steps: a test that checks little", i, taken)
		}
		if taken < len(steps) {
			stopped++
		}
		ps := m.Params()
		last := ps[len(ps)-2:]
		adam := NewAdam(last)
		adam.LR = lr
		probs := make([]float32, m.Classes())
		// allRight reports whether Sequential now gives every label p > TeachSure.
		allRight := func() bool {
			for e, label := range y {
				m.PredictOne(probs, x[e*m.in:(e+1)*m.in])
				if probs[label] <= TeachSure {
					return false
				}
			}
			return true
		}
		if allRight() {
			t.Fatalf("config %d: every example reads right before any step", i)
		}
		for s, got := range steps[:taken] {
			m.Gradients(x, y)
			adam.Step()
			loss, _ := m.Evaluate(x, y)
			m.PredictOne(probs, x[3*m.in:])
			if math.Abs(got.Loss-loss) > 1e-5*max(1, loss) || math.Abs(float64(got.P-probs[y[3]])) > 1e-5 {
				t.Errorf("config %d step %d: loss %v, p %v; Sequential %v, %v", i, s, got.Loss, got.P, loss, probs[y[3]])
			}
			if right := allRight(); right != (s == taken-1 && taken < len(steps)) {
				t.Errorf("config %d: after step %d of %d, every example reads right: %v", i, s, taken, right)
			}
		}
		for j, v := range slices.Concat(last[0].Value, last[1].Value) {
			if math.Abs(float64(v-p.last[j])) > 1e-5 {
				t.Fatalf("config %d: weight %d is %v, Sequential's %v", i, j, p.last[j], v)
			}
		}
		// P is PredictOne's, bit for bit.
		if p.PredictOne(probs, x[3*m.in:]); probs[y[3]] != steps[taken-1].P {
			t.Errorf("config %d: after Teach, p = %v, the last step said %v", i, probs[y[3]], steps[taken-1].P)
		}
		// The same examples again: the same steps.
		again := make([]TeachStep, 100)
		if p.Teach(again, x, y, lr) != taken || !slices.Equal(again, steps) {
			t.Errorf("config %d: taught again: %v, first %v", i, again, steps)
		}
		// At most len(dst) steps.
		if n := p.Teach(again[:1], x, y, lr); n != 1 {
			t.Errorf("config %d: %d steps for a dst of 1", i, n)
		}
		// Reset: the weights as made, bit for bit.
		p.Reset()
		if p.PredictOne(probs, x[3*m.in:]); !slices.Equal(probs, before) {
			t.Errorf("config %d: after Reset, probs %v, as made %v", i, probs, before)
		}
		// Examples that already read right (p > TeachSure): no step.
		sure := true
		for e := range y {
			y[e] = uint8(p.PredictOne(probs, x[e*m.in:(e+1)*m.in]))
			sure = sure && probs[y[e]] > TeachSure
		}
		if n := p.Teach(again, x, y, lr); (n == 0) != sure {
			t.Errorf("config %d: %d steps for examples that read right (p > TeachSure: %v)", i, n, sure)
		}
	}
	if stopped == 0 {
		t.Error("Teach never stopped before its last step: the stopping rule went untested")
	}
}

func TestTeachPanics(t *testing.T) {
	t.Parallel()
	_, p, _ := randomPredictor(t, insideConfigs()[3], 40)
	for i, f := range []func(){
		func() { p.Teach(make([]TeachStep, 1), nil, nil, 0.01) },
		func() { p.Teach(make([]TeachStep, 1), make([]float32, 15), []uint8{0}, 0.01) },
		func() { p.Teach(make([]TeachStep, 1), make([]float32, 16), []uint8{2}, 0.01) },
		func() { p.Inside(new(Inside), make([]float32, 17)) },
		func() { p.Occlusion(make([]float32, 15), make([]float32, 16)) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%d: no panic", i)
				}
			}()
			f()
		}()
	}
}
