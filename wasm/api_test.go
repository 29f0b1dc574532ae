//go:build js && wasm

package main

import (
	"math"
	"os"
	"strings"
	"syscall/js"
	"testing"
	"time"

	"inkling/mnist"
	"inkling/mnist/ink"
	"inkling/nn"
)

// The functions of API version 2, under Node, checked against the same
// computations made here with the packages' own APIs.

// penInputs returns n pen digits drawn on the page's canvas, each as the
// canvas's pixels and as the 28×28 bytes predict's input would hold.
func penInputs(t *testing.T, n int) (rgba, input [][]byte, labels []int) {
	t.Helper()
	digits, err := mnist.LoadStrokes("../data/pendigits-train-strokes.json")
	if err != nil {
		t.Fatal(err)
	}
	var x [ink.Size * ink.Size]float32
	for i := range n {
		d := digits[i*len(digits)/n]
		pix := drawDigit(d, ink.PadSide)
		if err := ink.FromRGBA(x[:], pix, ink.PadSide, ink.PadSide); err != nil {
			t.Fatal(err)
		}
		b := make([]byte, len(x))
		for j, v := range x {
			b[j] = byte(v*255 + 0.5)
		}
		rgba, input, labels = append(rgba, pix), append(input, b), append(labels, d.Label)
	}
	return rgba, input, labels
}

func float32Slice(v js.Value) []float32 {
	n := v.Length()
	b := make([]byte, 4*n)
	js.CopyBytesToGo(b, js.Global().Get("Uint8Array").New(v.Get("buffer"), v.Get("byteOffset"), 4*n))
	out := make([]float32, n)
	for i := range out {
		out[i] = math.Float32frombits(uint32(b[4*i]) | uint32(b[4*i+1])<<8 | uint32(b[4*i+2])<<16 | uint32(b[4*i+3])<<24)
	}
	return out
}

func bytesOfJS(v js.Value) []byte {
	b := make([]byte, v.Length())
	js.CopyBytesToGo(b, v)
	return b
}

func numbersOf(v js.Value) []float64 {
	out := make([]float64, v.Length())
	for i := range out {
		out[i] = v.Index(i).Float()
	}
	return out
}

func mustNoError(t *testing.T, what string, res js.Value) {
	t.Helper()
	if e := res.Get("error"); !e.IsUndefined() {
		t.Fatalf("%s: %s", what, e.String())
	}
}

// wantError checks that res is an error whose message holds each of want.
func wantError(t *testing.T, what string, res js.Value, want ...string) {
	t.Helper()
	e := res.Get("error")
	if e.IsUndefined() {
		t.Errorf("%s: no error: %v", what, js.Global().Get("JSON").Call("stringify", res))
		return
	}
	for _, w := range want {
		if !strings.Contains(e.String(), w) {
			t.Errorf("%s: error %q, want one containing %q", what, e.String(), w)
		}
	}
	if strings.Contains(e.String(), "internal error") {
		t.Errorf("%s: a panic was caught: %s", what, e.String())
	}
}

// tutorialWeights returns weights/tutorial.bin, the tutorial's weights.
func tutorialWeights(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile("../weights/tutorial.bin")
	if err != nil {
		t.Fatal(err, " (weights/tutorial.bin is committed: git checkout -- weights/tutorial.bin)")
	}
	return data
}

