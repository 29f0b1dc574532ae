package nn

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
)

func mustNew(t testing.TB, cfg Config, rng *rand.Rand) *Sequential {
	t.Helper()
	m, err := New(cfg, rng)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestTutorialParams(t *testing.T) {
	t.Parallel()
	m := mustNew(t, Tutorial(), rand.New(rand.NewPCG(1, 1)))
	want := []struct {
		name  string
		shape []int
		limit float64 // of the initialiser, 0 for zeros
	}{
		{"conv2d/kernel", []int{3, 3, 1, 32}, math.Sqrt(6.0 / 9)},       // he_uniform, fan_in 3·3·1
		{"conv2d/bias", []int{32}, 0},                                   //
		{"dense/kernel", []int{5408, 100}, math.Sqrt(6.0 / 5408)},       // he_uniform
		{"dense/bias", []int{100}, 0},                                   //
		{"dense_1/kernel", []int{100, 10}, math.Sqrt(6.0 / (100 + 10))}, // glorot_uniform
		{"dense_1/bias", []int{10}, 0},
	}
	ps := m.Params()
	if len(ps) != len(want) {
		t.Fatalf("%d params, want %d", len(ps), len(want))
	}
	total := 0
	for i, w := range want {
		p := ps[i]
		total += len(p.Value)
		if p.Name != w.name || !slices.Equal(p.Shape, w.shape) || len(p.Value) != Shape(w.shape).Size() || len(p.Grad) != len(p.Value) {
			t.Errorf("%d: %s %v (%d values, %d grads), want %s %v", i, p.Name, p.Shape, len(p.Value), len(p.Grad), w.name, w.shape)
			continue
		}
		if m.Param(w.name) != p {
			t.Errorf("%d: Param(%q) is not Params()[%d]", i, w.name, i)
		}
		// Uniform on (−limit, limit): inside, reaching near both ends, with
		// variance limit²/3.
		var lo, hi, ss float64
		for _, v := range p.Value {
			lo, hi, ss = min(lo, float64(v)), max(hi, float64(v)), ss+float64(v)*float64(v)
		}
		if w.limit == 0 {
			if lo != 0 || hi != 0 {
				t.Errorf("%d: %s in [%g, %g], want zeros", i, p.Name, lo, hi)
			}
			continue
		}
		variance := ss / float64(len(p.Value))
		if -lo > w.limit || hi > w.limit || -lo < 0.9*w.limit || hi < 0.9*w.limit || math.Abs(variance/(w.limit*w.limit/3)-1) > 0.25 {
			t.Errorf("%d: %s in [%g, %g] with variance %g, want within ±%g and variance %g", i, p.Name, lo, hi, variance, w.limit, w.limit*w.limit/3)
		}
	}
	if total != 542230 {
		t.Errorf("%d parameters, want 542,230", total)
	}
	if m.Param("dense_2/kernel") != nil {
		t.Errorf("Param of an unknown name is not nil")
	}
	if got := m.InputShape(); !slices.Equal(got, Shape{28, 28, 1}) || m.Classes() != 10 {
		t.Errorf("InputShape %v, Classes %d", got, m.Classes())
	}
	c := m.Config()
	for i, want := range []string{"conv2d", "max_pooling2d", "flatten", "dense", "dense_1"} {
		if c.Layers[i].Name != want {
			t.Errorf("Config().Layers[%d].Name = %q, want %q", i, c.Layers[i].Name, want)
		}
	}
	// Config returns a copy.
	c.Input[0], c.Layers[0].Filters = 99, 99
	if c2 := m.Config(); c2.Input[0] != 28 || c2.Layers[0].Filters != 32 {
		t.Errorf("changing Config()'s result changed the model's config")
	}
}

func TestNewSeeds(t *testing.T) {
	t.Parallel()
	a := mustNew(t, smallConfig(), rand.New(rand.NewPCG(1, 2)))
	b := mustNew(t, smallConfig(), rand.New(rand.NewPCG(1, 2)))
	c := mustNew(t, smallConfig(), rand.New(rand.NewPCG(1, 3)))
	z := mustNew(t, smallConfig(), nil)
	for i, p := range a.Params() {
		if !slices.Equal(p.Value, b.Params()[i].Value) {
			t.Errorf("%d: %s differs for the same seed", i, p.Name)
		}
		if len(p.Shape) > 1 && slices.Equal(p.Value, c.Params()[i].Value) {
			t.Errorf("%d: %s is the same for another seed", i, p.Name)
		}
		if slices.ContainsFunc(z.Params()[i].Value, func(v float32) bool { return v != 0 }) {
			t.Errorf("%d: %s is not zero with a nil rng", i, p.Name)
		}
	}
}

func TestNewErrors(t *testing.T) {
	t.Parallel()
	for i, c := range []struct {
		cfg  Config
		want string
	}{
		{Config{}, "input shape is empty"},
		{Config{Input: Shape{4, 4, 1}, Layers: []LayerConfig{{Type: TypeDense, Units: 3}}}, "flat input"},
		{Config{Input: Shape{4, 4, 1}, Layers: []LayerConfig{{Type: TypeConv2D, Filters: 2, Kernel: [2]int{5, 1}}}}, "does not fit"},
		{Config{Input: Shape{4}, Layers: []LayerConfig{{Type: "lstm"}}}, "unknown layer type"},
	} {
		m, err := New(c.cfg, nil)
		if err == nil || m != nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%d: New = %v, %v; want an error containing %q", i, m, err, c.want)
		}
	}
}

