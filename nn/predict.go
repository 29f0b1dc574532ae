package nn

import (
	"errors"
	"strconv"
	"unsafe"

	"inkling/internal/simd"
)

// A Predictor runs a trained network of the Keras tutorial's family,
//
//	conv2d(relu) → max_pooling2d → flatten → dense(relu) → dense(softmax)
//
// of any sizes, on one example at a time. It is inference only, made for the
// page, which reads the drawing on every stroke: it gives the probabilities
// Sequential.PredictOne gives (up to float32 rounding, see below) with a
// fraction of the work, and without the training code, which keeps the
// WebAssembly build small.
//
// # The sparse path
//
// A drawing in MNIST form is mostly background, zeros, and a conv2d output
// whose input patch is all zero is just its bias. So a pooled cell whose
// window sees no ink holds blank = relu(bias) in every channel, and the first
// dense layer's pre-activation for an all-zero input,
//
//	base = bias₁ + Σ_{cell, channel} blank[channel] · kernel₁[cell, channel, :]
//
// is computed once, when the Predictor is made. A prediction works only where
// the ink is:
//
//  1. conv2d: each non-zero input value adds its products to the outputs
//     whose patch holds it; the other outputs are never computed. Each
//     output sums its products in the kernel's order, as Sequential does.
//  2. max_pooling2d, bias and ReLU over the windows that hold such an output;
//     in each such cell, each channel whose value v differs from blank adds
//     (v − blank)·kernel₁[cell, channel, :] to base.
//  3. ReLU, the last dense layer and softmax, as Sequential computes them.
//
// On a digit drawn on the page, about 70 of the tutorial's 169 pooled cells
// see ink, and about 1,300 of the 5,408 dense rows take part.
//
// # In the browser
//
// Go compiled to WebAssembly computes one float at a time. In a browser, for
// the tutorial's shapes, steps 1 and 2 run instead in a small WebAssembly
// SIMD module, internal/simd/simd.wat, four floats at a time (see SIMD):
// the same steps on the same buffers, 3.5–4.7× faster under Node
// (BENCHMARKS.md). Only a build with the wasmsimd tag has it (`make wasm`).
//
// # Rounding
//
// The dense sums of step 2 run in float64 (base included), the rest in
// float32 as Sequential's. On the 1,000 first MNIST test images the
// probabilities then lie within 1e-6 of an exact (float64) evaluation of the
// network, closer than Sequential's own, whose float32 sum over 5,408 rows
// strays by up to about 3e-6: the two differ by no more than that. The SIMD
// module sums step 2 in float32, four rows at a time; its conv2d sums are
// the Go path's, bit for bit. Its probabilities lie within 1.5e-6 of the
// exact ones on the same images (TestPredictorMNIST under Node).
//
// Inputs must be finite; NaN or infinite inputs give unspecified outputs. A
// Predictor keeps scratch buffers, so it allocates nothing per call and is not
// safe for concurrent use (use one per goroutine).
type Predictor struct {
	cfg     Config // resolved: layer names filled in
	nparams int

	h, w, cin      int // input (H, W, Cin)
	kh, kw, cout   int // conv2d kernel (KH, KW, Cin, Cout)
	oh, ow         int // the conv2d outputs the pooling reads: (QH·PH, QW·PW)
	ph, pw         int // pool
	qh, qw         int // pooled (QH, QW, Cout)
	units, classes int

	krev  []float32 // (KH, Cin, KW, Cout) the conv2d kernel, each row of taps reversed
	bias  []float32 // (Cout)
	blank []float32 // (Cout) relu(bias): a pooled value whose window sees no ink
	w1    []float32 // (QH·QW·Cout, Units) the first dense kernel, rows in flatten order
	base  []float64 // (Units) the first dense pre-activation of an all-zero input
	w2    []float32 // (Units, Classes)
	b2    []float32 // (Classes)
	last  []float32 // w2 then b2, in one slice (for Teach)

	// Scratch. acc is all zero between calls, inked all false.
	acc     []float32 // (OH·OW, Cout) conv2d sums, before bias, of the outputs with ink in their patch
	accBits []int32   // acc's bits (see pool)
	window  []int32   // (OH·OW) the pooling window of each output
	inked   []bool    // (QH·QW) the windows that hold an output with ink
	pooled  []float32 // (Cout) one pooled cell
	keys    []int32   // pooled's bits (see pool)
	dv      []float64 // pooled value − blank, for the cells and channels where they differ…
	drow    []int32   // …and the row of w1 each multiplies
	hidden  []float64 // (Units) the first dense pre-activation
	act     []float32 // (Units) the first dense output: hidden after ReLU, then (past its length) a 1
	logits  []float32 // (Classes)
	probs   []float32 // (Classes)
	hide    []float32 // (H, W, C) Occlusion's copy of the input

	// Teach's, made on its first call: the last dense layer as made, an Adam
	// over it, the gradient of one example's logits.
	made   []float32
	adam   *Adam
	dlogit []float32
	taught []float32 // (N, Units+1) the examples' first dense outputs, each with a 1 after it

	simd *simdNet // the network in WebAssembly SIMD, when the browser runs it (simd_js.go); nil elsewhere
}