// TestModels loads the tutorial's weights beside the shipped ones and reads
// the same drawing with each.
func TestModels(t *testing.T) {
	mustLoad(t)
	defer mustLoad(t)
	data := tutorialWeights(t)
	res := call(fLoad, uint8Array(data))
	mustNoError(t, "load tutorial.bin", res)
	if id := res.Get("model").Int(); id != 1 {
		t.Fatalf("the second model loaded has id %d", id)
	}
	tutorial, _, err := nn.LoadPredictor(data)
	if err != nil {
		t.Fatal(err)
	}
	shipped := shippedPredictor(t)
	rgba, input, _ := penInputs(t, 20)
	differ := 0
	for i := range rgba {
		var x [784]float32
		for j, v := range input[i] {
			x[j] = float32(v) / 255
		}
		for id, p := range []*nn.Predictor{shipped, tutorial} {
			want := make([]float32, 10)
			digit := p.PredictOne(want, x[:])
			got := call(fClassify, uint8Array(input[i]), id)
			mustNoError(t, "classify", got)
			for j, q := range numbersOf(got.Get("probs")) {
				if q != float64(want[j]) {
					t.Fatalf("digit %d, model %d: p[%d] = %v, the Predictor's %v", i, id, j, q, want[j])
				}
			}
			if got.Get("digit").Int() != digit {
				t.Errorf("digit %d, model %d: %v, the Predictor's %d", i, id, got.Get("digit"), digit)
			}
		}
		p0 := call(fPredict, uint8Array(rgba[i]), ink.PadSide, ink.PadSide)
		pUndef := call(fPredict, uint8Array(rgba[i]), ink.PadSide, ink.PadSide, js.Undefined())
		p1 := call(fPredict, uint8Array(rgba[i]), ink.PadSide, ink.PadSide, 1)
		if js.Global().Get("JSON").Call("stringify", p0).String() != js.Global().Get("JSON").Call("stringify", pUndef).String() {
			t.Errorf("digit %d: model undefined answers otherwise than model left out", i)
		}
		if numbersOf(p0.Get("probs"))[0] != numbersOf(p1.Get("probs"))[0] {
			differ++
		}
	}
	if differ == 0 {
		t.Error("the two models gave the same probabilities for every drawing: model was ignored")
	}
	good := uint8Array(input[0])
	for _, id := range []any{2, -1, 0.5, "1", nil, 1e20} {
		wantError(t, "classify(input, model "+js.ValueOf(id).String()+")", call(fClassify, good, id), "inkling.classify(input, model): model must be an id")
		wantError(t, "predict(…, model)", call(fPredict, uint8Array(rgba[0]), ink.PadSide, ink.PadSide, id), "inkling.predict(rgba, width, height): model must be an id")
	}
	// At most maxModels.
	for len(st.models) < maxModels {
		mustNoError(t, "load", call(fLoad, uint8Array(data)))
	}
	wantError(t, "one load too many", call(fLoad, uint8Array(data)), itoa(maxModels)+" models are loaded already")
}

// TestClassify: classify reads predict's input as predict reads the drawing,
// up to the rounding of the input to bytes.
func TestClassify(t *testing.T) {
	mustLoad(t)
	rgba, input, _ := penInputs(t, 30)
	maxDiff := 0.0
	for i := range rgba {
		p := call(fPredict, uint8Array(rgba[i]), ink.PadSide, ink.PadSide)
		c := call(fClassify, uint8Array(input[i]))
		mustNoError(t, "classify", c)
		if got := bytesOfJS(p.Get("input")); string(got) != string(input[i]) {
			t.Fatalf("digit %d: predict's input differs from the preprocessing's", i)
		}
		pp, cp := numbersOf(p.Get("probs")), numbersOf(c.Get("probs"))
		for j := range pp {
			maxDiff = max(maxDiff, math.Abs(pp[j]-cp[j]))
		}
		if c.Get("digit").Int() != p.Get("digit").Int() && math.Abs(pp[p.Get("digit").Int()]-pp[c.Get("digit").Int()]) > 0.01 {
			t.Errorf("digit %d: classify %v, predict %v", i, c.Get("digit"), p.Get("digit"))
		}
		if c.Get("unsure").Bool() != (cp[c.Get("digit").Int()] < unsureBelow) {
			t.Errorf("digit %d: unsure %v with p %v", i, c.Get("unsure"), cp[c.Get("digit").Int()])
		}
	}
	t.Logf("classify(predict's input) against predict: max |Δp| %.2g over %d drawings", maxDiff, len(rgba))
	if maxDiff > 0.01 {
		t.Errorf("classify and predict differ by up to %v", maxDiff)
	}
}

