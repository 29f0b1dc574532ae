package nn

import (
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// predictTol bounds how far Predictor's probabilities may stray from an
// exact (float64) evaluation of the network, and how much further from
// Sequential's than Sequential's own float32 rounding explains.
const predictTol = 1e-6

// simdTol is predictTol for the WebAssembly SIMD kernel (internal/simd), which
// sums the first dense layer in float32, as Sequential does.
const simdTol = 3e-6

// tolerance is p's predictTol or simdTol, as p runs in this build and host.
func tolerance(p *Predictor) float64 {
	if p.SIMD() {
		return simdTol
	}
	return predictTol
}

// shippedModels loads weights/model.bin as a Sequential and as a Predictor,
// with the Predictor's metadata, or skips the test.
func shippedModels(t testing.TB) (*Sequential, *Predictor, [][2]string) {
	t.Helper()
	data, err := os.ReadFile("../weights/model.bin")
	if err != nil {
		t.Fatal("weights/model.bin is committed; reading it: ", err)
	}
	m, _, err := LoadModel(data)
	if err != nil {
		t.Fatal(err)
	}
	p, meta, err := LoadPredictor(data)
	if err != nil {
		t.Fatal(err)
	}
	return m, p, meta
}

// mnistTest returns the first n MNIST test images (n·784 values in [0, 1]),
// or skips the test.
func mnistTest(t testing.TB, n int) []float32 {
	t.Helper()
	dir, why := mnistDir()
	if dir == "" {
		t.Skip(why)
	}
	e, err := readMNIST(dir, "t10k", n)
	if err != nil {
		t.Fatal(err)
	}
	return e.X
}

// randomModel is cfg with he_uniform kernels and biases drawn from ±0.1, so
// that some channels are blank at relu(bias) > 0 and others at 0.
func randomModel(t testing.TB, cfg Config, seed uint64) (*Sequential, []*Param) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 5))
	m := mustNew(t, cfg, r)
	params := m.Params()
	for _, p := range params {
		if len(p.Shape) == 1 {
			for i := range p.Value {
				p.Value[i] = float32(r.Float64()*0.2 - 0.1)
			}
		}
	}
	return m, params
}

// randomPredictor is randomModel's network, its parameters, and a Predictor
// made from cfg and them.
func randomPredictor(t testing.TB, cfg Config, seed uint64) (*Sequential, *Predictor, []*Param) {
	t.Helper()
	m, params := randomModel(t, cfg, seed)
	p, err := NewPredictor(cfg, params)
	if err != nil {
		t.Fatal(err)
	}
	return m, p, params
}

// refProbs is the network's output for the examples x, computed in float64
// from the layers' definitions, skipping the products with a zero input
// (most of them, on a drawing; the sums are the same).
func refProbs(t testing.TB, cfg Config, params []*Param, x []float32) []float64 {
	t.Helper()
	infos, err := cfg.Resolve()
	if err != nil {
		t.Fatal(err)
	}
	h, w, cin := cfg.Input[0], cfg.Input[1], cfg.Input[2]
	conv, pool, d1, d2 := infos[0], infos[1], infos[3], infos[4]
	kh, kw, cout := conv.Kernel[0], conv.Kernel[1], conv.Filters
	oh, ow, ph, pw, qh, qw := conv.Out[0], conv.Out[1], pool.Pool[0], pool.Pool[1], pool.Out[0], pool.Out[1]
	k, b, w1, b1, w2, b2 := to64(params[0].Value), to64(params[1].Value), to64(params[2].Value), to64(params[3].Value), to64(params[4].Value), to64(params[5].Value)
	units, classes := d1.Units, d2.Units
	var out []float64
	for i := range len(x) / (h * w * cin) {
		xi := x[i*h*w*cin : (i+1)*h*w*cin]
		y := make([]float64, oh*ow*cout) // conv2d, ReLU
		for r := range oh {
			for c := range ow {
				yo := y[(r*ow+c)*cout : (r*ow+c+1)*cout]
				copy(yo, b)
				for a := range kh {
					for bb := range kw {
						for ch := range cin {
							if v := float64(xi[((r+a)*w+c+bb)*cin+ch]); v != 0 {
								for o := range yo {
									yo[o] += v * k[((a*kw+bb)*cin+ch)*cout+o]
								}
							}
						}
					}
				}
			}
		}
		pooled := refMaxPool(refReLU(y), 1, oh, ow, cout, ph, pw)
		hidden := append([]float64(nil), b1...)
		for l, v := range pooled[:qh*qw*cout] {
			if v != 0 {
				for j := range hidden {
					hidden[j] += v * w1[l*units+j]
				}
			}
		}
		out = append(out, refSoftmax(refDense(refReLU(hidden), w2, b2, 1, units, classes), classes)...)
	}
	return out
}