// predictorFamily is the architecture a Predictor runs, for error messages.
const predictorFamily = "conv2d(relu) → max_pooling2d → flatten → dense(relu) → dense(softmax)"

// NewPredictor makes a Predictor from an architecture and its parameters, in
// the order of cfg.Resolve with Value set (as DecodeModel returns them); the
// values are copied. It returns an error for an architecture outside the
// family a Predictor runs, and for parameters that do not match cfg or are
// not finite.
func NewPredictor(cfg Config, params []*Param) (*Predictor, error) {
	infos, err := cfg.Resolve()
	if err != nil {
		return nil, err
	}
	if err := checkFamily(infos); err != nil {
		return nil, err
	}
	var vals [][]float32
	for _, li := range infos {
		for _, want := range li.Params {
			k := len(vals)
			if k >= len(params) || !params[k].matches(want) {
				return nil, predictorError("parameter ", itoa(k), " is not ", want.Name, " ", Shape(want.Shape).String())
			}
			if nonFinite(params[k].Value) >= 0 {
				return nil, predictorError(want.Name, " holds NaN or infinity")
			}
			vals = append(vals, append([]float32(nil), params[k].Value...))
		}
	}
	if len(params) != len(vals) {
		return nil, predictorError(itoa(len(params)), " parameters given, the architecture has ", itoa(len(vals)))
	}
	named := Config{Input: append(Shape(nil), cfg.Input...), Layers: append([]LayerConfig(nil), cfg.Layers...)}
	for i := range named.Layers {
		named.Layers[i].Name = infos[i].Name
	}
	return newPredictor(named, infos, vals)
}

// LoadPredictor makes a Predictor from the bytes of a model file (see
// DecodeModel) and returns it with the file's metadata. A file of another
// architecture is refused with a *ModelError that says what a Predictor runs.
func LoadPredictor(data []byte) (*Predictor, [][2]string, error) {
	cfg, params, meta, err := DecodeModel(data)
	if err != nil {
		return nil, nil, err
	}
	infos, _ := cfg.Resolve() // DecodeModel has checked cfg, and the parameters against it
	vals := make([][]float32, len(params))
	for k, p := range params {
		vals[k] = p.Value
	}
	p, err := newPredictor(cfg, infos, vals)
	if err != nil {
		return nil, nil, &ModelError{-1, err.Error()}
	}
	return p, meta, nil
}

// checkFamily returns an error unless infos is of the family a Predictor
// runs.
func checkFamily(infos []LayerInfo) error {
	arch := ""
	for i, li := range infos {
		if i > 0 {
			arch += " → "
		}
		arch += li.Type
		if li.Activation != ActLinear {
			arch += "(" + li.Activation + ")"
		}
	}
	if arch != predictorFamily {
		return predictorError("a Predictor runs ", predictorFamily, ", not ", arch)
	}
	return nil
}

