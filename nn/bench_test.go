package nn

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
)

// benchData returns n MNIST training images and labels from the module cache,
// or synthetic ones (synthDigits) when the files are not there.
func benchData(b *testing.B, n int) ([]float32, []uint8) {
	if dir, _ := mnistDir(); dir != "" {
		if e, err := readMNIST(dir, "train", n); err == nil {
			return e.X, e.Y
		}
	}
	return synthDigits(rand.New(rand.NewPCG(14, 0)), n)
}

// BenchmarkTrainStep is one step of the tutorial's training: forward,
// backward and Adam update on a batch of 32 images.
func BenchmarkTrainStep(b *testing.B) {
	const batch = 32
	x, y := benchData(b, 8*batch)
	m := mustNew(b, Tutorial(), rand.New(rand.NewPCG(14, 1)))
	m.TrainStep(x[:batch*784], y[:batch])
	b.ReportAllocs()
	i := 0
	cpu := cpuTime()
	for b.Loop() {
		k := i % 8
		m.TrainStep(x[k*batch*784:(k+1)*batch*784], y[k*batch:(k+1)*batch])
		i++
	}
	if cpu := cpuTime() - cpu; cpu > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}

// BenchmarkPredictOne is the page's work per drawing: the forward pass of
// one image.
func BenchmarkPredictOne(b *testing.B) {
	x, _ := benchData(b, 1)
	m := mustNew(b, Tutorial(), rand.New(rand.NewPCG(14, 2)))
	probs := make([]float32, 10)
	m.PredictOne(probs, x)
	b.ReportAllocs()
	for b.Loop() {
		m.PredictOne(probs, x)
	}
}

// BenchmarkEvaluate is the forward pass over 1,024 images, in chunks.
func BenchmarkEvaluate(b *testing.B) {
	x, y := benchData(b, 1024)
	m := mustNew(b, Tutorial(), rand.New(rand.NewPCG(14, 3)))
	m.Evaluate(x, y)
	b.ReportAllocs()
	for b.Loop() {
		m.Evaluate(x, y)
	}
}

// BenchmarkTrainScaling is TrainStep for other batch sizes and numbers of
// conv2d filters (the tutorial is batch 32, 32 filters): time per example
// (wall and CPU, all threads) and the memory the model holds (parameters,
// Adam's state, gradients and the buffers of a step).
func BenchmarkTrainScaling(b *testing.B) {
	x, y := benchData(b, 4*128)
	for _, filters := range []int{16, 32, 64} {
		for _, batch := range []int{16, 32, 64, 128} {
			b.Run(fmt.Sprintf("filters=%d/batch=%d", filters, batch), func(b *testing.B) {
				cfg := Tutorial()
				cfg.Layers[0].Filters = filters
				var before, after runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&before)
				m := mustNew(b, cfg, rand.New(rand.NewPCG(14, 1)))
				m.TrainStep(x[:batch*784], y[:batch])
				runtime.ReadMemStats(&after)
				steps := len(y) / batch
				i := 0
				cpu := cpuTime()
				for b.Loop() {
					k := i % steps
					m.TrainStep(x[k*batch*784:(k+1)*batch*784], y[k*batch:(k+1)*batch])
					i++
				}
				per := float64(b.N * batch)
				b.ReportMetric(float64(b.Elapsed().Microseconds())/per, "µs/example")
				if cpu := cpuTime() - cpu; cpu > 0 {
					b.ReportMetric(float64(cpu.Microseconds())/per, "cpu-µs/example")
				}
				b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/(1<<20), "model-MiB")
			})
		}
	}
}
