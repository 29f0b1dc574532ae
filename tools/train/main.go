//go:build !js

// Command train reproduces the Keras MNIST tutorial in Go and writes the
// compact weights the web page uses.
//
//	go run ./tools/train                       # the recipe of the shipped weights/model.bin
//	go run ./tools/train -tutorial             # the tutorial exactly: 10 epochs, batch 32, Adam, nothing else
//	go run ./tools/train -evaluate weights/model.bin -json
//
// It prints the data's shapes, the model summary, a Keras-style progress line
// per epoch and the final evaluation on the 10,000 test images; -report DIR
// adds pictures (samples, history, confusion matrix, mistakes) and
// metrics.json. Ctrl-C saves a checkpoint; -resume continues from it. Run it
// with -h for every flag.
//
// It builds natively only (go:build !js, every file): nn leaves
// Sequential.Summary out of WebAssembly builds, where the page has no use
// for it, so that `GOOS=js GOARCH=wasm go vet ./...` skips the trainer.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"inkling/mnist"
	"inkling/nn"
)

// options are the command's flags.
type options struct {
	epochs     int
	batch      int
	lr         float64
	lrDecay    float64
	seed       uint64
	data       string
	out        string
	report     string
	evaluate   string
	jsonOut    bool
	tutorial   bool
	strokes    string
	penRepeat  int
	valWriters string
	valMNIST   int
	augment    bool
	bits       int
	checkpoint string
	resume     bool
	cpuprofile string
}

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&o.epochs, "epochs", 15, "epochs to train")
	fs.IntVar(&o.batch, "batch", 32, "examples per training step")
	fs.Float64Var(&o.lr, "lr", 1e-3, "Adam's learning rate")
	fs.Float64Var(&o.lrDecay, "lr-decay", 0.8, "multiply the learning rate by this after every epoch (1: constant)")
	fs.Uint64Var(&o.seed, "seed", 1, "random seed: same seed, same flags, same weights")
	fs.StringVar(&o.data, "data", "", "folder of MNIST IDX files (default: the Go module cache copy, or $"+mnist.EnvDir+")")
	fs.StringVar(&o.out, "out", "", "where to write the model (default weights/model.bin; weights/tutorial.bin with -tutorial)")
	fs.StringVar(&o.report, "report", "", "write pictures and metrics.json into this folder")
	fs.StringVar(&o.evaluate, "evaluate", "", "evaluate this model file on the test set instead of training")
	fs.BoolVar(&o.jsonOut, "json", false, "print one JSON object with the results as the last line")
	fs.BoolVar(&o.tutorial, "tutorial", false, "the tutorial's exact recipe: 10 epochs, batch 32, Adam 1e-3, all 60,000 images, no pen strokes, no augmentation, no decay, last epoch kept")
	strokes := "data/pendigits-train-strokes.json"
	if p, err := mnist.DefaultStrokesPath(); err == nil {
		strokes = relative(p)
	}
	fs.StringVar(&o.strokes, "strokes", strokes, "pen-stroke digits to learn from as well (empty: none)")
	fs.IntVar(&o.penRepeat, "pen-repeat", 3, "times each training pen digit is drawn per epoch, each time placed anew")
	fs.StringVar(&o.valWriters, "val-writers", "26-30", "pen writers held out for validation (never trained on)")
	fs.IntVar(&o.valMNIST, "val-mnist", 5000, "MNIST training images (the last ones) held out for validation")
	fs.BoolVar(&o.augment, "augment", true, "shift, rotate and scale half the MNIST images a little, anew every epoch")
	fs.IntVar(&o.bits, "bits", 5, "precision of the quantised kernels in the model file, 2..8 (5 costs 0.01 points of MNIST test accuracy against 8 and keeps the page under 1 MB)")
	fs.StringVar(&o.checkpoint, "checkpoint", "", "checkpoint file written on Ctrl-C and after every epoch (default: -out with .ckpt)")
	fs.BoolVar(&o.resume, "resume", false, "continue the training saved in the checkpoint")
	fs.StringVar(&o.cpuprofile, "cpuprofile", "", "write a CPU profile of the run to this file (go tool pprof reads it)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: go run ./tools/train [flags]\n\nTrains the Keras MNIST tutorial's CNN and writes weights/model.bin.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q (flags start with -; see -h)", fs.Arg(0))
	}
	if o.tutorial {
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		for _, name := range []string{"strokes", "pen-repeat", "val-writers", "val-mnist", "augment", "lr-decay"} {
			if set[name] {
				return nil, fmt.Errorf("-tutorial is the tutorial's exact recipe; it does not combine with -%s", name)
			}
		}
		if !set["epochs"] {
			o.epochs = 10
		}
		o.strokes, o.penRepeat, o.valWriters, o.valMNIST, o.augment, o.lrDecay = "", 0, "", 0, false, 1
	}
	if o.out == "" {
		o.out = "weights/model.bin"
		if o.tutorial {
			o.out = "weights/tutorial.bin"
		}
	}
	if o.checkpoint == "" {
		o.checkpoint = strings.TrimSuffix(o.out, filepath.Ext(o.out)) + ".ckpt"
	}
	switch {
	case o.epochs < 1:
		return nil, fmt.Errorf("-epochs %d: train at least one epoch", o.epochs)
	case o.batch < 1:
		return nil, fmt.Errorf("-batch %d: a batch holds at least one example", o.batch)
	case !(o.lr > 0) || math.IsInf(o.lr, 0):
		return nil, fmt.Errorf("-lr %g: the learning rate must be a positive number", o.lr)
	case !(o.lrDecay > 0 && o.lrDecay <= 1):
		return nil, fmt.Errorf("-lr-decay %g: must be in (0, 1]", o.lrDecay)
	case o.bits < 2 || o.bits > 8:
		return nil, fmt.Errorf("-bits %d: must be 2..8", o.bits)
	case o.valMNIST < 0 || o.valMNIST >= 60000:
		return nil, fmt.Errorf("-val-mnist %d: must be 0..59999", o.valMNIST)
	case o.penRepeat < 0:
		return nil, fmt.Errorf("-pen-repeat %d: must be 0 or more", o.penRepeat)
	}
	if _, _, err := writerRange(o.valWriters); err != nil {
		return nil, err
	}
	return o, nil
}