// newPredictor makes a Predictor of the architecture cfg, every layer named,
// resolved as infos, with the parameters' values (checked against it). It
// keeps cfg and the values.
func newPredictor(cfg Config, infos []LayerInfo, vals [][]float32) (*Predictor, error) {
	if err := checkFamily(infos); err != nil {
		return nil, err
	}
	in, v := (*[5]LayerInfo)(infos), (*[6][]float32)(vals) // one bounds check each
	conv, pool := &in[0], &in[1]
	p := &Predictor{
		h: conv.In[0], w: conv.In[1], cin: conv.In[2],
		kh: conv.Kernel[0], kw: conv.Kernel[1], cout: conv.Filters,
		ph: pool.Pool[0], pw: pool.Pool[1], qh: pool.Out[0], qw: pool.Out[1],
		units: in[3].Units, classes: in[4].Units,
		bias: v[1], w1: v[2], cfg: cfg,
	}
	p.last = make([]float32, len(v[4])+len(v[5]))
	copy(p.last[copy(p.last, v[4]):], v[5])
	p.w2, p.b2 = p.last[:len(v[4])], p.last[len(v[4]):]
	for _, v := range vals {
		p.nparams += len(v)
	}
	p.oh, p.ow = p.qh*p.ph, p.qw*p.pw
	cout, cells, u, outs := p.cout, p.qh*p.qw, p.units, p.oh*p.ow

	// The kernel with each row of taps reversed (see convolve).
	p.krev = make([]float32, len(v[0]))
	for a := range p.kh {
		for b := range p.kw {
			for c := range p.cin {
				copy(p.krev[((a*p.cin+c)*p.kw+p.kw-1-b)*cout:][:cout], v[0][((a*p.kw+b)*p.cin+c)*cout:])
			}
		}
	}

	// Scratch, in a few allocations.
	f := make([]float32, (2+outs)*cout+2*p.classes+u+1)
	p.blank, p.pooled, p.acc = f[:cout], f[cout:2*cout], f[2*cout:(2+outs)*cout]
	p.logits, p.probs, p.act = f[(2+outs)*cout:][:p.classes], f[(2+outs)*cout+p.classes:][:p.classes], f[(2+outs)*cout+2*p.classes:][:u]
	f[len(f)-1] = 1 // after act: the input of the last dense layer's bias (for Teach)
	p.accBits = unsafe.Slice((*int32)(unsafe.Pointer(unsafe.SliceData(p.acc))), len(p.acc))
	p.keys = unsafe.Slice((*int32)(unsafe.Pointer(unsafe.SliceData(p.pooled))), len(p.pooled))
	n := make([]int32, outs+cells*cout)
	p.window, p.drow = n[:outs], n[outs:outs]
	p.inked = make([]bool, cells)
	d := make([]float64, 2*u+cells*cout)
	p.base, p.hidden, p.dv = d[:u], d[u:2*u], d[2*u:2*u]

	for c, b := range p.bias {
		if b > 0 {
			p.blank[c] = b
		}
	}
	for o := range p.window {
		p.window[o] = int32(o/p.ow/p.ph*p.qw + o%p.ow/p.pw)
	}
	for j, b := range v[3] {
		p.base[j] = float64(b)
	}
	for r := range cells * cout {
		if v := float64(p.blank[r%cout]); v != 0 {
			for j, w := range p.w1[r*u : (r+1)*u] {
				p.base[j] += v * float64(w)
			}
		}
	}
	p.simd = newSIMD(p)
	return p, nil
}

// predictorError builds NewPredictor's errors from the parts of the message.
//
//go:noinline
func predictorError(parts ...string) error {
	msg := "nn: NewPredictor: "
	for _, s := range parts {
		msg += s
	}
	return errors.New(msg)
}

// Config returns the architecture, with every layer's name filled in.
func (p *Predictor) Config() Config {
	return Config{Input: append(Shape(nil), p.cfg.Input...), Layers: append([]LayerConfig(nil), p.cfg.Layers...)}
}

// Classes is the size of one output: the number of classes.
func (p *Predictor) Classes() int { return p.classes }

// SIMD tells whether p's predictions run in the WebAssembly SIMD kernel
// (internal/simd): in a browser with SIMD, for the tutorial's shapes. Elsewhere
// they run in Go.
func (p *Predictor) SIMD() bool { return p.simd != nil && simd.Ready() }

// ParamCount is the number of parameter values (Keras's count_params).
func (p *Predictor) ParamCount() int { return p.nparams }

// PredictOne runs one example x (H, W, C), writes its probabilities into dst
// (Classes()) unless dst is nil, and returns the most probable class, as
// Sequential.PredictOne does. It allocates nothing.
func (p *Predictor) PredictOne(dst, x []float32) int {
	if len(x) != p.h*p.w*p.cin || (dst != nil && len(dst) != p.classes) {
		panic("nn: Predictor.PredictOne: " + strconv.Itoa(len(x)) + " inputs and " + strconv.Itoa(len(dst)) + " outputs, want " +
			strconv.Itoa(p.h*p.w*p.cin) + " and " + strconv.Itoa(p.classes))
	}
	if !p.simd.run(p, x) {
		p.convolve(x)
		p.pool()
		p.dense()
		p.relu()
	}
	return p.answer(dst)
}

// answer is PredictOne after the first dense layer: the last dense layer and
// softmax, from act.
func (p *Predictor) answer(dst []float32) int {
	p.lastLayer(p.act)
	softmaxExp(p.probs, p.logits)
	if dst != nil {
		copy(dst, p.probs)
	}
	return argmax(p.probs)
}