// comparePredictors runs Predictor and Sequential on every example of x and
// checks Predictor against the exact output (refProbs) and against
// Sequential: |Predictor − exact| ≤ predictTol, and |Predictor − Sequential|
// ≤ predictTol + |Sequential − exact|. It returns the largest |Predictor −
// exact|, |Predictor − Sequential| and |Sequential − exact|.
func comparePredictors(t *testing.T, what string, m *Sequential, p *Predictor, params []*Param, x []float32) (vsExact, vsSeq, seqExact float64) {
	t.Helper()
	in, classes := m.in, m.classes
	exact := refProbs(t, m.Config(), params, x)
	seq, got := make([]float32, classes), make([]float32, classes)
	tol := tolerance(p)
	for i := range len(x) / in {
		xi := x[i*in : (i+1)*in]
		ks := m.PredictOne(seq, xi)
		kp := p.PredictOne(got, xi)
		for j := range got {
			e := exact[i*classes+j]
			dExact := math.Abs(float64(got[j]) - e)
			dSeq := math.Abs(float64(got[j] - seq[j]))
			if !(dExact <= tol) || !(dSeq <= tol+math.Abs(float64(seq[j])-e)) {
				t.Errorf("%s %d: p[%d] = %v, Sequential %v, exact %v", what, i, j, got[j], seq[j], e)
			}
			vsExact, vsSeq = max(vsExact, dExact), max(vsSeq, dSeq)
			seqExact = max(seqExact, math.Abs(float64(seq[j])-e))
		}
		if kp != ks && math.Abs(float64(seq[kp]-seq[ks])) > tol {
			t.Errorf("%s %d: Predictor says %d, Sequential %d (%v)", what, i, kp, ks, seq)
		}
		if p.PredictOne(nil, xi) != kp {
			t.Errorf("%s %d: PredictOne without dst gives another class", what, i)
		}
	}
	return vsExact, vsSeq, seqExact
}

// TestPredictorMNIST compares Predictor with Sequential and the exact output
// on the first 1,000 MNIST test images, with the shipped weights.
func TestPredictorMNIST(t *testing.T) {
	m, p, meta := shippedModels(t)
	x := mnistTest(t, 1000)
	if len(meta) == 0 {
		t.Error("LoadPredictor returned no metadata")
	}
	vsExact, vsSeq, seqExact := comparePredictors(t, "MNIST test image", m, p, m.Params(), x)
	t.Logf("1,000 MNIST test images: max |Δp| Predictor−exact %.3g, Predictor−Sequential %.3g, Sequential−exact %.3g", vsExact, vsSeq, seqExact)
}