// TestSteps rebuilds predict's input from the steps: the scaled box placed
// at (left, top), and checks the box against the ink.
func TestSteps(t *testing.T) {
	mustLoad(t)
	rgba, input, _ := penInputs(t, 10)
	const side = ink.PadSide
	for i, pix := range rgba {
		res := call(fSteps, uint8Array(pix), side, side)
		mustNoError(t, "steps", res)
		box := numbersOf(res.Get("box"))
		x0, y0, x1, y1 := int(box[0]), int(box[1]), int(box[2]), int(box[3])
		// The box holds every pixel of ink ≥ Faint, and each edge touches one.
		var edges [4]bool
		for y := range side {
			for x := range side {
				if pix[4*(y*side+x)+3] < ink.Faint {
					continue
				}
				if x < x0 || x >= x1 || y < y0 || y >= y1 {
					t.Fatalf("digit %d: ink at (%d, %d), outside the box %v", i, x, y, box)
				}
				edges[0], edges[1] = edges[0] || x == x0, edges[1] || y == y0
				edges[2], edges[3] = edges[2] || x == x1-1, edges[3] || y == y1-1
			}
		}
		if edges != [4]bool{true, true, true, true} {
			t.Errorf("digit %d: box %v is larger than the ink (%v)", i, box, edges)
		}
		bw, bh, left, top := res.Get("bw").Int(), res.Get("bh").Int(), res.Get("left").Int(), res.Get("top").Int()
		scaled := bytesOfJS(res.Get("scaled"))
		if max(bw, bh) != ink.Box || len(scaled) != bw*bh || left < 0 || top < 0 || left+bw > 28 || top+bh > 28 {
			t.Fatalf("digit %d: a %d×%d box of %d bytes at (%d, %d)", i, bw, bh, len(scaled), left, top)
		}
		if (bw-1)*(y1-y0) > bh*(x1-x0) || (bh-1)*(x1-x0) > bw*(y1-y0) {
			t.Errorf("digit %d: a %d×%d box scaled to %d×%d", i, x1-x0, y1-y0, bw, bh)
		}
		placed := make([]byte, 784)
		for r := range bh {
			copy(placed[(top+r)*28+left:], scaled[r*bw:(r+1)*bw])
		}
		if got := bytesOfJS(res.Get("input")); string(got) != string(input[i]) || string(placed) != string(input[i]) {
			t.Errorf("digit %d: the scaled box placed at (%d, %d) is not predict's input", i, left, top)
		}
	}
	blank := call(fSteps, uint8Array(make([]byte, 4*side*side)), side, side)
	if !blank.Get("noInk").Truthy() {
		t.Errorf("a blank canvas: %v", js.Global().Get("JSON").Call("stringify", blank))
	}
	wantError(t, "steps()", call(fSteps), "inkling.steps(rgba, width, height): rgba must be")
	wantError(t, "steps(3 bytes)", call(fSteps, uint8Array(make([]byte, 3)), 1, 1), "inkling.steps(rgba, width, height): rgba has 3 bytes")
	wantError(t, "steps(-1)", call(fSteps, uint8Array(nil), -1, 0), "width and height must be whole numbers from 0 to "+itoa(ink.MaxSide))
	// Width or height left out: the message is about them, not the pixels.
	wantError(t, "steps(rgba)", call(fSteps, uint8Array(make([]byte, 4))), "inkling.steps(rgba, width, height): width and height must be whole numbers")
	wantError(t, "steps(rgba, 1)", call(fSteps, uint8Array(make([]byte, 4)), 1), "inkling.steps(rgba, width, height): width and height must be whole numbers")
}

// TestInside checks inside against the network as trained (Sequential's
// parameters): the conv2d maps at some points, the pooling, the first dense
// layer, and the probabilities against classify's.
func TestInside(t *testing.T) {
	mustLoad(t)
	m := shippedSequential(t)
	kernel, bias := m.Param("conv2d/kernel").Value, m.Param("conv2d/bias").Value
	w1, b1 := m.Param("dense/kernel").Value, m.Param("dense/bias").Value
	_, input, _ := penInputs(t, 5)
	for i, in := range input {
		res := call(fInside, uint8Array(in))
		mustNoError(t, "inside", res)
		dims := [...]int{res.Get("cout").Int(), res.Get("kh").Int(), res.Get("kw").Int(), res.Get("oh").Int(), res.Get("ow").Int(), res.Get("qh").Int(), res.Get("qw").Int()}
		if dims != [...]int{32, 3, 3, 26, 26, 13, 13} {
			t.Fatalf("dims %v", dims)
		}
		filters, conv, pooled, dense := float32Slice(res.Get("filters")), float32Slice(res.Get("conv")), float32Slice(res.Get("pooled")), float32Slice(res.Get("dense"))
		if len(filters) != 32*9 || len(conv) != 32*26*26 || len(pooled) != 32*13*13 || len(dense) != 100 {
			t.Fatalf("lengths %d %d %d %d", len(filters), len(conv), len(pooled), len(dense))
		}
		for c := range 32 {
			for a := range 9 {
				if filters[c*9+a] != kernel[a*32+c] {
					t.Fatalf("filter %d tap %d: %v, the kernel's %v", c, a, filters[c*9+a], kernel[a*32+c])
				}
			}
		}
		// conv2d at every 7th output, directly from its definition.
		for o := 0; o < len(conv); o += 7 {
			c, r, col := o/676, o/26%26, o%26
			s := float64(bias[c])
			for a := range 3 {
				for b := range 3 {
					s += float64(in[(r+a)*28+col+b]) / 255 * float64(kernel[(a*3+b)*32+c])
				}
			}
			if want := max(s, 0); math.Abs(float64(conv[o])-want) > 1e-5 {
				t.Fatalf("conv2d channel %d at (%d, %d): %v, want %v", c, r, col, conv[o], want)
			}
		}
		// Pooling, then the first dense layer from the pooled maps (in
		// flatten's order: row, column, channel).
		hidden := make([]float64, 100)
		for j := range hidden {
			hidden[j] = float64(b1[j])
		}
		for c := range 32 {
			for r := range 13 {
				for col := range 13 {
					m := float32(0)
					for _, o := range [4]int{0, 1, 26, 27} {
						m = max(m, conv[c*676+2*r*26+2*col+o])
					}
					if got := pooled[c*169+r*13+col]; got != m {
						t.Fatalf("pooled channel %d at (%d, %d): %v, the maximum of its window %v", c, r, col, got, m)
					}
					if m != 0 {
						for j := range hidden {
							hidden[j] += float64(m) * float64(w1[((r*13+col)*32+c)*100+j])
						}
					}
				}
			}
		}
		for j, h := range hidden {
			if want := max(h, 0); math.Abs(float64(dense[j])-want) > 1e-4*max(1, want) {
				t.Fatalf("dense %d: %v, want %v", j, dense[j], want)
			}
		}
		c := call(fClassify, uint8Array(in))
		if js.Global().Get("JSON").Call("stringify", c.Get("probs")).String() != js.Global().Get("JSON").Call("stringify", res.Get("probs")).String() ||
			c.Get("digit").Int() != res.Get("digit").Int() {
			t.Errorf("digit %d: inside's probabilities are not classify's", i)
		}
	}
}

