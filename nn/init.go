package nn

import (
	"math"
	"math/rand/v2"
)

// initKernel fills v with the initialiser init (LayerConfig.Init) for a
// kernel of the given fans, drawing from rng in v's order:
//
//	he_uniform      U(−√(6/fan_in), √(6/fan_in))
//	glorot_uniform  U(−√(6/(fan_in+fan_out)), √(6/(fan_in+fan_out)))   (also for "")
//	zeros           0
//
// As in Keras, a conv2d kernel has fan_in = KH·KW·Cin and fan_out = KH·KW·Cout;
// a dense kernel has fan_in = in and fan_out = out.
func initKernel(v []float32, init string, fanIn, fanOut int, rng *rand.Rand) {
	var limit float64
	switch init {
	case InitZeros:
		clear(v)
		return
	case InitHeUniform:
		limit = math.Sqrt(6 / float64(fanIn))
	default:
		limit = math.Sqrt(6 / float64(fanIn+fanOut))
	}
	for i := range v {
		v[i] = float32((2*rng.Float64() - 1) * limit)
	}
}

// fans returns a kernel's fan_in and fan_out (see initKernel).
func fans(kernelShape []int) (in, out int) {
	if len(kernelShape) == 4 { // (KH, KW, Cin, Cout)
		k := kernelShape[0] * kernelShape[1]
		return k * kernelShape[2], k * kernelShape[3]
	}
	return kernelShape[0], kernelShape[1]
}
