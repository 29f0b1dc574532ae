package nn

import (
	"errors"
	"math"
	"slices"
	"strconv"
)

// An Optimizer updates a fixed list of parameters from their gradients.
type Optimizer interface {
	// Step applies one update to every parameter from its Grad.
	Step()
	LearningRate() float64
	// SetLearningRate changes the learning rate for the following steps (for a
	// decay between epochs, say).
	SetLearningRate(lr float64)
	// State returns a copy of everything the next steps depend on besides the
	// parameters themselves, so that training can stop and resume exactly.
	State() OptimizerState
	// SetState restores a State of an optimiser of the same kind over
	// parameters of the same names and shapes; otherwise it returns an error
	// and changes nothing.
	SetState(OptimizerState) error
}

// OptimizerState is an optimiser's state, for a checkpoint.
type OptimizerState struct {
	Steps int64   // updates applied so far (Adam's t)
	LR    float64 // learning rate
	// Slots are the per-parameter tensors, named after their parameter:
	// "conv2d/kernel/m" and "conv2d/kernel/v" for Adam, none for SGD. Their Grad
	// is nil.
	Slots []Param
}

// Adam is the Adam optimiser in the form Keras uses, with t counting steps
// from 1, g a gradient and w its parameter, element by element:
//
//	m += (g − m)·(1 − β1)
//	v += (g² − v)·(1 − β2)
//	α  = LR·√(1 − β2^t) / (1 − β1^t)
//	w −= α·m / (√v + ε)
//
// m, v and w are float32; α is computed in float64.
type Adam struct {
	LR, Beta1, Beta2, Epsilon float64

	params []*Param
	m, v   [][]float32 // like each parameter's Value
	t      int64
	chunks []paramChunk // made on the first step (natively)

	alpha, b1, b2, eps float32 // of the current step
	flush              bool
}

// NewAdam returns Adam over params with Keras's defaults: LR 1e-3, β1 0.9,
// β2 0.999, ε 1e-7.
func NewAdam(params []*Param) *Adam {
	a := &Adam{LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Epsilon: 1e-7, params: params}
	for _, p := range params {
		a.m = append(a.m, make([]float32, len(p.Value)))
		a.v = append(a.v, make([]float32, len(p.Value)))
	}
	return a
}

// Step applies one Adam update to every parameter from its Grad.
func (a *Adam) Step() {
	a.t++
	a.alpha = float32(a.LR * math.Sqrt(1-powInt(a.Beta2, a.t)) / (1 - powInt(a.Beta1, a.t)))
	a.b1, a.b2, a.eps = float32(1-a.Beta1), float32(1-a.Beta2), float32(a.Epsilon)
	a.flush = a.t%flushEvery == 0
	a.update()
}

// powInt is xⁿ for n ≥ 0, by repeated squaring: the loop math.Pow runs for
// a whole power, without its scaling into [½, 1), so the same product
// wherever the result is a normal number; where it is smaller (β₁ⁿ after
// some 6,700 steps), 1 − xⁿ is 1 either way. TestPowInt checks both. It
// keeps math.Pow, which would add 2.7 KB, gzipped, out of the page's
// WebAssembly (Go 1.26).
func powInt(x float64, n int64) float64 {
	r := 1.0
	for ; n > 0; n >>= 1 {
		if n&1 == 1 {
			r *= x
		}
		x *= x
	}
	return r
}

// Where a parameter's gradient stays 0, m decays by β1 every step, into the
// subnormal numbers after a few hundred steps, which processors handle far
// more slowly than normal numbers: here they doubled the time of a whole
// update (BenchmarkTrainStep, measured when this flush was added in 7bb77ff).
// So every flushEvery steps m and v below 2⁻¹⁰⁰ become 0 (steps that small
// move no weight): from 2⁻¹⁰⁰, flushEvery steps of decay stay far above the
// subnormals (2⁻¹²⁶). The update does it on those steps, after the weight's
// step (which sees m and v unflushed).
const flushEvery = 64

type adamStep Adam

func (a *adamStep) do(i int) {
	c := a.chunks[i]
	p := a.params[c.param]
	adam(p.Value[c.lo:c.hi], p.Grad[c.lo:c.hi], a.m[c.param][c.lo:c.hi], a.v[c.param][c.lo:c.hi], a.alpha, a.b1, a.b2, a.eps, a.flush)
}

// adamGo is one Adam update of w from its gradient g, element by element
// (adam runs it, or an assembly kernel with the same operations in the same
// order):
//
//	m += (g − m)·b1;  v += (g² − v)·b2;  w −= m·alpha / (√v + eps)
//
// then, when flush, sets m and v of magnitude below 2⁻¹⁰⁰ to 0.
func adamGo(w, g, m, v []float32, alpha, b1, b2, eps float32, flush bool) {
	g, m, v = g[:len(w)], m[:len(w)], v[:len(w)]
	for k := range w {
		gk := g[k]
		mk := m[k] + (gk-m[k])*b1
		vk := v[k] + (gk*gk-v[k])*b2
		m[k], v[k] = mk, vk
		w[k] -= mk * alpha / (float32(math.Sqrt(float64(vk))) + eps)
	}
	if flush {
		for _, s := range [2][]float32{m, v} {
			for k, x := range s {
				if x < 0x1p-100 && x > -0x1p-100 {
					s[k] = 0
				}
			}
		}
	}
}