// TestOcclusion checks the map at a few pixels against its definition,
// computed here with the Predictor, and times a call (make test-wasm -v
// shows it).
func TestOcclusion(t *testing.T) {
	mustLoad(t)
	p := shippedPredictor(t)
	_, input, _ := penInputs(t, 6)
	var worst time.Duration
	for i, in := range input {
		start := time.Now()
		res := call(fOcclusion, uint8Array(in))
		worst = max(worst, time.Since(start))
		mustNoError(t, "occlusion", res)
		got := float32Slice(res.Get("map"))
		if len(got) != 784 {
			t.Fatalf("map of %d values", len(got))
		}
		x := make([]float32, 784)
		for j, v := range in {
			x[j] = float32(v) / 255
		}
		probs := make([]float32, 10)
		top := p.PredictOne(probs, x)
		if res.Get("digit").Int() != top {
			t.Errorf("digit %d: %v, classify's %d", i, res.Get("digit"), top)
		}
		p0 := probs[top]
		for _, pix := range []int{0, 14*28 + 14, 10*28 + 5, 20*28 + 17, 783} {
			pr, pc := pix/28, pix%28
			var sum float64
			n := 0
			for cr := pr - 2; cr <= pr+2; cr++ {
				for cc := pc - 2; cc <= pc+2; cc++ {
					if cr < 0 || cr >= 28 || cc < 0 || cc >= 28 {
						continue
					}
					y := append([]float32(nil), x...)
					for a := max(cr-2, 0); a <= min(cr+2, 27); a++ {
						for b := max(cc-2, 0); b <= min(cc+2, 27); b++ {
							y[a*28+b] = 0
						}
					}
					p.PredictOne(probs, y)
					sum += float64(p0 - probs[top])
					n++
				}
			}
			if want := sum / float64(n); math.Abs(float64(got[pix])-want) > 1e-6 {
				t.Errorf("digit %d: map at (%d, %d) is %v, want %v", i, pr, pc, got[pix], want)
			}
		}
	}
	t.Logf("occlusion: the slowest of %d calls took %v under Node", len(input), worst)
}

// TestImageArgs gives classify, inside and occlusion bad arguments.
func TestImageArgs(t *testing.T) {
	mustLoad(t)
	for _, f := range []int{fClassify, fInside, fOcclusion} {
		for i, args := range [][]any{
			{},
			{nil},
			{uint8Array(make([]byte, 783))},
			{uint8Array(make([]byte, 785))},
			{js.Global().Get("Float32Array").New(784)},
			{"784 bytes"},
		} {
			wantError(t, sigs[f]+" case "+itoa(i), call(f, args...), sigs[f]+": input must be a Uint8Array of 784 bytes")
		}
		wantError(t, sigs[f]+" bad model", call(f, uint8Array(make([]byte, 784)), 7), sigs[f]+": model must be an id")
	}
}