// relative returns path relative to the working directory when that is shorter.
func relative(path string) string {
	if wd, err := os.Getwd(); err == nil {
		if r, err := filepath.Rel(wd, path); err == nil && len(r) < len(path) {
			return r
		}
	}
	return path
}

// writerRange parses "26-30" (or "" for none) into an inclusive range.
func writerRange(s string) (lo, hi int, err error) {
	if s == "" {
		return 1, 0, nil
	}
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		b = a
	}
	lo, err1 := strconv.Atoi(a)
	hi, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil || lo < 1 || hi < lo {
		return 0, 0, fmt.Errorf("-val-writers %q: want a range of writer numbers like 26-30", s)
	}
	return lo, hi, nil
}

func main() {
	o, err := parseFlags(os.Args[1:], os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "train:", err)
		os.Exit(2)
	}
	var profile *os.File
	if o.cpuprofile != "" {
		if profile, err = os.Create(o.cpuprofile); err == nil {
			err = pprof.StartCPUProfile(profile)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "train: -cpuprofile:", err)
			os.Exit(2)
		}
	}
	err = run(o, os.Stdout)
	if profile != nil {
		pprof.StopCPUProfile() // (os.Exit runs no deferred calls)
		profile.Close()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "train:", err)
		if errors.Is(err, errInterrupted) {
			os.Exit(130)
		}
		os.Exit(1)
	}
}

// run does what the flags ask, printing to w.
func run(o *options, w io.Writer) error {
	train, test, err := loadMNIST(o.data)
	if err != nil {
		return err
	}
	if o.evaluate != "" {
		return runEvaluate(o, w, test)
	}
	return runTrain(o, w, train, test)
}

