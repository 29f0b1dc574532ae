//go:build js && wasm

// Command wasm is inkling's WebAssembly entry point. Built with
// GOOS=js GOARCH=wasm into web/inkling.wasm, it registers one JavaScript
// object, globalThis.inkling, and then waits for calls. This is API version 2:
//
//	inkling.version  string: "2"
//	inkling.pen      number: the pen width the page draws with, as a fraction
//	                 of the pad's side (ink.PenWidth)
//	inkling.side     number: the side, in pixels, of the canvas whose pixels
//	                 the page hands to predict (ink.PadSide)
//
//	inkling.load(bytes: Uint8Array)
//	    → {ok: true, model: id, params: number, meta: {key: value, …}, simd: boolean}
//	    | {error}
//	    Builds a network from the bytes of a model file (weights/model.bin,
//	    weights/tutorial.bin) and adds it: ids are 0, 1, 2, … in load order,
//	    at most 8 models. Every `model` argument below is such an id, optional,
//	    0 when left out or undefined. simd: the model runs in WebAssembly SIMD
//	    (nn/simd.wat), which needs the imports web/engine.js gives.
//	inkling.predict(rgba: Uint8ClampedArray | Uint8Array, width, height, model?)
//	    → {digit: 0..9, probs: number[10], unsure: boolean, input: Uint8Array(784)}
//	    | {digit: -1, noInk: true} | {error}
//	    rgba is a canvas's ImageData.data, strokes drawn on a transparent
//	    background: the alpha channel is the ink. input is the 28×28 image
//	    the network saw (0..255, white ink on black, row by row).
//	inkling.classify(input: Uint8Array(784), model?)
//	    → {digit, probs: number[10], unsure} | {error}
//	    input: a 28×28 image in MNIST form, 0..255, white ink on black, row
//	    by row (predict's input, or an MNIST test digit); the network reads
//	    pixel/255. (So predict's answer and classify's of predict's input
//	    differ by the rounding of input to bytes: well under 1e-2.)
//	inkling.steps(rgba, width, height)
//	    → {box: [x0, y0, x1, y1], scaled: Uint8Array(bw*bh), bw, bh, left, top,
//	       input: Uint8Array(784)} | {digit: -1, noInk: true} | {error}
//	    The preprocessing of predict, step by step: the ink's bounding box in
//	    canvas pixels (half-open); the box scaled to fit 20×20 (bw×bh, the
//	    longer side 20), after the contrast stretch; where its top-left
//	    corner went in the 28×28 image after the centre-of-mass shift; the
//	    28×28 image (predict's input).
//	inkling.inside(input: Uint8Array(784), model?)
//	    → {filters: Float32Array(cout*kh*kw), conv: Float32Array(cout*oh*ow),
//	       pooled: Float32Array(cout*qh*qw), dense: Float32Array(units),
//	       probs: number[10], digit, cout, kh, kw, oh, ow, qh, qw} | {error}
//	    What the network computes for input: the conv2d filters, one kh×kw
//	    kernel per channel; the conv2d output after ReLU, channel-major
//	    (channel c's oh×ow map is conv[c*oh*ow …]); the max-pooled maps,
//	    channel-major; the first dense layer's output after ReLU; classify's
//	    probabilities. (oh×ow: the conv2d outputs the pooling reads, 26×26.)
//	inkling.occlusion(input: Uint8Array(784), model?)
//	    → {digit, map: Float32Array(784)} | {error}
//	    map[i]: how much hiding the 5×5 square centred on each pixel near i
//	    lowers the top digit's probability, averaged over the squares that
//	    cover pixel i (negative: hiding raises it). One prediction per square
//	    with ink: about 330 for a drawn digit (the mean of 50 pen digits),
//	    some 0.1 s under Node (TestOcclusion logs it).
//
//	inkling.teach(inputs: Uint8Array(n*784), labels: Uint8Array(n), model?)
//	    → {ok: true, steps: [{loss, p}, …]} | {error}
//	    Gives the model's last dense layer back its loaded weights, then
//	    fine-tunes it on the n examples (1 ≤ n ≤ 100; 28×28 images in MNIST
//	    form, one after the other, labels 0..9) with Adam on their mean
//	    cross-entropy, at most 50 steps, stopping once every example reads
//	    right with p > 0.8 (no step if they already do). steps[k]: after step
//	    k+1, the mean loss and the probability of the last example's label
//	    (what classify then gives).
//	    The same examples give the same weights.
//	inkling.reset(model?) → {ok: true}
//	    The model's loaded weights again.
//
// All the numbers happen in Go, in the same packages the trainer uses:
// inkling/mnist/ink turns the pixels into MNIST form, and inkling/nn's
// Predictor runs the network (only where the drawing has ink; the training
// code stays out of the build). Go does not touch the page. A panic would
// stop the Go instance for good, so every function recovers and answers
// {error} instead; bad arguments are answered the same way, with a message
// that names the function, the argument and what to do.
//
// Built as `make wasm` builds it (the wasmsimd tag), the program imports two
// functions besides wasm_exec.js's, inkling.kernel and inkling.run, through
// which Go runs its WebAssembly SIMD kernels (internal/simd); web/engine.js
// gives them, and whoever instantiates web/inkling.wasm must too (see
// simdImports there). It also exports three functions that web/engine.js
// uses for predict (fast.go). A build without the tag needs only
// wasm_exec.js.
package main