// convolve adds each non-zero input value's products to acc, the conv2d
// outputs (before bias) whose patch holds it, and marks the pooling windows
// of those outputs. The values are visited in row-major order, so each
// output sums its products in the kernel's (row, column, channel) order.
//
// The value at (r, c) meets tap (a, b) in output (r−a, c−b): for one row a of
// the kernel, the taps b = KW−1, …, 0 land on consecutive outputs, so one
// madd with that row of the reversed kernel does them all.
func (p *Predictor) convolve(x []float32) {
	cout, cin, krev, acc := p.cout, p.cin, p.krev, p.acc
	w, oh, ow, kh, kw := p.w, p.oh, p.ow, p.kh, p.kw
	window, inked := p.window[:oh*ow], p.inked
	for r := range p.h {
		for k, v := range x[r*w*cin : (r+1)*w*cin] {
			if v == 0 {
				continue
			}
			c, ch := k, 0
			if cin > 1 {
				c, ch = k/cin, k%cin
			}
			// The taps b0..b1 whose output column c−b exists.
			b0, b1 := c-ow+1, c
			if b0 < 0 {
				b0 = 0
			}
			if b1 > kw-1 {
				b1 = kw - 1
			}
			if b0 > b1 {
				continue
			}
			for a := range kh {
				i := r - a
				if i < 0 || i >= oh {
					continue
				}
				o0, o1 := i*ow+c-b1, i*ow+c-b0+1 // the outputs touched: o0 ≤ o < o1
				for _, w := range window[o0:o1] {
					inked[w] = true
				}
				madd(acc[o0*cout:o1*cout], v, krev[((a*cin+ch)*kw+kw-1-b1)*cout:])
			}
		}
	}
}

// pool max-pools each window marked inked, with the bias and ReLU, and lists
// the channels whose value differs from blank in dv and drow. It leaves acc
// all zero and inked all false.
//
// In WebAssembly, Go's float maximum is a call, a branch a trip through the
// function's dispatch loop and math.Float32bits a trip through memory. So
// the maximum is taken before the bias and ReLU (which do not change which
// output is largest), on orderKey of the sums' bits, read through accBits.
func (p *Predictor) pool() {
	cout, ow, ph, pw, qw := p.cout, p.ow, p.ph, p.pw, p.qw
	acc, keys := p.accBits, p.keys[:cout]
	p.dv, p.drow = p.dv[:0], p.drow[:0]
	for w, ink := range p.inked {
		if !ink {
			continue
		}
		p.inked[w] = false
		o := (w/qw*ph*ow + w%qw*pw) * cout // the window's first output
		if ph == 2 && pw == 2 {
			r := o + ow*cout // its second row
			maxKeys4(keys, acc[o:][:cout], acc[o+cout:][:cout], acc[r:][:cout], acc[r+cout:][:cout])
		} else {
			for c := range keys {
				keys[c] = -1 << 31
			}
			for a := range ph {
				for b := range pw {
					maxKeys(keys, acc[o+(a*ow+b)*cout:][:cout])
				}
			}
		}
		p.differ(int32(w * cout))
	}
}

// differ appends to dv and drow the channels of the pooled cell whose
// maximum's orderKeys are in keys, and whose first row of w1 is row, where
// the value (after the bias and ReLU) differs from blank.
func (p *Predictor) differ(row int32) {
	m, keys := p.pooled, p.keys[:len(p.pooled)]
	bias, blank := p.bias[:len(m)], p.blank[:len(m)]
	dv, drow := p.dv[:cap(p.dv)], p.drow[:cap(p.dv)]
	n := len(p.dv)
	for c, k := range keys {
		keys[c] = orderKey(k) // back to the float's bits
		d := float64(relu32(m[c]+bias[c])) - float64(blank[c])
		dv[n], drow[n] = d, row+int32(c)
		if d != 0 {
			n++ // a select, not a branch
		}
	}
	p.dv, p.drow = dv[:n], drow[:n]
}

// dense computes the first dense layer's pre-activation into hidden: base
// plus the rows pool listed, eight at a time.
func (p *Predictor) dense() {
	h := p.hidden
	copy(h, p.base)
	dv, dr, u := p.dv, p.drow, p.units
	row := func(k int) []float32 { return p.w1[int(dr[k])*u:][:len(h)] }
	k := 0
	for ; k+8 <= len(dv); k += 8 {
		madd8(h, dv[k:k+8:k+8], row(k), row(k+1), row(k+2), row(k+3), row(k+4), row(k+5), row(k+6), row(k+7))
	}
	for ; k < len(dv); k++ {
		a, w := dv[k], row(k)
		for j := range h {
			h[j] += a * float64(w[j])
		}
	}
}

// relu applies the ReLU to hidden into act.
func (p *Predictor) relu() {
	for i, v := range p.hidden {
		p.act[i] = relu32(float32(v))
	}
}

// lastLayer computes the last dense layer into logits from act, the first
// dense layer's output, as Sequential sums it: the bias, then the non-zero
// inputs in order.
func (p *Predictor) lastLayer(act []float32) {
	copy(p.logits, p.b2)
	for i, v := range act {
		if v != 0 {
			madd(p.logits, v, p.w2[i*p.classes:][:p.classes])
		}
	}
}