// edgeImages are 28×28 inputs at the edges of the sparse path.
func edgeImages() (names []string, x []float32) {
	add := func(name string, f func(r, c int) float32) {
		names = append(names, name)
		for r := range 28 {
			for c := range 28 {
				x = append(x, f(r, c))
			}
		}
	}
	rng := rand.New(rand.NewPCG(9, 9))
	add("blank", func(r, c int) float32 { return 0 })
	add("full", func(r, c int) float32 { return 1 })
	add("faint full", func(r, c int) float32 { return 1e-3 })
	add("border", func(r, c int) float32 {
		if r == 0 || c == 0 || r == 27 || c == 27 {
			return 1
		}
		return 0
	})
	add("corners", func(r, c int) float32 {
		if (r == 0 || r == 27) && (c == 0 || c == 27) {
			return 0.8
		}
		return 0
	})
	add("last row and column", func(r, c int) float32 {
		if r == 27 || c == 27 {
			return 0.5
		}
		return 0
	})
	add("one pixel", func(r, c int) float32 {
		if r == 13 && c == 14 {
			return 1
		}
		return 0
	})
	add("speckles", func(r, c int) float32 {
		if rng.IntN(10) == 0 {
			return rng.Float32()
		}
		return 0
	})
	add("negative", func(r, c int) float32 {
		if (r+c)%5 == 0 {
			return -0.5
		}
		return 0
	})
	add("bar", func(r, c int) float32 {
		if c >= 12 && c < 15 && r > 3 && r < 24 {
			return 1
		}
		return 0
	})
	return names, x
}

// TestPredictorEdges compares Predictor with Sequential on inputs at the
// edges of the sparse path, with the shipped and with random weights.
func TestPredictorEdges(t *testing.T) {
	names, x := edgeImages()
	models := map[string]func(t *testing.T) (*Sequential, *Predictor){
		"random": func(t *testing.T) (*Sequential, *Predictor) {
			m, p, _ := randomPredictor(t, Tutorial(), 1)
			return m, p
		},
		"shipped": func(t *testing.T) (*Sequential, *Predictor) {
			m, p, _ := shippedModels(t)
			return m, p
		},
	}
	for name, load := range models {
		t.Run(name, func(t *testing.T) {
			m, p := load(t)
			for i, n := range names {
				comparePredictors(t, n, m, p, m.Params(), x[i*784:(i+1)*784])
			}
			// Again in the other order: a call leaves nothing behind.
			for i := len(names) - 1; i >= 0; i-- {
				comparePredictors(t, names[i], m, p, m.Params(), x[i*784:(i+1)*784])
			}
		})
	}
}

// TestPredictorShapes runs other sizes of the family: several input
// channels, a kernel that is not square, and pools that leave rows and
// columns of the conv2d output out.
func TestPredictorShapes(t *testing.T) {
	t.Parallel()
	cfgs := []Config{
		tinyModelConfig(),
		{Input: Shape{11, 9, 3}, Layers: []LayerConfig{
			{Type: TypeConv2D, Filters: 5, Kernel: [2]int{3, 2}, Activation: ActReLU},
			{Type: TypeMaxPooling2D, Pool: [2]int{3, 2}},
			{Type: TypeFlatten},
			{Type: TypeDense, Units: 7, Activation: ActReLU},
			{Type: TypeDense, Units: 4, Activation: ActSoftmax},
		}},
		{Input: Shape{4, 4, 1}, Layers: []LayerConfig{
			{Type: TypeConv2D, Filters: 2, Kernel: [2]int{4, 4}, Activation: ActReLU},
			{Type: TypeMaxPooling2D, Pool: [2]int{1, 1}},
			{Type: TypeFlatten},
			{Type: TypeDense, Units: 1, Activation: ActReLU},
			{Type: TypeDense, Units: 2, Activation: ActSoftmax},
		}},
	}
	for i, cfg := range cfgs {
		m, params := randomModel(t, cfg, uint64(i))
		p, err := NewPredictor(cfg, params)
		if err != nil {
			t.Fatalf("%d: %v", i, err)
		}
		r := rand.New(rand.NewPCG(uint64(i), 6))
		x := make([]float32, 50*m.in)
		for j := range x {
			if r.IntN(3) == 0 { // a third of the inputs are ink
				x[j] = r.Float32()
			}
		}
		comparePredictors(t, "config "+strconv.Itoa(i), m, p, params, x)
		if p.ParamCount() != sumSizes(params) || p.Classes() != m.Classes() {
			t.Errorf("%d: ParamCount %d, Classes %d", i, p.ParamCount(), p.Classes())
		}
	}
}

func sumSizes(params []*Param) int {
	n := 0
	for _, p := range params {
		n += len(p.Value)
	}
	return n
}