func loadMNIST(dir string) (train, test *mnist.Set, err error) {
	if dir != "" {
		return mnist.LoadDir(dir)
	}
	return mnist.LoadData()
}

// runEvaluate scores a model file on the test set, as given and through the
// page's preprocessing.
func runEvaluate(o *options, w io.Writer, test *mnist.Set) error {
	m, meta, err := loadModelFile(o.evaluate)
	if err != nil {
		return err
	}
	x := test.Float32(nil, 0, test.N)
	r := evaluate(m, x, test.Labels)
	pre := evaluate(m, preprocessAll(test), test.Labels)
	fmt.Fprintf(w, "%s: test loss %.4f, test accuracy %.2f%% (%d images); through the page's preprocessing %.2f%%\n",
		o.evaluate, r.Loss, 100*r.Accuracy, r.N, 100*pre.Accuracy)
	var pen result
	if o.strokes != "" && o.valWriters != "" {
		ds, err := mnist.LoadStrokes(o.strokes)
		if err != nil {
			return err
		}
		lo, hi, _ := writerRange(o.valWriters)
		_, held := splitWriters(toPenDigits(ds), lo, hi)
		x, y := renderAll(held, pagePlacement)
		pen = evaluate(m, x, y)
		fmt.Fprintf(w, "Pen digits of writers %s, drawn as on the page: %.2f%% of %d; most common mistakes: %s\n",
			o.valWriters, 100*pen.Accuracy, pen.N, describeMistakes(&pen.Confusion))
	}
	for _, kv := range meta {
		fmt.Fprintf(w, "  %s: %s\n", kv[0], kv[1])
	}
	if o.report != "" {
		if err := writeEvalReport(o.report, test, r); err != nil {
			return err
		}
	}
	if o.jsonOut {
		out := map[string]any{
			"model": o.evaluate, "test_accuracy": r.Accuracy, "test_loss": r.Loss, "n": r.N,
			"test_accuracy_preprocessed": pre.Accuracy,
		}
		if pen.N > 0 {
			out["pen_val_accuracy"] = pen.Accuracy
		}
		return printJSON(w, out)
	}
	return nil
}

// loadModelFile reads a model file and checks that it is a 28×28 → 10 classifier.
func loadModelFile(path string) (*nn.Sequential, [][2]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	m, meta, err := nn.LoadModel(data)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := nn.CheckIO(m.Config(), nn.Shape{28, 28, 1}, 10); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, meta, nil
}

// preprocessAll passes every image through the page's preprocessing, as if
// it had been drawn: the network must still read MNIST after it.
func preprocessAll(s *mnist.Set) []float32 {
	x := make([]float32, s.N*imageSize)
	parallel(s.N, func(r *renderer, i int) {
		if err := r.pre.FromGray(x[i*imageSize:(i+1)*imageSize], s.Image(i), s.Cols, s.Rows); err != nil {
			clear(x[i*imageSize : (i+1)*imageSize])
		}
	})
	return x
}

func printJSON(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(w, string(b))
	return err
}

// errInterrupted is returned when Ctrl-C (or SIGTERM) stopped training.
var errInterrupted = errors.New("interrupted")

// epochLog is one epoch's figures, as history.png and metrics.json show them.
type epochLog struct {
	Epoch       int     `json:"epoch"`
	Seconds     float64 `json:"seconds"`
	LR          float64 `json:"lr"`
	Loss        float64 `json:"loss"`
	Accuracy    float64 `json:"accuracy"`
	ValAccuracy float64 `json:"val_accuracy,omitempty"` // MNIST images held out
	PenAccuracy float64 `json:"pen_val_accuracy,omitempty"`
	TestLoss    float64 `json:"test_loss"`
	TestAcc     float64 `json:"test_accuracy"`
}

