//go:build js && wasm

// Command wasm is inkling's WebAssembly entry point. Built with
// GOOS=js GOARCH=wasm into web/inkling.wasm, it registers one JavaScript
// object, globalThis.inkling, and then waits for calls:
//
//	inkling.version  string
//	inkling.pen      number: the pen width the page draws with, as a fraction
//	                 of the pad's side (ink.PenWidth)
//	inkling.side     number: the side, in pixels, of the canvas whose pixels
//	                 the page hands to predict (ink.PadSide)
//	inkling.load(bytes: Uint8Array)
//	    → {ok: true, params: number, meta: {key: value, …}} | {error: string}
//	    Builds the network from the bytes of weights/model.bin, once.
//	inkling.predict(rgba: Uint8ClampedArray | Uint8Array, width: number, height: number)
//	    → {digit: 0..9, probs: number[10], unsure: boolean, input: Uint8Array(784)}
//	    | {digit: -1, noInk: true}
//	    | {error: string}
//	    rgba is a canvas's ImageData.data, strokes drawn on a transparent
//	    background: the alpha channel is the ink. input is the 28×28 image
//	    the network saw (0..255, white ink on black, row by row).
//
// All the numbers happen in Go, in the same packages the trainer uses:
// inkling/mnist/ink turns the pixels into MNIST form, and inkling/nn's
// Predictor runs the network (only where the drawing has ink; the training
// code stays out of the build). Go does not touch the page. A panic would stop the Go instance for
// good, so every function recovers and answers {error} instead; bad arguments
// are answered the same way.
package main

import (
	"syscall/js"

	"inkling/mnist/ink"
	"inkling/nn"
)

const version = "1"

// unsureBelow is the probability under which the top digit is reported as
// unsure: the page then shows it as a guess, not an answer.
const unsureBelow = 0.5

// The network's input: 28×28 grey images, ten classes.
var inputShape = nn.Shape{ink.Size, ink.Size, 1}

const classes = 10

// JavaScript's constructors and functions, looked up once.
var (
	jsObject     = js.Global().Get("Object")
	jsArray      = js.Global().Get("Array")
	jsUint8Array = js.Global().Get("Uint8Array")
	jsUint8Clamp = js.Global().Get("Uint8ClampedArray")
	jsIsView     = js.Global().Get("ArrayBuffer").Get("isView")
	// The getters every typed array inherits: they read the array's own
	// internal slots, whatever getters a caller put on the object itself.
	jsLength     = typedArrayGetter("length")
	jsBuffer     = typedArrayGetter("buffer")
	jsByteOffset = typedArrayGetter("byteOffset")
)

func typedArrayGetter(name string) js.Value {
	proto := jsObject.Call("getPrototypeOf", jsUint8Array.Get("prototype"))
	return jsObject.Call("getOwnPropertyDescriptor", proto, name).Get("get")
}

// maxKeep is the largest pixel buffer predict keeps for the next call; a
// larger canvas gets a buffer of its own, freed after the call.
const maxKeep = 4 * 512 * 512

// state is everything load and predict share, reused from call to call.
type state struct {
	model  *nn.Predictor
	pre    ink.Preprocessor
	pixels []byte
	input  [ink.Size * ink.Size]float32
	probs  []float32
	view   [ink.Size * ink.Size]byte
}

var st state

func main() {
	api := jsObject.New()
	api.Set("version", version)
	api.Set("pen", ink.PenWidth)
	api.Set("side", ink.PadSide)
	api.Set("load", js.FuncOf(guard(load)))
	api.Set("predict", js.FuncOf(guard(predict)))
	js.Global().Set("inkling", api)
	select {} // serve calls until the page goes away
}

// guard wraps an exported function so that a panic becomes {error} and the
// Go instance lives on. (Not inlined: one copy of the wrapper in the build.)
//
//go:noinline
func guard(f func(args []js.Value) any) func(js.Value, []js.Value) any {
	return func(_ js.Value, args []js.Value) (result any) {
		defer func() {
			if r := recover(); r != nil {
				msg := "unknown"
				switch r := r.(type) {
				case error:
					msg = r.Error()
				case string:
					msg = r
				}
				result = failure("internal error (" + msg + "); please report it")
			}
		}()
		return f(args)
	}
}

// object makes a JavaScript object from key, value pairs. (js.ValueOf of a Go
// map would do too, but would add Go's map code to the WebAssembly build.)
func object(kv ...any) js.Value {
	o := jsObject.New()
	for i := 0; i+1 < len(kv); i += 2 {
		o.Set(kv[i].(string), kv[i+1])
	}
	return o
}

func failure(msg string) any { return object("error", msg) }

