package nn

import (
	"errors"
	"math/rand/v2"
	"slices"
	"strconv"
)

// Sequential is a plain stack of layers built from a Config, with its
// parameters, an optimiser (Adam with Keras's defaults unless replaced) and
// the buffers its passes reuse. It is not safe for concurrent use.
type Sequential struct {
	cfg     Config // with the layer names filled in
	layers  []layer
	train   int // layers run for training: all but a last softmax, which the loss takes over
	params  []*Param
	in      int // elements of one input example
	classes int // elements of one output
	opt     Optimizer

	dlogits []float32
}

// New builds the network cfg describes, with kernels drawn from rng by their
// initialisers and zero biases, parameters in layer order. With a nil rng every
// parameter starts at zero, ready for SetParams.
func New(cfg Config, rng *rand.Rand) (*Sequential, error) {
	infos, err := cfg.Resolve()
	if err != nil {
		return nil, err
	}
	s := &Sequential{
		cfg:     Config{Input: slices.Clone(cfg.Input), Layers: make([]LayerConfig, len(infos))},
		in:      cfg.Input.Size(),
		classes: infos[len(infos)-1].Out.Size(),
	}
	for i, info := range infos {
		s.cfg.Layers[i] = info.LayerConfig
		ps := make([]*Param, len(info.Params))
		for k, p := range info.Params {
			ps[k] = newParam(p)
		}
		if len(ps) > 0 && rng != nil {
			in, out := fans(ps[0].Shape)
			initKernel(ps[0].Value, info.Init, in, out, rng)
		}
		s.params = append(s.params, ps...)
		var l layer = flatten{}
		switch info.Type {
		case TypeConv2D:
			l = newConv2D(info.In, info.Out, ps[0], ps[1], info.Activation == ActReLU)
		case TypeMaxPooling2D:
			l = newMaxPool(info.In, info.Out, info.Pool)
		case TypeDense:
			l = newDense(info.In, info.Out, ps[0], ps[1], info.Activation == ActReLU)
		}
		s.layers = append(s.layers, l)
		if info.Activation == ActSoftmax {
			s.layers = append(s.layers, &softmax{classes: info.Out.Size()})
		}
	}
	for i, l := range s.layers[1:] {
		// A max pooling after a ReLU applies the ReLU's mask to the gradient:
		// one test per pooled output instead of a pass over the ReLU's output.
		if p, ok := l.(*maxPool); ok {
			if c, ok := s.layers[i].(*conv2d); ok && c.relu {
				p.relu, c.reluByNext = true, true
			}
		}
	}
	s.train = len(s.layers)
	if _, ok := s.layers[len(s.layers)-1].(*softmax); ok {
		s.train--
	}
	return s, nil
}

// newParam allocates the parameter p describes, zero.
func newParam(p Param) *Param {
	n := Shape(p.Shape).Size()
	return &Param{Name: p.Name, Shape: slices.Clone(p.Shape), Value: make([]float32, n), Grad: make([]float32, n)}
}

// Config returns the architecture, with every layer's name filled in.
func (s *Sequential) Config() Config {
	return Config{Input: slices.Clone(s.cfg.Input), Layers: slices.Clone(s.cfg.Layers)}
}

// InputShape is the shape of one input example, (H, W, C) for images.
func (s *Sequential) InputShape() Shape { return slices.Clone(s.cfg.Input) }

// Classes is the size of one output: the number of classes.
func (s *Sequential) Classes() int { return s.classes }

// Params returns the parameters in layer order, kernel before bias:
// conv2d/kernel, conv2d/bias, dense/kernel, … Their Value and Grad may be
// written into but not replaced.
func (s *Sequential) Params() []*Param { return slices.Clone(s.params) }

