package nn

import (
	"errors"
	"math/rand/v2"
	"strconv"
)

// A Dataset is a source of labelled examples for Fit. A trainer can wrap one
// to augment examples or mix sources.
type Dataset interface {
	// Len is the number of examples.
	Len() int
	// Batch writes the examples idx (each in 0..Len()−1) into x
	// (len(idx), H, W, C) and their labels into y (len(idx)). Fit calls it
	// from one goroutine, batch after batch, in training order.
	Batch(x []float32, y []uint8, idx []int)
}

// Examples is a Dataset in memory: example i is X[i·size:(i+1)·size] with
// size = len(X)/len(Y), labelled Y[i].
type Examples struct {
	X []float32 // (N, H, W, C)
	Y []uint8   // (N)
}

// Len returns len(Y).
func (e Examples) Len() int { return len(e.Y) }

// Batch copies the examples idx into x and y; it panics when the sizes do not
// fit.
func (e Examples) Batch(x []float32, y []uint8, idx []int) {
	if len(e.Y) == 0 || len(e.X)%len(e.Y) != 0 || len(y) != len(idx) || len(x) != len(idx)*(len(e.X)/len(e.Y)) {
		panic("nn: Examples.Batch: " + strconv.Itoa(len(e.X)) + " inputs and " + strconv.Itoa(len(e.Y)) + " labels do not fit batches of " +
			strconv.Itoa(len(x)) + " inputs and " + strconv.Itoa(len(y)) + " labels for " + strconv.Itoa(len(idx)) + " examples")
	}
	size := len(e.X) / len(e.Y)
	for k, i := range idx {
		copy(x[k*size:(k+1)*size], e.X[i*size:(i+1)*size])
		y[k] = e.Y[i]
	}
}

// FitOptions control Fit. The zero value trains one epoch in batches of 32,
// in the data's order.
type FitOptions struct {
	// Epochs is the number of the epoch to stop before, counting from 0 (as
	// Keras's epochs): Fit runs epochs InitialEpoch … Epochs−1. 0 means 1.
	Epochs int
	// InitialEpoch is the first epoch to run, to resume (Keras's initial_epoch).
	// It only numbers the epochs: the state to resume lives in the
	// parameters, the optimiser and Shuffle.
	InitialEpoch int
	// InitialBatch is the first batch to run in InitialEpoch, to resume in the
	// middle of an epoch: that epoch's order is drawn as usual (so Shuffle must
	// be in its state from before the epoch) and its first InitialBatch
	// batches are skipped. The epoch's loss and accuracy then cover the
	// batches run.
	InitialBatch int
	BatchSize    int // examples per step, the last batch of an epoch may be smaller; 0 means 32

	// Shuffle, if not nil, draws a new order of the examples at the start of
	// every epoch: a permutation of 0…Len()−1 drawn with Shuffle.Shuffle from the
	// identity, so an epoch's order depends only on Shuffle's state then.
	Shuffle *rand.Rand

	// Validation, if not nil, is evaluated after every epoch.
	Validation Dataset

	// OnBatch, if not nil, is called after every training step, and OnEpoch at
	// the end of every epoch (after validation). When either returns an error
	// Fit stops there and returns it, or returns nil for ErrStop.
	OnBatch func(BatchProgress) error
	OnEpoch func(EpochResult) error
}

// ErrStop, returned by a Fit callback, stops training without an error.
var ErrStop = errors.New("nn: stop training")

// BatchProgress describes the training so far within an epoch.
type BatchProgress struct {
	Epoch          int     // from 0
	Batch, Batches int     // Batch from 0; Batches per epoch
	Loss, Accuracy float64 // means over the epoch's examples so far, each taken before its step
}

// EpochResult sums up one epoch.
type EpochResult struct {
	Epoch          int     // from 0
	Loss, Accuracy float64 // means over the epoch's examples, each taken before its step
	Validated      bool    // whether ValLoss and ValAccuracy are set
	ValLoss        float64 // on the validation set, after the epoch
	ValAccuracy    float64
}

