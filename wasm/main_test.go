//go:build js && wasm

package main

import (
	"math"
	"os"
	"strings"
	"syscall/js"
	"testing"

	"inkling/mnist"
	"inkling/mnist/ink"
	"inkling/nn"
)

// These tests run in Node (make test-wasm): they call the functions the page
// calls, with JavaScript values, as the page does.

func uint8Array(b []byte) js.Value {
	a := js.Global().Get("Uint8Array").New(len(b))
	js.CopyBytesToJS(a, b)
	return a
}

// mustLoad makes the shipped model model 0, loading it unless it is
// loaded already.
func mustLoad(t testing.TB) {
	t.Helper()
	if len(st.models) > 0 {
		st.models = st.models[:1]
		return
	}
	data, err := os.ReadFile("../weights/model.bin")
	if err != nil {
		t.Fatal(err)
	}
	res := call(fLoad, uint8Array(data))
	if e := res.Get("error"); !e.IsUndefined() {
		t.Fatalf("load: %s", e.String())
	}
	if !res.Get("ok").Bool() || res.Get("params").Int() != 542230 || res.Get("model").Int() != 0 {
		t.Fatalf("load: ok %v, model %v, params %v", res.Get("ok"), res.Get("model"), res.Get("params"))
	}
}

// drawSeven draws a 7 on a w×h transparent RGBA canvas with the page's pen.
func drawSeven(w, h int) []byte {
	gray := make([]byte, w*h)
	s := float64(min(w, h))
	seven := []ink.Stroke{{{X: 0.3 * s, Y: 0.2 * s}, {X: 0.7 * s, Y: 0.2 * s}, {X: 0.45 * s, Y: 0.85 * s}}}
	ink.Rasterize(gray, w, h, seven, ink.PenWidth*s)
	rgba := make([]byte, 4*w*h)
	for i, v := range gray {
		rgba[4*i+3] = v
	}
	return rgba
}

// call calls function f (fLoad, fPredict, …) as the page does.
func call(f int, args ...any) js.Value {
	vs := make([]js.Value, len(args))
	for i, a := range args {
		vs[i] = js.ValueOf(a)
	}
	return js.ValueOf(guard(impl[f], f)(js.Undefined(), vs))
}