import (
	"syscall/js"
	"unsafe"

	"inkling/mnist/ink"
	"inkling/nn"
)

const version = "2"

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
	jsFloat32    = js.Global().Get("Float32Array")
	jsIsView     = js.Global().Get("ArrayBuffer").Get("isView")
	// The getters every typed array inherits: they read the array's own
	// internal slots, whatever getters a caller put on the object itself.
	jsLength     = typedArrayGetter("length")
	jsBuffer     = typedArrayGetter("buffer")
	jsByteOffset = typedArrayGetter("byteOffset")
	jsKind       = typedArrayGetter(js.Global().Get("Symbol").Get("toStringTag")) // "Uint8Array", …; undefined for a DataView
)

func typedArrayGetter(name any) js.Value {
	proto := jsObject.Call("getPrototypeOf", jsUint8Array.Get("prototype"))
	return jsObject.Call("getOwnPropertyDescriptor", proto, name).Get("get")
}

// maxKeep is the largest pixel buffer predict keeps for the next call; a
// larger canvas gets a buffer of its own, freed after the call.
const maxKeep = 4 * 512 * 512

// maxModels bounds how many models a page may load: each holds about 2 MB.
const maxModels = 8

// state is everything the functions share, reused from call to call.
type state struct {
	models []*nn.Predictor // by id, in load order
	pre    ink.Preprocessor
	pixels []byte
	input  [ink.Size * ink.Size]float32
	probs  [classes]float32
	view   [ink.Size * ink.Size]byte
	inside nn.Inside
	occl   [ink.Size * ink.Size]float32
	teachX []float32 // teach's examples…
	teachB []byte    // …as given, then their labels
}

var st state

// The functions inkling holds, in the order of impl and sigs. Each is
// given its index, for its errors.
const (
	fLoad = iota
	fPredict
	fClassify
	fSteps
	fInside
	fOcclusion
	fTeach
	fReset
)

// impl are the functions the page gets (teach and reset are in teach.go).
var impl = [...]func(args []js.Value, f int) any{load, predict, image, steps, image, image, teach, teach}

// names are the functions' names in inkling.
var names = [...]string{"load", "predict", "classify", "steps", "inside", "occlusion", "teach", "reset"}

// sigs are the functions as the errors name them.
var sigs = [...]string{
	"inkling.load(bytes)",
	"inkling.predict(rgba, width, height)",
	"inkling.classify(input, model)",
	"inkling.steps(rgba, width, height)",
	"inkling.inside(input, model)",
	"inkling.occlusion(input, model)",
	"inkling.teach(inputs, labels, model)",
	"inkling.reset(model)",
}

