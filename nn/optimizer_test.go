package nn

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// testParams returns two parameters of a few chunks and a handful of
// elements, with random values and gradients.
func testParams(r *rand.Rand) []*Param {
	var ps []*Param
	for i, n := range []int{3*chunkSize + 5, 7} {
		v, _ := randVals(r, n, 1)
		g, _ := randVals(r, n, 1)
		ps = append(ps, &Param{Name: "p" + string(rune('0'+i)), Shape: []int{n}, Value: v, Grad: g})
	}
	return ps
}

// TestAdam runs five steps, changing the gradients and the learning rate,
// against the Keras formulas in float64.
func TestAdam(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(9, 0))
	ps := testParams(r)
	a := NewAdam(ps)
	if a.LR != 1e-3 || a.Beta1 != 0.9 || a.Beta2 != 0.999 || a.Epsilon != 1e-7 {
		t.Fatalf("defaults %+v", a)
	}
	type ref struct{ w, m, v []float64 }
	refs := make([]ref, len(ps))
	for i, p := range ps {
		refs[i] = ref{to64(p.Value), make([]float64, len(p.Value)), make([]float64, len(p.Value))}
	}
	for step := 1; step <= 5; step++ {
		if step == 4 {
			a.SetLearningRate(5e-4)
		}
		for i, p := range ps {
			for k := range p.Grad {
				// Gradients of all sizes, some about ε.
				p.Grad[k] = float32(r.NormFloat64() * math.Pow(10, -float64(r.IntN(8))))
			}
			rf := refs[i]
			lr := a.LearningRate()
			alpha := lr * math.Sqrt(1-math.Pow(0.999, float64(step))) / (1 - math.Pow(0.9, float64(step)))
			for k, g32 := range p.Grad {
				g := float64(g32)
				rf.m[k] += (g - rf.m[k]) * (1 - 0.9)
				rf.v[k] += (g*g - rf.v[k]) * (1 - 0.999)
				rf.w[k] -= alpha * rf.m[k] / (math.Sqrt(rf.v[k]) + 1e-7)
			}
		}
		a.Step()
		for i, p := range ps {
			// Compare the change of each weight so far, in units of the
			// learning rate: float32 rounding of w (|w| < 1) is 6e-8.
			var worst float64
			for k, w := range p.Value {
				worst = max(worst, math.Abs(float64(w)-refs[i].w[k]))
			}
			if worst > 2e-7 {
				t.Errorf("step %d: %s: max abs error %.3g > 2e-7", step, p.Name, worst)
			}
		}
	}
	if s := a.State(); s.Steps != 5 || s.LR != 5e-4 {
		t.Errorf("state: %d steps, lr %g", s.Steps, s.LR)
	}
}

func TestSGD(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(9, 1))
	ps := testParams(r)
	want := make([][]float32, len(ps))
	for i, p := range ps {
		want[i] = slices.Clone(p.Value)
		for k, g := range p.Grad {
			want[i][k] -= 0.25 * g
		}
	}
	s := NewSGD(ps, 0.25)
	s.Step()
	for i, p := range ps {
		if !slices.Equal(p.Value, want[i]) {
			t.Errorf("%d: SGD step is not w − lr·g", i)
		}
	}
}

// TestOptimizerStateResume: steps 1–2, export, restore into a fresh
// optimiser over a copy of the parameters, step 3 on both: same bits.
func TestOptimizerStateResume(t *testing.T) {
	t.Parallel()
	for i, mk := range []func([]*Param) Optimizer{
		func(ps []*Param) Optimizer { return NewAdam(ps) },
		func(ps []*Param) Optimizer { return NewSGD(ps, 0.1) },
	} {
		r := rand.New(rand.NewPCG(9, 2))
		ps := testParams(r)
		o := mk(ps)
		o.Step()
		o.SetLearningRate(0.02)
		o.Step()
		st := o.State()
		var ps2 []*Param
		for _, p := range ps {
			ps2 = append(ps2, &Param{Name: p.Name, Shape: p.Shape, Value: slices.Clone(p.Value), Grad: slices.Clone(p.Grad)})
		}
		o2 := mk(ps2)
		if err := o2.SetState(st); err != nil {
			t.Fatalf("%d: %v", i, err)
		}
		// State is a copy: changing it changes nothing.
		for _, s := range st.Slots {
			clear(s.Value)
		}
		o.Step()
		o2.Step()
		for k := range ps {
			if !slices.Equal(ps[k].Value, ps2[k].Value) {
				t.Errorf("%d: %s differs after resuming", i, ps[k].Name)
			}
		}
		if o2.LearningRate() != 0.02 || o2.State().Steps != 3 {
			t.Errorf("%d: resumed lr %g, steps %d", i, o2.LearningRate(), o2.State().Steps)
		}
	}
}