// Fit trains on train with the model's optimiser, as Keras's model.fit does,
// and returns one result per epoch run.
//
// Training is reproducible: the result depends only on the parameters, the
// optimiser's state, Shuffle's state, the data and the options, never on
// timing or the number of threads. So a trainer can checkpoint in OnEpoch
// (parameters, Optimizer().State(), and Shuffle's source, say a *rand.PCG,
// through its MarshalBinary) and later resume with InitialEpoch set to the
// next epoch and everything restored, to end with the same values bit for bit
// as a run that never stopped. To resume within an epoch, save Shuffle's
// state from before that epoch, and set InitialBatch too.
func (s *Sequential) Fit(train Dataset, o FitOptions) ([]EpochResult, error) {
	batch, epochs := o.BatchSize, o.Epochs
	if batch == 0 {
		batch = 32
	}
	if epochs == 0 {
		epochs = 1
	}
	if batch < 0 || o.InitialEpoch < 0 || o.InitialBatch < 0 {
		panic("nn: Fit: negative BatchSize, InitialEpoch or InitialBatch")
	}
	n := train.Len()
	if n == 0 {
		return nil, errors.New("nn: Fit: no training examples")
	}
	if o.Validation != nil && o.Validation.Len() == 0 {
		return nil, errors.New("nn: Fit: no validation examples")
	}
	batches := ceilDiv(n, batch)
	x := make([]float32, max(batch, evalChunk)*s.in)
	y := make([]uint8, max(batch, evalChunk))
	perm := make([]int, max(n, evalChunk))
	var history []EpochResult
	stop := func(err error) ([]EpochResult, error) {
		if errors.Is(err, ErrStop) {
			return history, nil
		}
		return history, err
	}
	for epoch := o.InitialEpoch; epoch < epochs; epoch++ {
		for i := range perm {
			perm[i] = i
		}
		if o.Shuffle != nil {
			o.Shuffle.Shuffle(n, func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
		}
		var sum float64
		correct, seen := 0, 0
		first := 0
		if epoch == o.InitialEpoch {
			first = min(o.InitialBatch, batches)
		}
		for b := first; b < batches; b++ {
			idx := perm[b*batch : min((b+1)*batch, n)]
			k := len(idx)
			train.Batch(x[:k*s.in], y[:k], idx)
			l, c := s.gradients(x[:k*s.in], y[:k])
			s.Optimizer().Step()
			sum, correct, seen = sum+l, correct+c, seen+k
			if o.OnBatch != nil {
				p := BatchProgress{Epoch: epoch, Batch: b, Batches: batches, Loss: sum / float64(seen), Accuracy: float64(correct) / float64(seen)}
				if err := o.OnBatch(p); err != nil {
					return stop(err)
				}
			}
		}
		r := EpochResult{Epoch: epoch}
		if seen > 0 {
			r.Loss, r.Accuracy = sum/float64(seen), float64(correct)/float64(seen)
		}
		if o.Validation != nil {
			r.Validated = true
			// perm serves as scratch: the next epoch draws it afresh.
			r.ValLoss, r.ValAccuracy = s.evaluate(o.Validation, x, y, perm)
		}
		history = append(history, r)
		if o.OnEpoch != nil {
			if err := o.OnEpoch(r); err != nil {
				return stop(err)
			}
		}
	}
	return history, nil
}

// evaluate is Evaluate over a Dataset, with scratch buffers for evalChunk
// examples.
func (s *Sequential) evaluate(d Dataset, x []float32, y []uint8, idx []int) (loss, acc float64) {
	n := d.Len()
	var sum float64
	correct := 0
	for lo := 0; lo < n; lo += evalChunk {
		k := min(evalChunk, n-lo)
		for i := range k {
			idx[i] = lo + i
		}
		d.Batch(x[:k*s.in], y[:k], idx[:k])
		logits := s.forward(x[:k*s.in], k, s.train)
		l, c := crossEntropy(nil, logits, y[:k], s.classes)
		sum += l
		correct += c
	}
	return sum / float64(n), float64(correct) / float64(n)
}