func TestPredictBeforeLoad(t *testing.T) {
	saved := st.models
	st.models = nil
	defer func() { st.models = saved }()
	for f := range impl {
		if f == fLoad || f == fSteps {
			continue
		}
		res := call(f, uint8Array(make([]byte, 784)), uint8Array(make([]byte, 1)))
		if e := res.Get("error"); e.IsUndefined() || !strings.Contains(e.String(), "call inkling.load") {
			t.Errorf("%s before load: %v", sigs[f], e)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	good, err := os.ReadFile("../weights/model.bin")
	if err != nil {
		t.Fatal(err)
	}
	flipped := append([]byte(nil), good...)
	flipped[len(flipped)/2] ^= 0xff
	for i, tc := range []struct {
		arg  any
		want string
	}{
		{nil, "must be a Uint8Array"},
		{"model.bin", "must be a Uint8Array"},
		{uint8Array(nil), "not an inkling model file"},
		{uint8Array(good[:1000]), "truncated"},
		{uint8Array(flipped), "checksum mismatch"},
	} {
		res := call(fLoad, tc.arg)
		if e := res.Get("error"); e.IsUndefined() || !strings.Contains(e.String(), tc.want) {
			t.Errorf("%d: load(%v): error %v, want one containing %q", i, tc.arg, e, tc.want)
		}
	}
}

func TestPredict(t *testing.T) {
	mustLoad(t)
	const w, h = 224, 224
	res := call(fPredict, uint8Array(drawSeven(w, h)), w, h)
	if e := res.Get("error"); !e.IsUndefined() {
		t.Fatal(e.String())
	}
	if d := res.Get("digit").Int(); d != 7 {
		t.Errorf("a drawn 7 read as %d (probs %v)", d, res.Get("probs"))
	}
	if n := res.Get("probs").Length(); n != 10 {
		t.Errorf("%d probabilities", n)
	}
	if n := res.Get("input").Length(); n != 784 {
		t.Errorf("input has %d pixels", n)
	}
	blank := call(fPredict, uint8Array(make([]byte, 4*w*h)), w, h)
	if !blank.Get("noInk").Truthy() || blank.Get("digit").Int() != -1 {
		t.Errorf("blank pad: noInk %v digit %v", blank.Get("noInk"), blank.Get("digit"))
	}
}

// TestSurvivesAbuse makes 1,000 malformed calls; the instance must answer
// each with an error and then still read a digit correctly.
func TestSurvivesAbuse(t *testing.T) {
	mustLoad(t)
	const w, h = 224, 224
	good := uint8Array(drawSeven(w, h))
	bad := [][]any{
		{},
		{nil, nil, nil},
		{good},
		{good, w},
		{good, -1, h},
		{good, w, 1e12},
		{good, 1.5, h},
		{good, "224", "224"},
		{good, w + 1, h},
		{uint8Array(make([]byte, 3)), 1, 1},
		{js.Global().Get("Float32Array").New(4 * w * h), w, h},
		{js.Global().Get("Object").New(), w, h},
		{uint8Array(nil), 0, 0},
		{uint8Array(make([]byte, 4)), 1 << 20, 1 << 20},
	}
	for i := range 1000 {
		args := bad[i%len(bad)]
		res := call(fPredict, args...)
		e := res.Get("error")
		noInk := res.Get("noInk").Truthy()
		if e.IsUndefined() && !noInk {
			t.Fatalf("call %d (%d arguments): no error: digit %v", i, len(args), res.Get("digit"))
		}
		if !e.IsUndefined() && strings.Contains(e.String(), "internal error") {
			t.Fatalf("call %d: a panic was caught: %s", i, e.String())
		}
	}
	res := call(fPredict, good, w, h)
	if d := res.Get("digit"); d.IsUndefined() || d.Int() != 7 {
		t.Fatalf("after 1,000 bad calls: %v %v", d, res.Get("error"))
	}
}

// TestLoadOtherArchitecture gives load model files the page cannot use: of
// an architecture outside the Predictor's family, and of the family but
// for other inputs.
func TestLoadOtherArchitecture(t *testing.T) {
	defer mustLoad(t) // leave the shipped model loaded for the other tests
	family := nn.Tutorial()
	family.Input = nn.Shape{20, 20, 1}
	flat := nn.Config{Input: nn.Shape{28, 28, 1}, Layers: []nn.LayerConfig{
		{Type: nn.TypeFlatten},
		{Type: nn.TypeDense, Units: 10, Activation: nn.ActSoftmax},
	}}
	for i, tc := range []struct {
		cfg  nn.Config
		want string
	}{
		{flat, "a Predictor runs conv2d(relu)"},
		{family, "this page needs the weights/model.bin made for it"},
	} {
		m, err := nn.New(tc.cfg, nil)
		if err != nil {
			t.Fatal(err)
		}
		data, err := m.MarshalModel(nil)
		if err != nil {
			t.Fatal(err)
		}
		res := call(fLoad, uint8Array(data))
		if e := res.Get("error"); e.IsUndefined() || !strings.Contains(e.String(), tc.want) {
			t.Errorf("%d: load: error %v, want one containing %q", i, e, tc.want)
		}
	}
}

// shippedSequential is weights/model.bin as the trainer's Sequential: the
// network as trained, to check the page's functions against.
func shippedSequential(t *testing.T) *nn.Sequential {
	t.Helper()
	data, err := os.ReadFile("../weights/model.bin")
	if err != nil {
		t.Fatal(err)
	}
	m, _, err := nn.LoadModel(data)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestPredictAsSequential checks predict's answers against the same steps
// taken with the package APIs and Sequential, the network as trained, on pen
// digits drawn as the page draws them.
func TestPredictAsSequential(t *testing.T) {
	mustLoad(t)
	m := shippedSequential(t)
	digits, err := mnist.LoadStrokes("../data/pendigits-train-strokes.json")
	if err != nil {
		t.Fatal(err)
	}
	const side, n = ink.PadSide, 40
	want := make([]float32, 10)
	var x [ink.Size * ink.Size]float32
	for i := range n {
		d := digits[i*len(digits)/n]
		rgba := drawDigit(d, side)
		res := call(fPredict, uint8Array(rgba), side, side)
		if e := res.Get("error"); !e.IsUndefined() {
			t.Fatalf("digit %d: %s", i, e.String())
		}
		if err := ink.FromRGBA(x[:], rgba, side, side); err != nil {
			t.Fatal(err)
		}
		top := m.PredictOne(want, x[:])
		probs := res.Get("probs")
		for j, w := range want {
			if got := probs.Index(j).Float(); math.Abs(got-float64(w)) > 1e-5 {
				t.Errorf("digit %d (a %d): p[%d] = %v, Sequential %v", i, d.Label, j, got, w)
			}
		}
		if got := res.Get("digit").Int(); got != top && math.Abs(float64(want[got]-want[top])) > 1e-5 {
			t.Errorf("digit %d (a %d): read as %d, Sequential %d", i, d.Label, got, top)
		}
		if unsure := res.Get("unsure").Bool(); unsure != (want[top] < unsureBelow) {
			t.Errorf("digit %d: unsure %v with p = %v", i, unsure, want[top])
		}
		view := make([]byte, ink.Size*ink.Size)
		js.CopyBytesToGo(view, res.Get("input"))
		for k, v := range x {
			if view[k] != byte(v*255+0.5) {
				t.Fatalf("digit %d: input[%d] = %d, want %d", i, k, view[k], byte(v*255+0.5))
			}
		}
	}
}

// drawDigit draws a pen digit on a side×side transparent RGBA canvas as the
// page does: two thirds of the pad tall, centred, with the page's pen.
func drawDigit(d mnist.StrokeDigit, side int) []byte {
	strokes := make([]ink.Stroke, len(d.Strokes))
	for j, st := range d.Strokes {
		for _, p := range st {
			strokes[j] = append(strokes[j], ink.Point{X: p[0], Y: p[1]})
		}
	}
	gray := make([]byte, side*side)
	s := float64(side)
	ink.Rasterize(gray, side, side, ink.Fit(strokes, s*2/3, s/2, s/2), ink.PenWidth*s)
	rgba := make([]byte, 4*side*side)
	for i, v := range gray {
		rgba[4*i+3] = v
	}
	return rgba
}

// BenchmarkPredict is inkling.predict as the page calls it, on pen digits
// drawn on the page's ink canvas (ink.PadSide pixels square) (a different one each call): the copy
// of the pixels, preprocessing, the network and the answer's JavaScript
// values.
func BenchmarkPredict(b *testing.B) {
	mustLoad(b)
	digits, err := mnist.LoadStrokes("../data/pendigits-train-strokes.json")
	if err != nil {
		b.Fatal(err)
	}
	const side, n = ink.PadSide, 100
	args := make([][]js.Value, n)
	for i := range args {
		args[i] = []js.Value{uint8Array(drawDigit(digits[i*len(digits)/n], side)), js.ValueOf(side), js.ValueOf(side)}
	}
	f := guard(predict, fPredict)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		f(js.Undefined(), args[i%n])
		i++
	}
}
