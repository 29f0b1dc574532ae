//go:build js && wasm

package main

import (
	"os"
	"strings"
	"syscall/js"
	"testing"

	"inkling/mnist/ink"
)

// These tests run in Node (make test-wasm): they call the functions the page
// calls, with JavaScript values, as the page does.

func uint8Array(b []byte) js.Value {
	a := js.Global().Get("Uint8Array").New(len(b))
	js.CopyBytesToJS(a, b)
	return a
}

func mustLoad(t *testing.T) {
	t.Helper()
	data, err := os.ReadFile("../weights/model.bin")
	if err != nil {
		t.Fatal(err)
	}
	res := js.ValueOf(guard(load)(js.Undefined(), []js.Value{uint8Array(data)}))
	if e := res.Get("error"); !e.IsUndefined() {
		t.Fatalf("load: %s", e.String())
	}
	if !res.Get("ok").Bool() || res.Get("params").Int() != 542230 {
		t.Fatalf("load: ok %v, params %v", res.Get("ok"), res.Get("params"))
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

func call(f func([]js.Value) any, args ...any) js.Value {
	vs := make([]js.Value, len(args))
	for i, a := range args {
		vs[i] = js.ValueOf(a)
	}
	return js.ValueOf(guard(f)(js.Undefined(), vs))
}

func TestPredictBeforeLoad(t *testing.T) {
	saved := st.model
	st.model = nil
	defer func() { st.model = saved }()
	res := call(predict, uint8Array(make([]byte, 16)), 2, 2)
	if e := res.Get("error"); e.IsUndefined() || !strings.Contains(e.String(), "call inkling.load") {
		t.Errorf("predict before load: %v", e)
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
		res := call(load, tc.arg)
		if e := res.Get("error"); e.IsUndefined() || !strings.Contains(e.String(), tc.want) {
			t.Errorf("%d: load(%v): error %v, want one containing %q", i, tc.arg, e, tc.want)
		}
	}
}

func TestPredict(t *testing.T) {
	mustLoad(t)
	const w, h = 224, 224
	res := call(predict, uint8Array(drawSeven(w, h)), w, h)
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
	blank := call(predict, uint8Array(make([]byte, 4*w*h)), w, h)
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
		res := call(predict, args...)
		e := res.Get("error")
		noInk := res.Get("noInk").Truthy()
		if e.IsUndefined() && !noInk {
			t.Fatalf("call %d (%d arguments): no error: digit %v", i, len(args), res.Get("digit"))
		}
		if !e.IsUndefined() && strings.Contains(e.String(), "internal error") {
			t.Fatalf("call %d: a panic was caught: %s", i, e.String())
		}
	}
	res := call(predict, good, w, h)
	if d := res.Get("digit"); d.IsUndefined() || d.Int() != 7 {
		t.Fatalf("after 1,000 bad calls: %v %v", d, res.Get("error"))
	}
}