func TestSetParams(t *testing.T) {
	t.Parallel()
	m := mustNew(t, smallConfig(), rand.New(rand.NewPCG(2, 2)))
	src := mustNew(t, smallConfig(), rand.New(rand.NewPCG(2, 3)))
	var good []Param
	for _, p := range src.Params() {
		good = append(good, *p)
	}
	before := func() [][]float32 {
		var v [][]float32
		for _, p := range m.Params() {
			v = append(v, slices.Clone(p.Value))
		}
		return v
	}
	orig := before()
	nan := slices.Clone(good)
	nan[4].Value = slices.Clone(nan[4].Value)
	nan[4].Value[3] = float32(math.NaN())
	badShape := slices.Clone(good)
	badShape[0].Shape = []int{3, 2, 2, 3}
	for i, c := range []struct {
		src  []Param
		want string
	}{
		{good[:5], "5 tensors for 8 parameters"},
		{append(slices.Clone(good[:7]), Param{Name: "dense_9/bias", Shape: []int{3}, Value: make([]float32, 3)}), "no parameter"},
		{append(slices.Clone(good[:7]), good[0]), "given twice"},
		{badShape, "has shape"},
		{nan, "dense/kernel[3] is not a finite number"},
	} {
		err := m.SetParams(c.src)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%d: SetParams error %v, want one containing %q", i, err, c.want)
		}
		for k, v := range before() {
			if !slices.Equal(v, orig[k]) {
				t.Errorf("%d: a failed SetParams changed %s", i, m.Params()[k].Name)
			}
		}
	}
	// Any order is fine.
	shuffled := slices.Clone(good)
	slices.Reverse(shuffled)
	if err := m.SetParams(shuffled); err != nil {
		t.Fatal(err)
	}
	for i, p := range m.Params() {
		if !slices.Equal(p.Value, good[i].Value) {
			t.Errorf("%s not set", p.Name)
		}
	}
}