func TestPredictorConfig(t *testing.T) {
	t.Parallel()
	m, p, params := randomPredictor(t, Tutorial(), 2)
	got, want := p.Config(), m.Config()
	if got.Input.String() != want.Input.String() || len(got.Layers) != len(want.Layers) {
		t.Fatalf("Config %+v, want %+v", got, want)
	}
	for i := range got.Layers {
		if got.Layers[i] != want.Layers[i] {
			t.Errorf("layer %d: %+v, want %+v", i, got.Layers[i], want.Layers[i])
		}
	}
	if p.ParamCount() != 542230 || p.Classes() != 10 {
		t.Errorf("ParamCount %d, Classes %d", p.ParamCount(), p.Classes())
	}
	// The values were copied.
	x := mnistLike()
	before, after := make([]float32, 10), make([]float32, 10)
	p.PredictOne(before, x)
	for _, q := range params {
		clear(q.Value)
	}
	p.PredictOne(after, x)
	if !slices.Equal(after, before) {
		t.Errorf("changing the parameters afterwards changed the Predictor's probabilities from %v to %v", before, after)
	}
}

// mnistLike is a plain 28×28 stroke.
func mnistLike() []float32 {
	x := make([]float32, 784)
	for r := 5; r < 23; r++ {
		x[r*28+r/2+6] = 1
		x[r*28+r/2+7] = 0.6
	}
	return x
}

func TestPredictorErrors(t *testing.T) {
	t.Parallel()
	_, good := randomModel(t, Tutorial(), 3)
	with := func(f func(c *Config)) Config {
		c := Tutorial()
		f(&c)
		return c
	}
	nan := append([]*Param(nil), good...)
	nan[2] = &Param{Name: good[2].Name, Shape: good[2].Shape, Value: append([]float32(nil), good[2].Value...)}
	nan[2].Value[7] = float32(math.Inf(-1))
	for i, tc := range []struct {
		cfg    Config
		params []*Param
		want   string
	}{
		{Config{}, nil, "input shape is empty"},
		{with(func(c *Config) { c.Layers[0].Activation = ActLinear }), good, "not conv2d → max_pooling2d"},
		{with(func(c *Config) { c.Layers[3].Activation = ActLinear }), good, "→ dense → dense(softmax)"},
		{with(func(c *Config) { c.Layers[4].Activation = ActReLU }), good, "dense(relu) → dense(relu)"},
		{with(func(c *Config) { c.Layers = c.Layers[:3] }), good, "a Predictor runs conv2d(relu)"},
		{with(func(c *Config) {
			c.Layers = append(c.Layers[:1], append([]LayerConfig{{Type: TypeConv2D, Filters: 4, Kernel: [2]int{3, 3}, Activation: ActReLU}}, c.Layers[1:]...)...)
		}), good, "conv2d(relu) → conv2d(relu)"},
		{Tutorial(), good[:5], "parameter 5 is not dense_1/bias (10,)"},
		{Tutorial(), append(good, good[0]), "7 parameters given, the architecture has 6"},
		{Tutorial(), append([]*Param{good[1], good[0]}, good[2:]...), "parameter 0 is not conv2d/kernel (3, 3, 1, 32)"},
		{Tutorial(), append([]*Param{nil}, good[1:]...), "parameter 0 is not conv2d/kernel"},
		{with(func(c *Config) { c.Layers[3].Units = 99 }), good, "parameter 2 is not dense/kernel (5408, 99)"},
		{Tutorial(), nan, "dense/kernel holds NaN or infinity"},
	} {
		p, err := NewPredictor(tc.cfg, tc.params)
		if p != nil || err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%d: NewPredictor = %v, %v; want an error containing %q", i, p, err, tc.want)
		}
	}
}