func TestOptimizerStateErrors(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(9, 3))
	ps := testParams(r)
	a := NewAdam(ps)
	a.Step()
	good := a.State()
	edit := func(f func(*OptimizerState)) OptimizerState {
		s := good
		s.Slots = slices.Clone(good.Slots)
		f(&s)
		return s
	}
	for i, c := range []struct {
		o    Optimizer
		st   OptimizerState
		want string
	}{
		{a, edit(func(s *OptimizerState) { s.Steps = -1 }), "negative step count"},
		{a, edit(func(s *OptimizerState) { s.LR = math.NaN() }), "learning rate NaN"},
		{a, edit(func(s *OptimizerState) { s.Slots = s.Slots[:3] }), "3 tensors, want 4"},
		{a, edit(func(s *OptimizerState) { s.Slots[1].Name = "p0/w" }), `tensor 1 is "p0/w", want "p0/v"`},
		{a, edit(func(s *OptimizerState) { s.Slots[2].Shape = []int{8} }), "p1/m has shape (8,), want (7,)"},
		{a, edit(func(s *OptimizerState) { s.Slots[3].Value = s.Slots[3].Value[:6] }), "p1/v has 6 values, want 7"},
		{NewSGD(ps, 1), good, "sgd state: 4 tensors, want 0"},
	} {
		before := c.o.State()
		err := c.o.SetState(c.st)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%d: SetState error %v, want one containing %q", i, err, c.want)
		}
		after := c.o.State()
		if after.Steps != before.Steps || after.LR != before.LR || len(after.Slots) != len(before.Slots) {
			t.Errorf("%d: a failed SetState changed the state", i)
		}
		for k := range after.Slots {
			if !slices.Equal(after.Slots[k].Value, before.Slots[k].Value) {
				t.Errorf("%d: a failed SetState changed %s", i, after.Slots[k].Name)
			}
		}
	}
}

// TestAdamFlush: every 64 steps m and v below 2⁻¹⁰⁰ become 0, larger ones
// stay.
func TestAdamFlush(t *testing.T) {
	t.Parallel()
	p := &Param{Name: "w", Shape: []int{3}, Value: []float32{1, 1, 1}, Grad: make([]float32, 3)}
	a := NewAdam([]*Param{p})
	for step := 1; step <= 64; step++ {
		if step == 63 {
			// After this step's decay: m = 0.9·x, v = 0.999·x.
			a.m[0][0], a.v[0][0] = 1e-31, 1e-31 // flushed at step 64
			a.m[0][1], a.v[0][1] = 1e-29, 1e-29 // kept
			a.m[0][2], a.v[0][2] = -1e-31, 1e-20
		}
		a.Step()
		if step == 63 && (a.m[0][0] == 0 || a.v[0][0] == 0) {
			t.Fatalf("flushed before step 64")
		}
	}
	got := []float32{a.m[0][0], a.v[0][0], a.m[0][1], a.v[0][1], a.m[0][2], a.v[0][2]}
	for i, want := range []bool{true, true, false, false, true, false} {
		if (got[i] == 0) != want {
			t.Errorf("%d: %g after step 64, want zero %v", i, got[i], want)
		}
	}
}

// TestPowInt: Adam's powInt gives math.Pow's result wherever it is a
// normal number, and the same 1 − xⁿ everywhere, for the β of Keras and
// others, over more steps than any training here takes.
func TestPowInt(t *testing.T) {
	t.Parallel()
	for _, x := range []float64{0.9, 0.999, 0.5, 0.95, 0.99, 0.9999, 0.123, 0} {
		for n := int64(0); n <= 300_000; n++ {
			got, want := powInt(x, n), math.Pow(x, float64(n))
			if (want >= 0x1p-1022 && got != want) || 1-got != 1-want {
				t.Fatalf("powInt(%v, %d) = %v, math.Pow %v", x, n, got, want)
			}
		}
	}
}