// TestPredict checks that Predict (in chunks), PredictOne and Evaluate agree.
func TestPredict(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(3, 3))
	m := mustNew(t, smallConfig(), r)
	n := evalChunk + 7
	x, _ := randVals(r, n*m.in, 1)
	y := randLabels(r, n, 3)
	probs := make([]float32, n*3)
	m.Predict(probs, x, n)
	var loss float64
	correct := 0
	one := make([]float32, 3)
	for i := range n {
		p := probs[i*3 : (i+1)*3]
		if s := p[0] + p[1] + p[2]; math.Abs(float64(s)-1) > 1e-6 {
			t.Fatalf("%d: probabilities %v sum to %g", i, p, s)
		}
		k := m.PredictOne(one, x[i*m.in:(i+1)*m.in])
		if !slices.Equal(one, p) || k != argmax(p) {
			t.Fatalf("%d: PredictOne %v class %d, Predict %v", i, one, k, p)
		}
		if m.PredictOne(nil, x[i*m.in:(i+1)*m.in]) != k {
			t.Fatalf("%d: PredictOne without dst gives another class", i)
		}
		loss -= math.Log(float64(p[y[i]]))
		if k == int(y[i]) {
			correct++
		}
	}
	l, acc := m.Evaluate(x, y)
	if math.Abs(l-loss/float64(n)) > 1e-5 || acc != float64(correct)/float64(n) {
		t.Errorf("Evaluate = %g, %g; from Predict %g, %g", l, acc, loss/float64(n), float64(correct)/float64(n))
	}
}

func TestPanics(t *testing.T) {
	t.Parallel()
	m := mustNew(t, smallConfig(), nil)
	in := m.in
	for i, c := range []struct {
		f    func()
		want string
	}{
		{func() { m.Predict(make([]float32, 3), make([]float32, in), 2) }, "nn: Predict"},
		{func() { m.PredictOne(make([]float32, 2), make([]float32, in)) }, "nn: PredictOne"},
		{func() { m.Gradients(make([]float32, in), []uint8{0, 1}) }, "nn: Gradients"},
		{func() { m.Evaluate(nil, nil) }, "no examples"},
		{func() { m.Gradients(make([]float32, in), []uint8{3}) }, "label 3 of example 0 is not below the 3 classes"},
	} {
		func() {
			defer func() {
				r := recover()
				if s, _ := r.(string); !strings.Contains(s, c.want) {
					t.Errorf("%d: panic %v, want one containing %q", i, r, c.want)
				}
			}()
			c.f()
		}()
	}
}

func TestAllocs(t *testing.T) {
	m := mustNew(t, Tutorial(), rand.New(rand.NewPCG(4, 4)))
	x := make([]float32, 28*28)
	probs := make([]float32, 10)
	m.PredictOne(probs, x)
	if a := testing.AllocsPerRun(10, func() { m.PredictOne(probs, x) }); a != 0 {
		t.Errorf("PredictOne: %g allocations, want 0", a)
	}
	s := mustNew(t, smallConfig(), rand.New(rand.NewPCG(4, 5)))
	const n = 32
	xb := make([]float32, n*s.in)
	yb := make([]uint8, n)
	s.TrainStep(xb, yb)
	if a := testing.AllocsPerRun(10, func() { s.TrainStep(xb, yb) }); a != 0 {
		t.Errorf("TrainStep: %g allocations, want 0", a)
	}
}

// TestReproducible trains the tutorial model on two batches in three ways
// (helpers allowed, serial, and two models at once) and wants the same bits.
func TestReproducible(t *testing.T) {
	n := 32
	if small() {
		n = 4
	}
	r := rand.New(rand.NewPCG(5, 5))
	x, _ := randVals(r, 2*n*28*28, 1)
	y := randLabels(r, 2*n, 10)
	train := func() []float32 {
		m := mustNew(t, Tutorial(), rand.New(rand.NewPCG(6, 6)))
		m.TrainStep(x[:n*784], y[:n])
		m.TrainStep(x[n*784:], y[n:])
		return slices.Concat(m.Param("conv2d/kernel").Value, m.Param("dense/kernel").Value, m.Param("dense_1/bias").Value)
	}
	want := train()
	serialOnly.Store(true)
	got := train()
	serialOnly.Store(false)
	if !slices.Equal(got, want) {
		t.Errorf("serial training gives other parameters than parallel training")
	}
	var wg sync.WaitGroup
	results := make([][]float32, 2)
	for i := range results {
		wg.Go(func() { results[i] = train() })
	}
	wg.Wait()
	for i, got := range results {
		if !slices.Equal(got, want) {
			t.Errorf("%d: training two models at once gives other parameters", i)
		}
	}
}
