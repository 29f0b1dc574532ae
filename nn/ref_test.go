package nn

import (
	"math"
	"math/rand/v2"
)

// Naive float64 implementations of the layers, written from their definitions
// and independent of the package's code: the reference for the finite
// difference checks.

// refConv: x (n, h, w, cin), k (kh, kw, cin, cout), b (cout) → (n, h−kh+1, w−kw+1, cout).
func refConv(x, k, b []float64, n, h, w, cin, kh, kw, cout int) []float64 {
	oh, ow := h-kh+1, w-kw+1
	y := make([]float64, n*oh*ow*cout)
	for i := range n {
		for r := range oh {
			for c := range ow {
				for o := range cout {
					s := b[o]
					for a := range kh {
						for bb := range kw {
							for ch := range cin {
								s += x[((i*h+r+a)*w+c+bb)*cin+ch] * k[((a*kw+bb)*cin+ch)*cout+o]
							}
						}
					}
					y[((i*oh+r)*ow+c)*cout+o] = s
				}
			}
		}
	}
	return y
}

// refMaxPool: x (n, h, w, c) → (n, h/ph, w/pw, c).
func refMaxPool(x []float64, n, h, w, c, ph, pw int) []float64 {
	oh, ow := h/ph, w/pw
	y := make([]float64, n*oh*ow*c)
	for i := range n {
		for r := range oh {
			for col := range ow {
				for ch := range c {
					m := math.Inf(-1)
					for a := range ph {
						for b := range pw {
							m = max(m, x[((i*h+r*ph+a)*w+col*pw+b)*c+ch])
						}
					}
					y[((i*oh+r)*ow+col)*c+ch] = m
				}
			}
		}
	}
	return y
}

// refDense: x (n, in), k (in, out), b (out) → (n, out).
func refDense(x, k, b []float64, n, in, out int) []float64 {
	y := make([]float64, n*out)
	for i := range n {
		for j := range out {
			s := b[j]
			for l := range in {
				s += x[i*in+l] * k[l*out+j]
			}
			y[i*out+j] = s
		}
	}
	return y
}

func refReLU(x []float64) []float64 {
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = max(v, 0)
	}
	return y
}

func refSoftmax(x []float64, classes int) []float64 {
	y := make([]float64, len(x))
	for i := 0; i < len(x); i += classes {
		m := math.Inf(-1)
		for _, v := range x[i : i+classes] {
			m = max(m, v)
		}
		var s float64
		for j, v := range x[i : i+classes] {
			y[i+j] = math.Exp(v - m)
			s += y[i+j]
		}
		for j := range classes {
			y[i+j] /= s
		}
	}
	return y
}

// refLoss is the mean of −log softmax(z)_y over the rows of logits.
func refLoss(logits []float64, y []uint8, classes int) float64 {
	p := refSoftmax(logits, classes)
	var s float64
	for i, l := range y {
		s -= math.Log(p[i*classes+int(l)])
	}
	return s / float64(len(y))
}

// dot64 is Σ a_i·b_i.
func dot64(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// fdErr compares got, the gradient of loss with respect to v (which loss
// reads), with central differences of loss, by relErr64. Long vectors are
// checked at 256 elements spread over them (first and last included).
func fdErr(got []float32, v []float64, loss func() float64) float64 {
	const h = 1e-6
	idx := make([]int, 0, len(v))
	if len(v) <= 256 {
		for i := range v {
			idx = append(idx, i)
		}
	} else {
		for k := range 256 {
			idx = append(idx, k*(len(v)-1)/255)
		}
	}
	g, want := make([]float32, len(idx)), make([]float64, len(idx))
	for k, i := range idx {
		old := v[i]
		v[i] = old + h
		lp := loss()
		v[i] = old - h
		lm := loss()
		v[i] = old
		g[k], want[k] = got[i], (lp-lm)/(2*h)
	}
	return relErr64(g, want)
}

// randVals returns n values uniform in [−scale, scale) as float32 and the same
// values as float64.
func randVals(r *rand.Rand, n int, scale float64) ([]float32, []float64) {
	v32, v64 := make([]float32, n), make([]float64, n)
	for i := range v32 {
		v32[i] = float32((2*r.Float64() - 1) * scale)
		v64[i] = float64(v32[i])
	}
	return v32, v64
}

// randLabels returns n labels drawn uniformly from 0…classes−1.
func randLabels(r *rand.Rand, n, classes int) []uint8 {
	y := make([]uint8, n)
	for i := range y {
		y[i] = uint8(r.IntN(classes))
	}
	return y
}

func to64(v []float32) []float64 {
	w := make([]float64, len(v))
	for i, x := range v {
		w[i] = float64(x)
	}
	return w
}

// relErr64 is max_i |got_i − want_i| / max(|want_i|, scale) with scale the
// root-mean-square of want (1 when want is all zero): relative for the
// elements that matter, and not blown up by elements near zero (a gradient
// of 1e-12 computed as 2e-12).
func relErr64(got []float32, want []float64) float64 {
	var ss float64
	for _, v := range want {
		ss += v * v
	}
	scale := math.Sqrt(ss / float64(len(want)))
	if scale == 0 {
		scale = 1
	}
	var e float64
	for i, w := range want {
		e = max(e, math.Abs(float64(got[i])-w)/max(math.Abs(w), scale))
	}
	return e
}

// maxAbs64 is max_i |got_i − want_i|.
func maxAbs64(got []float32, want []float64) float64 {
	var d float64
	for i, w := range want {
		d = max(d, math.Abs(float64(got[i])-w))
	}
	return d
}