// TestTeach teaches the tutorial's weights (model 1) pen digits it reads
// wrong, with their true labels, and checks that it then reads them right,
// that the steps are classify's numbers and the same every time, that the
// shipped model (0) is untouched, and that reset restores the exact
// probabilities; and times teach under Node.
func TestTeach(t *testing.T) {
	mustLoad(t)
	defer mustLoad(t)
	data := tutorialWeights(t)
	mustNoError(t, "load tutorial.bin", call(fLoad, uint8Array(data)))
	_, input, digits := penInputs(t, 300)
	var x, labels []byte
	for i, in := range input {
		if call(fClassify, uint8Array(in), 1).Get("digit").Int() != digits[i] {
			x, labels = append(x, in...), append(labels, byte(digits[i]))
		}
	}
	if len(labels) < 5 {
		t.Fatalf("the tutorial's weights read only %d of %d pen digits wrong", len(labels), len(input))
	}
	json := func(v js.Value) string { return js.Global().Get("JSON").Call("stringify", v).String() }
	before := json(call(fClassify, uint8Array(x[:784]), 1))
	shipped := json(call(fClassify, uint8Array(x[:784])))
	for _, n := range []int{1, 5} {
		start := time.Now()
		res := call(fTeach, uint8Array(x[:n*784]), uint8Array(labels[:n]), 1)
		took := time.Since(start)
		mustNoError(t, "teach", res)
		steps := res.Get("steps")
		if !res.Get("ok").Bool() || steps.Length() < 1 || steps.Length() > nn.TeachSteps {
			t.Fatalf("%d examples: %d steps", n, steps.Length())
		}
		t.Logf("teach: %d examples, %d steps, %v under Node", n, steps.Length(), took)
		last := steps.Index(steps.Length() - 1)
		for e := range n {
			c := call(fClassify, uint8Array(x[e*784:(e+1)*784]), 1)
			if c.Get("digit").Int() != int(labels[e]) {
				t.Errorf("%d examples: example %d (a %d) still reads as %v", n, e, labels[e], c.Get("digit"))
			}
			if e == n-1 && numbersOf(c.Get("probs"))[labels[e]] != last.Get("p").Float() {
				t.Errorf("%d examples: the last step says p = %v, classify %v", n, last.Get("p"), numbersOf(c.Get("probs"))[labels[e]])
			}
		}
		if first := steps.Index(0); steps.Length() > 1 && last.Get("loss").Float() >= first.Get("loss").Float() {
			t.Errorf("%d examples: the loss went from %v to %v", n, first.Get("loss"), last.Get("loss"))
		}
		if again := call(fTeach, uint8Array(x[:n*784]), uint8Array(labels[:n]), 1); json(again) != json(res) {
			t.Errorf("%d examples: taught again, other steps", n)
		}
		if got := json(call(fClassify, uint8Array(x[:784]))); got != shipped {
			t.Errorf("teaching model 1 changed model 0's answer from %s to %s", shipped, got)
		}
	}
	// The most examples teach takes, each read as another digit than
	// the model reads it: every step runs.
	var many, other []byte
	for i := range maxTeach {
		many = append(many, input[i]...)
		other = append(other, byte((call(fClassify, uint8Array(input[i]), 1).Get("digit").Int()+1)%10))
	}
	start := time.Now()
	res := call(fTeach, uint8Array(many), uint8Array(other), 1)
	mustNoError(t, "teach 100", res)
	t.Logf("teach: %d examples, %d steps, %v under Node", maxTeach, res.Get("steps").Length(), time.Since(start))
	mustNoError(t, "reset", call(fReset, 1))
	if after := json(call(fClassify, uint8Array(x[:784]), 1)); after != before {
		t.Errorf("after reset: %s, before teach: %s", after, before)
	}
	good, lab := uint8Array(x[:784]), uint8Array(labels[:1])
	for i, args := range [][]any{
		{},
		{good},
		{good, nil},
		{uint8Array(x[:783]), lab},
		{good, uint8Array(labels[:2])},
		{uint8Array(nil), uint8Array(nil)},
		{good, uint8Array([]byte{10})},
		{uint8Array(make([]byte, 101*784)), uint8Array(make([]byte, 101))},
		{js.Global().Get("Float32Array").New(784), lab},
	} {
		wantError(t, "teach case "+itoa(i), call(fTeach, args...), "inkling.teach(inputs, labels, model): inputs must be a Uint8Array of n×784 bytes", "n from 1 to "+itoa(maxTeach))
	}
	wantError(t, "teach bad model", call(fTeach, good, lab, 3), "inkling.teach(inputs, labels, model): model must be an id")
	wantError(t, "reset bad model", call(fReset, "0"), "inkling.reset(model): model must be an id")
}