// Param returns the parameter called name, or nil.
func (s *Sequential) Param(name string) *Param {
	for _, p := range s.params {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// SetParams copies values into the parameters: src must hold every parameter
// exactly once, by name (in any order), with its shape and finite values.
// Otherwise it returns an error and changes nothing.
func (s *Sequential) SetParams(src []Param) error {
	fail := func(msg string) error { return errors.New("nn: SetParams: " + msg) }
	if len(src) != len(s.params) {
		return fail(strconv.Itoa(len(src)) + " tensors for " + strconv.Itoa(len(s.params)) + " parameters")
	}
	for i, p := range src {
		q := s.Param(p.Name)
		if q == nil {
			return fail("no parameter \"" + p.Name + "\"")
		}
		for _, r := range src[:i] {
			if r.Name == p.Name {
				return fail(p.Name + " given twice")
			}
		}
		if !slices.Equal(p.Shape, q.Shape) || len(p.Value) != len(q.Value) {
			return fail(p.Name + " has shape " + Shape(p.Shape).String() + " and " + strconv.Itoa(len(p.Value)) + " values, want " + Shape(q.Shape).String())
		}
		if k := nonFinite(p.Value); k >= 0 {
			return fail(p.Name + "[" + strconv.Itoa(k) + "] is not a finite number")
		}
	}
	for _, p := range src {
		copy(s.Param(p.Name).Value, p.Value)
	}
	return nil
}

// Optimizer returns the optimiser TrainStep and Fit use: Adam with Keras's
// defaults (NewAdam) unless SetOptimizer replaced it.
func (s *Sequential) Optimizer() Optimizer {
	if s.opt == nil { // made on first use, which keeps Adam out of an inference-only build
		s.opt = NewAdam(s.params)
	}
	return s.opt
}

// SetOptimizer replaces the optimiser; o must have been made over s.Params().
func (s *Sequential) SetOptimizer(o Optimizer) { s.opt = o }

// forward runs layers[:upto] on n examples.
func (s *Sequential) forward(x []float32, n, upto int) []float32 {
	for _, l := range s.layers[:upto] {
		x = l.forward(x, n)
	}
	return x
}

// checkBatch panics unless x holds the len(y) ≥ 1 examples of y.
func (s *Sequential) checkBatch(fn string, x []float32, y []uint8) {
	if len(y) == 0 {
		panic("nn: " + fn + ": no examples")
	}
	if len(x) != len(y)*s.in {
		panic("nn: " + fn + ": " + strconv.Itoa(len(x)) + " inputs for " + strconv.Itoa(len(y)) + " labels, want " + strconv.Itoa(len(y)*s.in))
	}
}

// Gradients computes the mean loss and the accuracy of the batch x (N, H, W, C)
// with labels y (N), and overwrites every parameter's Grad with the gradient
// of that mean loss. The loss is sparse categorical cross-entropy on the
// logits: the last layer's values before its softmax (or its output, when
// its activation is not softmax, as Keras's from_logits=True).
func (s *Sequential) Gradients(x []float32, y []uint8) (loss, acc float64) {
	s.checkBatch("Gradients", x, y)
	sum, correct := s.gradients(x, y)
	return sum / float64(len(y)), float64(correct) / float64(len(y))
}

// gradients is Gradients returning the sum of the losses and the number of
// examples classified right.
func (s *Sequential) gradients(x []float32, y []uint8) (sum float64, correct int) {
	n := len(y)
	logits := s.forward(x, n, s.train)
	s.dlogits = grow(s.dlogits, n*s.classes)
	sum, correct = crossEntropy(s.dlogits, logits, y, s.classes)
	d := s.dlogits
	for i := s.train - 1; i >= 0; i-- {
		d = s.layers[i].backward(d, i > 0)
	}
	return sum, correct
}

// TrainStep trains on one batch: Gradients, then one step of the optimiser.
// It returns the batch's loss and accuracy before the step.
func (s *Sequential) TrainStep(x []float32, y []uint8) (loss, acc float64) {
	loss, acc = s.Gradients(x, y)
	s.Optimizer().Step()
	return loss, acc
}

// evalChunk is how many examples Evaluate and Predict run at a time.
const evalChunk = 128

// Evaluate returns the mean loss and the accuracy over the examples x
// (N, H, W, C) with labels y (N), without changing any gradient.
func (s *Sequential) Evaluate(x []float32, y []uint8) (loss, acc float64) {
	s.checkBatch("Evaluate", x, y)
	var sum float64
	correct := 0
	for lo := 0; lo < len(y); lo += evalChunk {
		hi := min(lo+evalChunk, len(y))
		logits := s.forward(x[lo*s.in:hi*s.in], hi-lo, s.train)
		l, c := crossEntropy(nil, logits, y[lo:hi], s.classes)
		sum += l
		correct += c
	}
	return sum / float64(len(y)), float64(correct) / float64(len(y))
}

// Predict writes into dst (n, Classes()) the network's output for the n
// examples x (n, H, W, C): probabilities when the last layer ends in softmax.
func (s *Sequential) Predict(dst, x []float32, n int) {
	if n < 0 || len(x) != n*s.in || len(dst) != n*s.classes {
		panic("nn: Predict: " + strconv.Itoa(len(x)) + " inputs and " + strconv.Itoa(len(dst)) + " outputs for " +
			strconv.Itoa(n) + " examples, want " + strconv.Itoa(n*s.in) + " and " + strconv.Itoa(n*s.classes))
	}
	for lo := 0; lo < n; lo += evalChunk {
		hi := min(lo+evalChunk, n)
		copy(dst[lo*s.classes:hi*s.classes], s.forward(x[lo*s.in:hi*s.in], hi-lo, len(s.layers)))
	}
}

// PredictOne runs one example x (H, W, C), writes its output into dst
// (Classes()) unless dst is nil, and returns the class with the largest
// output. Once the model has run, it allocates nothing.
func (s *Sequential) PredictOne(dst, x []float32) int {
	if len(x) != s.in || (dst != nil && len(dst) != s.classes) {
		panic("nn: PredictOne: " + strconv.Itoa(len(x)) + " inputs and " + strconv.Itoa(len(dst)) + " outputs, want " +
			strconv.Itoa(s.in) + " and " + strconv.Itoa(s.classes))
	}
	out := s.forward(x, 1, len(s.layers))
	if dst != nil {
		copy(dst, out)
	}
	return argmax(out)
}
