package nn

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// The golden values in testdata/golden come from an independent PyTorch
// implementation of the tutorial model in float64 (see manifest.json).

type goldenManifest struct {
	Labels       []uint8 `json:"labels"`
	LossAtParams float64 `json:"loss_at_params"`
	Adam         struct {
		Losses []float64 `json:"losses_before_steps_1_2_3_and_after_3"`
	} `json:"adam"`
	Tensors map[string]struct {
		File  string `json:"file"`
		Shape []int  `json:"shape"`
	} `json:"tensors"`
}

type golden struct {
	goldenManifest
	t *testing.T
}

func loadGolden(t *testing.T) *golden {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "golden", "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	g := &golden{t: t}
	if err := json.Unmarshal(b, &g.goldenManifest); err != nil {
		t.Fatal(err)
	}
	return g
}

// tensor reads the golden tensor name ("forward/logits") and checks its size.
func (g *golden) tensor(name string) []float32 {
	g.t.Helper()
	m, ok := g.Tensors[name]
	if !ok {
		g.t.Fatalf("golden: no tensor %q", name)
	}
	b, err := os.ReadFile(filepath.Join("testdata", "golden", m.File))
	if err != nil {
		g.t.Fatal(err)
	}
	if len(b) != 4*Shape(m.Shape).Size() {
		g.t.Fatalf("golden: %s has %d bytes, want 4·%v", name, len(b), m.Shape)
	}
	v := make([]float32, len(b)/4)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return v
}

// goldenModel returns the tutorial model with the golden parameters.
func goldenModel(t *testing.T, g *golden) *Sequential {
	t.Helper()
	m, err := New(Tutorial(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var src []Param
	for _, p := range m.Params() {
		src = append(src, Param{Name: p.Name, Shape: p.Shape, Value: g.tensor("params/" + p.Name)})
	}
	if err := m.SetParams(src); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestGolden(t *testing.T) {
	g := loadGolden(t)
	m := goldenModel(t, g)
	x := g.tensor("input/images")
	y := g.Labels
	n := len(y)

	// Forward, layer by layer: conv2d (with its ReLU), max_pooling2d, flatten,
	// dense (with its ReLU), dense_1, softmax.
	outs := make([][]float32, len(m.layers))
	h := x
	for i, l := range m.layers {
		h = l.forward(h, n)
		outs[i] = append([]float32(nil), h...)
	}
	const fwdTol = 1e-5 // absolute
	for i, c := range []struct {
		name  string
		layer int
	}{
		{"forward/flatten", 2},
		{"forward/dense_relu", 3},
		{"forward/logits", 4},
		{"forward/probs", 5},
	} {
		want := g.tensor(c.name)
		if len(outs[c.layer]) != len(want) {
			t.Fatalf("%d: %s: %d values, want %d", i, c.name, len(outs[c.layer]), len(want))
		}
		d := maxAbs64(outs[c.layer], to64(want))
		t.Logf("%s: max abs error %.3g", c.name, d)
		if d > fwdTol {
			t.Errorf("%d: %s: max abs error %.3g > %g", i, c.name, d, fwdTol)
		}
	}

	loss, acc := m.Gradients(x, y)
	t.Logf("loss %.9g (golden %.9g), accuracy %g", loss, g.LossAtParams, acc)
	if d := math.Abs(loss - g.LossAtParams); d > fwdTol {
		t.Errorf("loss %.9g, golden %.9g: error %.3g > %g", loss, g.LossAtParams, d, fwdTol)
	}
	const gradTol = 1e-4 // relative, see relErr64
	for i, p := range m.Params() {
		e := relErr64(p.Grad, to64(g.tensor("grads/"+p.Name)))
		t.Logf("grad %s: relative error %.3g", p.Name, e)
		if e > gradTol {
			t.Errorf("%d: grad %s: relative error %.3g > %g", i, p.Name, e, gradTol)
		}
	}

	// One Adam step. At step 1 Adam moves a weight by
	// lr·√(1−β2)·g/(√(1−β2)·|g| + ε) ≈ ±lr, but for |g| near ε/√(1−β2) ≈ 3e-6 the
	// step's slope in g reaches lr·√(1−β2)/ε ≈ 316, which magnifies the float32
	// rounding of the gradient. So each weight must be within 2.5e-7 (a few ulps) plus
	// 316·|g − g_golden| (the gradient's own error carried through), and all
	// within 1e-5 = lr/100.
	grads := map[string][]float32{}
	for _, p := range m.Params() {
		grads[p.Name] = append([]float32(nil), p.Grad...)
	}
	m.Optimizer().Step()
	const (
		adamTol   = 1e-5
		adamRound = 2.5e-7                     // a few float32 ulps of a weight below 1
		adamSlope = 1e-3 * 0.0316227766 / 1e-7 // lr·√(1−β2)/ε
	)
	for i, p := range m.Params() {
		want, gw := g.tensor("adam_step1/"+p.Name), g.tensor("grads/"+p.Name)
		var worst float64 // largest error / allowed
		for k := range want {
			d := math.Abs(float64(p.Value[k]) - float64(want[k]))
			allowed := adamRound + adamSlope*math.Abs(float64(grads[p.Name][k])-float64(gw[k]))
			worst = max(worst, d/allowed)
		}
		d := maxAbs64(p.Value, to64(want))
		t.Logf("adam step 1 %s: max abs error %.3g, largest error/allowed %.3g", p.Name, d, worst)
		if d > adamTol || worst > 1 {
			t.Errorf("%d: adam step 1 %s: max abs error %.3g (want ≤ %g), largest error/allowed %.3g (want ≤ 1)", i, p.Name, d, adamTol, worst)
		}
	}

	// Three Adam steps on the same batch from the golden parameters.
	m = goldenModel(t, g)
	var losses []float64
	for range 3 {
		l, _ := m.TrainStep(x, y)
		losses = append(losses, l)
	}
	l, _ := m.Evaluate(x, y)
	losses = append(losses, l)
	const lossTol = 1e-5 // relative
	if len(g.Adam.Losses) != 4 {
		t.Fatalf("golden: %d losses, want 4", len(g.Adam.Losses))
	}
	for i, want := range g.Adam.Losses {
		e := math.Abs(losses[i]-want) / want
		t.Logf("loss before step %d: %.9g, golden %.9g, relative error %.3g", i+1, losses[i], want, e)
		if e > lossTol {
			t.Errorf("%d: loss before step %d: %.9g, golden %.9g, relative error %.3g > %g", i, i+1, losses[i], want, e, lossTol)
		}
	}
}