func main() {
	api := jsObject.New()
	api.Set("version", version)
	api.Set("pen", ink.PenWidth)
	api.Set("side", ink.PadSide)
	for i, f := range impl {
		api.Set(names[i], js.FuncOf(guard(f, i)))
	}
	js.Global().Set("inkling", api)
	select {} // serve calls until the page goes away
}

// guard wraps an exported function so that a panic becomes {error} and the
// Go instance lives on. (Not inlined: one copy of the wrapper in the build.)
//
//go:noinline
func guard(f func(args []js.Value, f int) any, i int) func(js.Value, []js.Value) any {
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
		return f(args, i)
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

// failure answers an error. (Not inlined, as fail: an error costs each
// caller a call, not the code that builds it.)
//
//go:noinline
func failure(msg string) any { return object("error", msg) }

// fail answers an error of function f.
//
//go:noinline
func fail(f int, msg string) any { return failure(sigs[f] + ": " + msg) }

// load builds a network from a model file's bytes and adds it to the
// models, under the next id.
func load(args []js.Value, _ int) any {
	src, n, ok := bytesArg(args, 0)
	if !ok {
		return fail(fLoad, "bytes must be a Uint8Array holding weights/model.bin")
	}
	if len(st.models) == maxModels {
		return fail(fLoad, "8 models are loaded already, as many as a page may hold: load each file once and keep its id")
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
	st.models = append(st.models, m)
	kv := object()
	for _, e := range meta {
		kv.Set(e[0], e[1])
	}
	return object("ok", true, "model", len(st.models)-1, "params", m.ParamCount(), "meta", kv, "simd", m.SIMD())
}

// modelArg returns the model args[i] names by the id load returned; model 0
// when args[i] is missing or undefined. Otherwise it returns the error of
// function f to answer.
func modelArg(args []js.Value, i, f int) (*nn.Predictor, any) {
	if len(st.models) == 0 {
		return nil, failure("no model loaded yet: call inkling.load(bytes) first")
	}
	id := 0
	if i < len(args) && !args[i].IsUndefined() {
		var ok bool
		if id, ok = intArg(args[i]); !ok || id >= len(st.models) {
			return nil, fail(f, "model must be an id inkling.load returned (0 for the first model loaded, 1 for the next, …), or left out for 0")
		}
	}
	return st.models[id], nil
}

// predict reads the digit drawn on a canvas.
func predict(args []js.Value, _ int) any {
	m, no := modelArg(args, 3, fPredict)
	if no == nil {
		no = readInk(args, fPredict)
	}
	if no != nil {
		return no
	}
	res := answer(m)
	res.Set("input", bytesOf(st.input[:]))
	return res
}

// steps shows the preprocessing of a drawing, step by step.
func steps(args []js.Value, _ int) any {
	if no := readInk(args, fSteps); no != nil {
		return no
	}
	info := st.pre.Info()
	box := jsArray.Call("of", info.X0, info.Y0, info.X1, info.Y1)
	return object("box", box, "scaled", bytesOf(st.pre.Scaled()), "bw", info.W, "bh", info.H,
		"left", info.Left, "top", info.Top, "input", bytesOf(st.input[:]))
}

// image answers the functions that take a 28×28 image, (input, model?):
// classify, inside and occlusion.
func image(args []js.Value, f int) any {
	m, no := modelArg(args, 1, f)
	if no != nil {
		return no
	}
	src, n, ok := bytesArg(args, 0)
	if !ok || n != len(st.view) {
		return fail(f, "input must be a Uint8Array of 784 bytes: a 28×28 image in MNIST form (0..255, white ink on black, row by row)")
	}
	js.CopyBytesToGo(st.view[:], src)
	floats(st.input[:], st.view[:])
	switch f {
	case fInside:
		in := &st.inside
		m.Inside(in, st.input[:])
		return object("filters", float32s(in.Filters), "conv", float32s(in.Conv), "oh", in.OH, "ow", in.OW,
			"pooled", float32s(in.Pooled), "qh", in.QH, "qw", in.QW, "dense", float32s(in.Dense),
			"probs", numbers(in.Probs), "digit", in.Digit, "cout", in.Cout, "kh", in.KH, "kw", in.KW)
	case fOcclusion:
		digit := m.Occlusion(st.occl[:], st.input[:])
		return object("digit", digit, "map", float32s(st.occl[:]))
	}
	return answer(m)
}

// readInk reads the canvas pixels args[0:3] (rgba, width, height) through
// the preprocessing into st.input. It returns the answer to give instead, if
// any: an error of function f, or {digit: -1, noInk: true}.
func readInk(args []js.Value, f int) any {
	src, n, ok := bytesArg(args, 0)
	if !ok {
		return fail(f, "rgba must be a Uint8ClampedArray or Uint8Array (canvas ImageData.data)")
	}
	var w, h int
	okw, okh := false, false
	if len(args) >= 3 {
		w, okw = intArg(args[1])
		h, okh = intArg(args[2])
	}
	if !okw || !okh || w > ink.MaxSide || h > ink.MaxSide {
		return fail(f, "width and height must be whole numbers from 0 to 8192")
	}
	if n != 4*w*h {
		return fail(f, "rgba has "+itoa(n)+" bytes, but a "+itoa(w)+"×"+itoa(h)+" canvas has "+itoa(4*w*h)+" (4 a pixel)")
	}
	pix := pixelBuffer(n)
	js.CopyBytesToGo(pix, src)
	if err := st.pre.FromRGBA(st.input[:], pix, w, h); err == ink.ErrNoInk {
		return object("digit", -1, "noInk", true)
	} else if err != nil {
		return failure(err.Error())
	}
	return nil
}

// pixelBuffer returns room for n bytes of pixels: st.pixels, grown, for a
// canvas of at most maxKeep bytes; a buffer of its own, freed after the call,
// for a larger one.
func pixelBuffer(n int) []byte {
	if n > maxKeep {
		return make([]byte, n)
	}
	if cap(st.pixels) < n {
		st.pixels = make([]byte, n)
	}
	return st.pixels[:n]
}

// floats writes the bytes b (0..255) into x as the network takes them, 0..1.
func floats(x []float32, b []byte) {
	for i, v := range b {
		x[i] = float32(v) / 255
	}
}

// answer runs model m on st.input: {digit, probs, unsure}.
func answer(m *nn.Predictor) js.Value {
	digit := m.PredictOne(st.probs[:], st.input[:])
	return object("digit", digit, "probs", numbers(st.probs[:]), "unsure", unsure(st.probs[:], digit))
}

// unsure tells whether the top digit d of the probabilities p is a guess.
func unsure(p []float32, d int) bool { return p[d] < unsureBelow }

// numbers returns a new Array of the classes numbers v.
func numbers(v []float32) js.Value {
	// Array.of(p0, …, p9): one call into JavaScript instead of eleven.
	var ps [classes]any
	for i, p := range v[:classes] {
		ps[i] = float64(p)
	}
	return jsArray.Call("of", ps[:]...)
}

// float32s returns a new Float32Array of the values v.
func float32s(v []float32) js.Value {
	a := jsFloat32.New(len(v))
	js.CopyBytesToJS(jsUint8Array.New(a.Get("buffer")), unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(v))), 4*len(v)))
	return a
}

// bytesOf returns a new Uint8Array of the values v (0..1, at most 784) as
// bytes, 0..255.
func bytesOf(v []float32) js.Value {
	b := st.view[:len(v)]
	toBytes(b, v)
	a := jsUint8Array.New(len(b))
	js.CopyBytesToJS(a, b)
	return a
}

// toBytes writes the values v (0..1) into b as bytes, 0..255.
func toBytes(b []byte, v []float32) {
	for i, x := range v[:len(b)] {
		b[i] = byte(x*255 + 0.5)
	}
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
	// whose kind the typed arrays' own getter then reads from the object
	// itself: no prototype chain is walked, so none of the caller's code
	// runs. (A JavaScript exception inside a syscall/js call would unwind
	// through Go's stack, not become a panic.)
	if !jsIsView.Invoke(v).Bool() {
		return js.Undefined(), 0, false
	}
	if kind := jsKind.Call("call", v); kind.Type() != js.TypeString || kind.String() != "Uint8Array" && kind.String() != "Uint8ClampedArray" {
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