func TestLoadPredictorErrors(t *testing.T) {
	t.Parallel()
	// Not a model file: DecodeModel's error.
	if _, _, err := LoadPredictor([]byte("hello")); !errors.As(err, new(*ModelError)) || !strings.Contains(err.Error(), "not an inkling model file") {
		t.Errorf("LoadPredictor(hello): %v", err)
	}
	// A model file of another architecture.
	cfg := Config{Input: Shape{4, 4, 1}, Layers: []LayerConfig{
		{Type: TypeFlatten},
		{Type: TypeDense, Units: 3, Activation: ActSoftmax},
	}}
	data, err := EncodeModel(cfg, randomParams(t, cfg, 4), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = LoadPredictor(data)
	if !errors.As(err, new(*ModelError)) || !strings.Contains(err.Error(), "a Predictor runs "+predictorFamily+", not flatten → dense(softmax)") {
		t.Errorf("LoadPredictor(flatten → dense): %v", err)
	}
}

func TestPredictorAllocs(t *testing.T) {
	_, p, _ := randomPredictor(t, Tutorial(), 5)
	_, x := edgeImages()
	probs := make([]float32, 10)
	i := 0
	if n := testing.AllocsPerRun(50, func() {
		p.PredictOne(probs, x[i*784:(i+1)*784])
		i = (i + 1) % (len(x) / 784)
	}); n != 0 {
		t.Errorf("PredictOne allocates %v times a call", n)
	}
}

func TestPredictorPanics(t *testing.T) {
	_, p, _ := randomPredictor(t, Tutorial(), 6)
	for i, f := range []func(){
		func() { p.PredictOne(nil, make([]float32, 783)) },
		func() { p.PredictOne(make([]float32, 9), make([]float32, 784)) },
	} {
		func() {
			defer func() {
				if r, _ := recover().(string); !strings.HasPrefix(r, "nn: Predictor.PredictOne: ") {
					t.Errorf("%d: panic %q", i, r)
				}
			}()
			f()
		}()
	}
}

// BenchmarkPredictor is the page's network work per drawing, on MNIST test
// images (a different one each call), beside Sequential.PredictOne on the
// same images.
func BenchmarkPredictor(b *testing.B) {
	m, p, _ := shippedModels(b)
	x := mnistTest(b, 100)
	probs := make([]float32, 10)
	for _, bc := range []struct {
		name string
		run  func(dst, x []float32) int
	}{{"Predictor", p.PredictOne}, {"Sequential", m.PredictOne}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				bc.run(probs, x[i*784:(i+1)*784])
				i = (i + 1) % 100
			}
		})
	}
}

func TestLogPos(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(7, 8))
	xs := []float64{1, 0x1p-1022, math.MaxFloat64, math.Sqrt2, math.Nextafter(math.Sqrt2, 2), 0.5, 2, 10, 1 + 1e-15, 1 - 1e-16, math.E}
	for range 100000 {
		xs = append(xs, 1+r.Float64()*9, math.Exp(r.NormFloat64()*100), 1+r.ExpFloat64()*1e-9)
	}
	for _, x := range xs {
		got, want := logPos(x), math.Log(x)
		if d := math.Abs(got - want); !(d <= 5e-16*math.Abs(want) || d <= 1e-300) {
			t.Errorf("logPos(%v) = %v, math.Log %v (relative error %.3g)", x, got, want, d/math.Abs(want))
		}
	}
	if v := logPos(math.NaN()); v == v {
		t.Errorf("logPos(NaN) = %v", v)
	}
}

func TestExpNeg(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(7, 7))
	xs := []float64{0, -0.0, -1e-300, -math.Ln2 / 2, -math.Ln2, -1, -20, -87.3, -700, -708.4, -709, -744, -745, -745.2, -746, -1e6, math.Inf(-1)}
	for range 100000 {
		xs = append(xs, -r.Float64()*40, -r.ExpFloat64()*50)
	}
	for _, x := range xs {
		got, want := expNeg(x), math.Exp(x)
		if d := math.Abs(got - want); !(d <= 4e-16*want || d <= 0x1p-1074) {
			t.Errorf("expNeg(%v) = %v, math.Exp %v (relative error %.3g)", x, got, want, d/want)
		}
	}
	if v := expNeg(math.NaN()); v == v {
		t.Errorf("expNeg(NaN) = %v", v)
	}
}