// load builds the network from a model file's bytes.
func load(args []js.Value) any {
	src, n, ok := bytesArg(args, 0)
	if !ok {
		return failure("inkling.load(bytes): bytes must be a Uint8Array holding weights/model.bin")
	}
	data := make([]byte, n)
	js.CopyBytesToGo(data, src)
	m, meta, err := nn.LoadPredictor(data)
	if err != nil {
		return failure(err.Error())
	}
	if err := nn.CheckIO(m.Config(), inputShape, classes); err != nil {
		return failure(err.Error() + "; this page needs the weights/model.bin made for it")
	}
	st.model = m
	st.probs = make([]float32, classes)
	kv := object()
	for _, e := range meta {
		kv.Set(e[0], e[1])
	}
	return object("ok", true, "params", m.ParamCount(), "meta", kv)
}

// predict reads the digit drawn on a canvas.
func predict(args []js.Value) any {
	if st.model == nil {
		return failure("no model loaded yet: call inkling.load(bytes) first")
	}
	src, n, ok := bytesArg(args, 0)
	if !ok || len(args) < 3 {
		return failure("inkling.predict(rgba, width, height): rgba must be a Uint8ClampedArray or Uint8Array (canvas ImageData.data)")
	}
	w, okw := intArg(args[1])
	h, okh := intArg(args[2])
	if !okw || !okh || w > ink.MaxSide || h > ink.MaxSide {
		return failure("inkling.predict(rgba, width, height): width and height must be whole numbers from 0 to " + itoa(ink.MaxSide))
	}
	if n != 4*w*h {
		return failure("inkling.predict(rgba, width, height): rgba has " + itoa(n) + " bytes, but a " +
			itoa(w) + "×" + itoa(h) + " canvas has " + itoa(4*w*h) + " (4 a pixel)")
	}
	var pix []byte
	if n <= maxKeep {
		if cap(st.pixels) < n {
			st.pixels = make([]byte, n)
		}
		pix = st.pixels[:n]
	} else {
		pix = make([]byte, n)
	}
	js.CopyBytesToGo(pix, src)
	if err := st.pre.FromRGBA(st.input[:], pix, w, h); err == ink.ErrNoInk {
		return object("digit", -1, "noInk", true)
	} else if err != nil {
		return failure(err.Error())
	}
	digit := st.model.PredictOne(st.probs, st.input[:])
	// Array.of(p0, …, p9): one call into JavaScript instead of eleven.
	var ps [classes]any
	for i, p := range st.probs {
		ps[i] = float64(p)
	}
	probs := jsArray.Call("of", ps[:]...)
	for i, v := range st.input {
		st.view[i] = byte(v*255 + 0.5)
	}
	view := jsUint8Array.New(len(st.view))
	js.CopyBytesToJS(view, st.view[:])
	return object("digit", digit, "probs", probs, "unsure", st.probs[digit] < unsureBelow, "input", view)
}

// bytesArg returns a plain Uint8Array over the bytes of args[i], and their
// number, if args[i] is a Uint8Array or Uint8ClampedArray. It inspects the
// value only through calls that turn a JavaScript exception into a Go panic,
// which it recovers, and copies through a view of its own making: a Proxy, a
// subclass or an object with throwing getters is refused, or read, like any
// other argument, and never throws through the page.
func bytesArg(args []js.Value, i int) (view js.Value, n int, ok bool) {
	if len(args) <= i || args[i].Type() != js.TypeObject {
		return js.Undefined(), 0, false
	}
	defer func() {
		if recover() != nil {
			view, n, ok = js.Undefined(), 0, false
		}
	}()
	v := args[i]
	// isView is true only for a real typed array or DataView (not a Proxy),
	// whose prototype chain instanceof can then walk without running any of
	// the caller's code.
	if !jsIsView.Invoke(v).Bool() || !(v.InstanceOf(jsUint8Array) || v.InstanceOf(jsUint8Clamp)) {
		return js.Undefined(), 0, false
	}
	n = jsLength.Call("call", v).Int()
	view = jsUint8Array.New(jsBuffer.Call("call", v), jsByteOffset.Call("call", v), n)
	return view, n, true
}

// itoa formats a small non-negative number (strconv would do, at a cost in
// the build's size for nothing).
func itoa(n int) string {
	if n < 0 {
		return "-" + itoa(-n)
	}
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(b[i:])
		}
	}
}

// intArg returns v as an int if it is a whole number in a sane range.
func intArg(v js.Value) (int, bool) {
	if v.Type() != js.TypeNumber {
		return 0, false
	}
	f := v.Float()
	if f != f || f < 0 || f > 1<<30 || f != float64(int(f)) {
		return 0, false
	}
	return int(f), true
}