// LearningRate returns LR.
func (a *Adam) LearningRate() float64 { return a.LR }

// SetLearningRate sets LR for the following steps.
func (a *Adam) SetLearningRate(lr float64) { a.LR = lr }

// State returns a copy of the step count, LR, and m and v of every parameter.
func (a *Adam) State() OptimizerState {
	s := OptimizerState{Steps: a.t, LR: a.LR}
	for i, p := range a.params {
		s.Slots = append(s.Slots,
			Param{Name: p.Name + "/m", Shape: slices.Clone(p.Shape), Value: slices.Clone(a.m[i])},
			Param{Name: p.Name + "/v", Shape: slices.Clone(p.Shape), Value: slices.Clone(a.v[i])})
	}
	return s
}

// SetState restores a State of an Adam over parameters of the same names and
// shapes.
func (a *Adam) SetState(s OptimizerState) error {
	var want []Param
	for _, p := range a.params {
		want = append(want, Param{Name: p.Name + "/m", Shape: p.Shape}, Param{Name: p.Name + "/v", Shape: p.Shape})
	}
	if err := checkState("adam", s, want); err != nil {
		return err
	}
	for i := range a.params {
		copy(a.m[i], s.Slots[2*i].Value)
		copy(a.v[i], s.Slots[2*i+1].Value)
	}
	a.t, a.LR = s.Steps, s.LR
	return nil
}

// SGD is plain stochastic gradient descent: w −= LR·g.
type SGD struct {
	LR float64

	params []*Param
	t      int64
	chunks []paramChunk
	lr     float32 // of the current step
}

// NewSGD returns SGD over params.
func NewSGD(params []*Param, lr float64) *SGD {
	return &SGD{LR: lr, params: params, chunks: chunksOf(params)}
}

// Step applies w −= LR·g to every parameter.
func (s *SGD) Step() {
	s.t++
	s.lr = float32(s.LR)
	parallel(len(s.chunks), (*sgdStep)(s))
}

type sgdStep SGD

func (s *sgdStep) do(i int) {
	c := s.chunks[i]
	p := s.params[c.param]
	w, g := p.Value[c.lo:c.hi], p.Grad[c.lo:c.hi]
	for k := range w {
		w[k] -= s.lr * g[k]
	}
}

// LearningRate returns LR.
func (s *SGD) LearningRate() float64 { return s.LR }

// SetLearningRate sets LR for the following steps.
func (s *SGD) SetLearningRate(lr float64) { s.LR = lr }

// State returns the step count and LR (SGD keeps nothing per parameter).
func (s *SGD) State() OptimizerState { return OptimizerState{Steps: s.t, LR: s.LR} }

// SetState restores a State of an SGD.
func (s *SGD) SetState(st OptimizerState) error {
	if err := checkState("sgd", st, nil); err != nil {
		return err
	}
	s.t, s.LR = st.Steps, st.LR
	return nil
}

// checkState checks that s has the slots want (names and shapes, in order,
// each with a Value of the right length) and sensible numbers.
func checkState(kind string, s OptimizerState, want []Param) error {
	fail := func(msg string) error { return errors.New("nn: " + kind + " state: " + msg) }
	if s.Steps < 0 {
		return fail("negative step count " + strconv.FormatInt(s.Steps, 10))
	}
	if !(s.LR >= 0) || math.IsInf(s.LR, 0) {
		return fail("learning rate " + strconv.FormatFloat(s.LR, 'g', -1, 64) + " is not a finite number ≥ 0")
	}
	if len(s.Slots) != len(want) {
		return fail(strconv.Itoa(len(s.Slots)) + " tensors, want " + strconv.Itoa(len(want)))
	}
	for i, w := range want {
		got := s.Slots[i]
		if got.Name != w.Name {
			return fail("tensor " + strconv.Itoa(i) + " is " + `"` + got.Name + `", want "` + w.Name + `"`)
		}
		if !slices.Equal(got.Shape, w.Shape) {
			return fail(w.Name + " has shape " + Shape(got.Shape).String() + ", want " + Shape(w.Shape).String())
		}
		if len(got.Value) != Shape(w.Shape).Size() {
			return fail(w.Name + " has " + strconv.Itoa(len(got.Value)) + " values, want " + strconv.Itoa(Shape(w.Shape).Size()))
		}
	}
	return nil
}

// chunkSize is the number of elements an update gives one chunk.
const chunkSize = 1 << 14

// A paramChunk is a range of one parameter's elements, the unit of work of an
// element-wise update.
type paramChunk struct{ param, lo, hi int }

func chunksOf(params []*Param) []paramChunk {
	var cs []paramChunk
	for i, p := range params {
		for lo := 0; lo < len(p.Value); lo += chunkSize {
			cs = append(cs, paramChunk{i, lo, min(lo+chunkSize, len(p.Value))})
		}
	}
	return cs
}