func runTrain(o *options, w io.Writer, train, test *mnist.Set) error {
	start := time.Now()
	fmt.Fprintln(w, mnist.Summary(train, test))
	if o.report != "" {
		if err := writeReportFile(o.report, "samples.png", func(f io.Writer) error { return mnist.WriteSamplesPNG(f, train) }); err != nil {
			return err
		}
	}

	// Validation: the last MNIST training images and the held-out pen writers.
	var val *mnist.Set
	if o.valMNIST > 0 {
		val = train.Slice(train.N-o.valMNIST, train.N)
		train = train.Slice(0, train.N-o.valMNIST)
	}
	var penTrain, penVal []penDigit
	if o.strokes != "" {
		ds, err := mnist.LoadStrokes(o.strokes)
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("%w\n(run from the inkling repository, name the file with -strokes PATH, or learn from MNIST alone with -strokes '')", err)
		}
		if err != nil {
			return err
		}
		lo, hi, _ := writerRange(o.valWriters)
		penTrain, penVal = splitWriters(toPenDigits(ds), lo, hi)
		fmt.Fprintf(w, "Pen digits: %d to learn from, each drawn %d times an epoch; %d from writers %s held out\n",
			len(penTrain), o.penRepeat, len(penVal), o.valWriters)
	}
	if o.penRepeat == 0 {
		penTrain = nil
	}
	data := &trainingSet{images: train, pen: penTrain, penRepeat: o.penRepeat, augment: o.augment, seed: o.seed}
	var valX []float32
	if val != nil {
		valX = val.Float32(nil, 0, val.N)
	}
	penValX, penValY := renderAll(penVal, pagePlacement)
	testX := test.Float32(nil, 0, test.N)

	m, err := nn.New(nn.Tutorial(), rand.New(rand.NewPCG(o.seed, 0)))
	if err != nil {
		return err
	}
	fmt.Fprintln(w, m.Summary())
	shuffleSrc := rand.NewPCG(o.seed, 1)

	// State that a checkpoint saves and a resume restores.
	st := &trainState{Epoch: 0, BestScore: -1}
	if o.resume {
		if err := st.load(o.checkpoint, o, m, shuffleSrc); err != nil {
			return err
		}
		if st.Epoch >= o.epochs {
			fmt.Fprintf(w, "Resuming from %s: all %d epochs are done; writing its best epoch again\n", o.checkpoint, st.Epoch)
		} else {
			fmt.Fprintf(w, "Resuming from %s at epoch %d, batch %d\n", o.checkpoint, st.Epoch+1, st.Batch)
		}
	}
	shuffleAtEpoch, _ := shuffleSrc.MarshalBinary() // its state before the current epoch's shuffle

	// Ctrl-C or SIGTERM: finish the current step, save, stop.
	var stopping atomic.Bool
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sig)
	go func() {
		if _, ok := <-sig; ok {
			stopping.Store(true)
		}
	}()

	term, _ := os.Stdout.Stat()
	prog := &progress{w: w, terminal: w == io.Writer(os.Stdout) && term != nil && term.Mode()&os.ModeCharDevice != 0}
	batches := (data.Len() + o.batch - 1) / o.batch
	var stepped int // steps since the epoch began (or resumed)
	// enter prepares an epoch: its decayed learning rate, its own random
	// augmentation, the progress header.
	enter := func(epoch int) {
		m.Optimizer().SetLearningRate(o.lr * math.Pow(o.lrDecay, float64(epoch)))
		data.epoch = epoch
		if epoch < o.epochs {
			prog.beginEpoch(epoch, o.epochs)
		}
	}
	enter(st.Epoch)
	_, err = m.Fit(data, nn.FitOptions{
		Epochs:       o.epochs,
		InitialEpoch: st.Epoch,
		InitialBatch: st.Batch,
		BatchSize:    o.batch,
		Shuffle:      rand.New(shuffleSrc),
		OnBatch: func(p nn.BatchProgress) error {
			stepped++
			if math.IsNaN(p.Loss) || math.IsInf(p.Loss, 0) {
				kept := "no checkpoint was written yet"
				if _, err := os.Stat(o.checkpoint); err == nil {
					kept = "the last good checkpoint (" + o.checkpoint + ") is kept"
				}
				return fmt.Errorf("the loss became %v at epoch %d, batch %d: training stopped; %s; "+
					"try a lower -lr", p.Loss, p.Epoch+1, p.Batch+1, kept)
			}
			prog.batch(p.Batch+1, p.Batches, p.Loss, p.Accuracy)
			if stopping.Load() && p.Batch+1 < p.Batches {
				st.Epoch, st.Batch = p.Epoch, p.Batch+1
				st.Seconds += time.Since(prog.start).Seconds()
				if err := st.save(o.checkpoint, o, m, shuffleAtEpoch); err != nil {
					return fmt.Errorf("interrupted, and the checkpoint could not be saved: %w", err)
				}
				fmt.Fprintf(w, "\nInterrupted: saved %s (epoch %d, batch %d of %d). Continue with the same flags and -resume.\n",
					o.checkpoint, p.Epoch+1, p.Batch+1, p.Batches)
				return errInterrupted
			}
			return nil
		},
		OnEpoch: func(r nn.EpochResult) error {
			e := epochLog{Epoch: r.Epoch + 1, LR: m.Optimizer().LearningRate(), Loss: r.Loss, Accuracy: r.Accuracy}
			extra := ""
			score, parts := 0.0, 0
			if valX != nil {
				v := evaluate(m, valX, val.Labels)
				e.ValAccuracy = v.Accuracy
				extra += fmt.Sprintf(" - val_accuracy: %.4f", v.Accuracy)
				score, parts = score+v.Accuracy, parts+1
			}
			if len(penVal) > 0 {
				v := evaluate(m, penValX, penValY)
				e.PenAccuracy = v.Accuracy
				extra += fmt.Sprintf(" - pen_val_accuracy: %.4f", v.Accuracy)
				score, parts = score+v.Accuracy, parts+1
			}
			t := evaluate(m, testX, test.Labels)
			e.TestLoss, e.TestAcc = t.Loss, t.Accuracy
			extra += fmt.Sprintf(" - test_accuracy: %.4f", t.Accuracy)
			e.Seconds = prog.endEpoch(batches, r.Loss, r.Accuracy, extra).Seconds()
			st.Seconds += e.Seconds
			if stepped < batches {
				e.Seconds = 0 // a resumed epoch's time is not comparable
			}
			stepped = 0
			st.History = append(st.History, e)
			// Keep the best epoch by validation (never by the test set); with
			// no validation data (the tutorial recipe), the last epoch.
			if parts == 0 || score/float64(parts) > st.BestScore {
				st.BestScore = score / float64(max(parts, 1))
				st.BestEpoch = r.Epoch + 1
				st.Best = snapshot(m)
			}
			// Checkpoint the state the next epoch starts from (enter sets
			// its learning rate, after a resume too).
			st.Epoch, st.Batch = r.Epoch+1, 0
			shuffleAtEpoch, _ = shuffleSrc.MarshalBinary()
			if err := st.save(o.checkpoint, o, m, shuffleAtEpoch); err != nil {
				return fmt.Errorf("saving the checkpoint: %w", err)
			}
			if stopping.Load() {
				fmt.Fprintf(w, "Interrupted: saved %s after epoch %d. Continue with the same flags and -resume.\n", o.checkpoint, r.Epoch+1)
				return errInterrupted
			}
			enter(st.Epoch)
			return nil
		},
	})
	if err != nil {
		return err
	}
	if st.Best == nil {
		return fmt.Errorf("nothing to save: the checkpoint %s had finished all %d epochs already", o.checkpoint, o.epochs)
	}
	if err := m.SetParams(st.Best); err != nil {
		return err
	}
	fmt.Fprintf(w, "(%s from start to here, data and evaluation included)\n", seconds(time.Since(start)))
	return finish(o, w, m, st, test, testX, penVal, penValX, penValY, st.Seconds)
}

// snapshot copies a model's parameter values.
func snapshot(m *nn.Sequential) []nn.Param {
	ps := make([]nn.Param, len(m.Params()))
	for i, p := range m.Params() {
		ps[i] = nn.Param{Name: p.Name, Shape: p.Shape, Value: append([]float32(nil), p.Value...)}
	}
	return ps
}
