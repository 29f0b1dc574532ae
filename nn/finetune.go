package nn

// The settings of Teach the page uses, chosen by TestTeachMNIST: up to
// TeachSteps steps of learning rate TeachLR make the examples a person
// corrects read right, at a small cost elsewhere. Teach stops once every
// example's label has probability TeachSure: a margin, so that the lesson
// holds for the same digit drawn a little differently (stopping at ½ left a
// corrected digit at about 55%, one wobble from the old answer). A margin
// moves the weights further. TestTeachMNIST, one corrected digit and five:
// TeachSure 0.8 costs 0.40 and 1.37 points of MNIST accuracy on average
// (½: 0.22 and 0.93; 0.9: 0.53 and 1.78). A TeachLR of 0.001 would cost
// 0.38 and 1.08 but leave some of the tutorial's misread pen digits wrong
// after TeachSteps steps (wasm TestTeach).
const (
	TeachSteps = 50
	TeachLR    = 0.002
	TeachSure  = 0.8
)

// A TeachStep is where one step of Teach left the examples.
type TeachStep struct {
	Loss float64 // the mean cross-entropy over the examples, after the step
	P    float32 // the probability of the last example's label, after the step, as PredictOne gives it
}

// Teach fine-tunes the Predictor's last dense layer on the examples x
// (N, H, W, C) with labels y (N ≥ 1, each below Classes()), for at most
// len(dst) steps, and returns how many it took, having written where each
// left the examples into dst. It stops as soon as every example's label has
// a probability above TeachSure (each loss below −ln TeachSure; before the
// first step if it already is): it teaches what it is shown and changes the
// rest as little as it can.
//
// It starts from the weights the Predictor was made with (as Reset), with a
// fresh Adam of learning rate lr (Keras's other defaults), so the same
// examples always give the same weights. Each step takes the gradient of
// the examples' mean cross-entropy, all of them in one batch (crossEntropy,
// as Sequential's training does), and applies it with Adam; the layers
// before the last stay as they are, so each example runs through them once,
// and each step computes only the last layer (from the first dense layer's
// output, as PredictOne does).
func (p *Predictor) Teach(dst []TeachStep, x []float32, y []uint8, lr float64) int {
	n, in, k, u := len(y), p.h*p.w*p.cin, p.classes, p.units+1
	if n == 0 || len(x) != n*in {
		panic("nn: Predictor.Teach: x must hold the len(y) ≥ 1 examples of y")
	}
	if p.adam == nil {
		p.made = make([]float32, len(p.last))
		copy(p.made, p.last)
		p.adam = NewAdam([]*Param{{Value: p.last, Grad: make([]float32, len(p.last))}})
		p.dlogit = make([]float32, k)
	}
	p.Reset()
	// Each example's first dense output, and the 1 after it (the bias's
	// input): the last layer's inputs, which Teach does not change.
	if cap(p.taught) < n*u {
		p.taught = make([]float32, n*u)
	}
	acts := p.taught[:n*u]
	for e := range n {
		p.PredictOne(nil, x[e*in:][:in])
		copy(acts[e*u:][:u], p.act[:u])
	}
	a, d := p.adam, p.dlogit
	a.LR, a.t = lr, 0
	clear(a.m[0])
	clear(a.v[0])
	g := a.params[0].Grad // (Units+1, Classes): the kernel's rows, then the bias
	for s := 0; ; s++ {
		// Each example's loss, and its share of the gradient: row j of the
		// kernel's gets d·act[j]/N, the bias's d/N.
		clear(g)
		var sum, worst float64
		for e := range n {
			act := acts[e*u:][:u]
			p.lastLayer(act[:u-1])
			l, _ := crossEntropy(d, p.logits, y[e:e+1], k)
			sum += l
			worst = max(worst, l)
			for j, v := range act {
				if v != 0 {
					madd(g[j*k:][:k], v/float32(n), d)
				}
			}
		}
		if s > 0 {
			softmaxExp(p.probs, p.logits) // the last example's, as PredictOne gives them
			dst[s-1] = TeachStep{sum / float64(n), p.probs[y[n-1]]}
		}
		if s == len(dst) || worst < teachLoss {
			return s
		}
		a.Step()
	}
}

// teachLoss is the loss below which an example's label has probability
// TeachSure: −ln 0.8, written out (math.Log would add 1.1 KB to the page's
// gzipped wasm; TestTeachLoss checks it).
const teachLoss = 0.2231435513142097

// Reset gives the last dense layer back the weights the Predictor was made
// with, undoing Teach.
func (p *Predictor) Reset() {
	copy(p.last, p.made)
}
