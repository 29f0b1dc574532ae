package nn

import "math"

// The Predictor's inner loops. They are written for WebAssembly, where Go
// has no SIMD: every loop iteration goes once through the function's
// dispatch loop, so the loops do much per iteration, and they avoid
// branches on the data, float min and max (calls) and math.Float32bits (a
// trip through memory).

// madd is y += a·x (len(x) ≥ len(y)), four elements a step.
func madd(y []float32, a float32, x []float32) {
	x = x[:len(y)]
	j := 0
	for ; j+4 <= len(y); j += 4 {
		y4, x4 := y[j:j+4:j+4], x[j:j+4:j+4]
		y4[0] += a * x4[0]
		y4[1] += a * x4[1]
		y4[2] += a * x4[2]
		y4[3] += a * x4[3]
	}
	for ; j < len(y); j++ {
		y[j] += a * x[j]
	}
}

// madd8 is y += Σ a[i]·xi over i < 8 (each xi as long as y), in float64:
// eight rows a pass, so that y is read and written once for eight. (In
// WebAssembly float64 arithmetic costs what float32 does.)
func madd8(y, a []float64, x0, x1, x2, x3, x4, x5, x6, x7 []float32) {
	a0, a1, a2, a3, a4, a5, a6, a7 := a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]
	x0, x1, x2, x3 = x0[:len(y)], x1[:len(y)], x2[:len(y)], x3[:len(y)]
	x4, x5, x6, x7 = x4[:len(y)], x5[:len(y)], x6[:len(y)], x7[:len(y)]
	for j := range y {
		y[j] += a0*float64(x0[j]) + a1*float64(x1[j]) + a2*float64(x2[j]) + a3*float64(x3[j]) +
			a4*float64(x4[j]) + a5*float64(x5[j]) + a6*float64(x6[j]) + a7*float64(x7[j])
	}
}

// orderKey maps the bits of a float32 that is not NaN to an int32 that
// orders as the float does (−0 just below +0). It is its own inverse.
func orderKey(b int32) int32 { return b ^ (b>>31)&0x7fffffff }

// maxKeys sets keys to the larger of keys and the orderKeys of the floats
// whose bits are in y, and zeroes y.
func maxKeys(keys, y []int32) {
	y = y[:len(keys)]
	for c, b := range y {
		k, old := orderKey(b), keys[c]
		if old > k {
			k = old // a select, not a branch
		}
		keys[c] = k
		y[c] = 0
	}
}

// maxKeys4 sets keys to the largest orderKeys of the floats whose bits are
// in y0, …, y3, and zeroes them: a 2×2 window in one pass.
func maxKeys4(keys, y0, y1, y2, y3 []int32) {
	y0, y1, y2, y3 = y0[:len(keys)], y1[:len(keys)], y2[:len(keys)], y3[:len(keys)]
	for c := range keys {
		k0, k1, k2, k3 := orderKey(y0[c]), orderKey(y1[c]), orderKey(y2[c]), orderKey(y3[c])
		if k1 > k0 {
			k0 = k1 // selects
		}
		if k3 > k2 {
			k2 = k3
		}
		if k2 > k0 {
			k0 = k2
		}
		keys[c] = k0
		y0[c], y1[c], y2[c], y3[c] = 0, 0, 0, 0
	}
}

// relu32 is max(0, v), without a branch; exact for |v| < 2¹²⁷, and a NaN
// stays NaN.
func relu32(v float32) float32 {
	return (v + float32(math.Abs(float64(v)))) * 0.5
}

// softmaxExp writes the softmax of x into p as softmaxRow does (float64, shifted
// by the maximum), with expNeg for math.Exp.
func softmaxExp(p, x []float32) {
	m := float64(x[0])
	for _, v := range x {
		if float64(v) > m {
			m = float64(v)
		}
	}
	var sum float64
	for _, v := range x {
		sum += expNeg(float64(v) - m)
	}
	for j, v := range x {
		p[j] = float32(expNeg(float64(v)-m) / sum)
	}
}

const (
	ln2Hi = 6.93147180369123816490e-01 // ln 2 in its high 32 bits, so that k·ln2Hi is exact
	ln2Lo = 1.90821492927058770002e-10 // the rest of ln 2
)

// expNeg is eˣ for x ≤ 0, within a few units in the last place of math.Exp
// (which would add 1.1 KB to the page's gzipped wasm, 4.4 KB unzipped, net of
// expNeg; Go 1.26): x = k·ln 2 + r with
// |r| ≤ ln 2/2, eʳ by its Taylor series to the 13th power, times 2ᵏ.
func expNeg(x float64) float64 {
	if x != x || x > 0 {
		return math.NaN()
	}
	if x < -746 {
		return 0
	}
	k := math.Floor(x/math.Ln2 + 0.5)
	r := x - k*ln2Hi - k*ln2Lo
	e := 1.0
	for i := 13.0; i > 0; i-- {
		e = 1 + e*r/i
	}
	if k < -1000 { // keep 2ᵏ normal; the product may be subnormal
		e *= 0x1p-64
		k += 64
	}
	return e * math.Float64frombits(uint64(int64(k)+1023)<<52)
}

// logPos is ln x for a normal x > 0, within a few units in the last place
// of math.Log (which would add 0.9 KB to the page's gzipped wasm, net of
// logPos; Go 1.26); NaN gives NaN. x = 2ᵏ·f with f in [√½, √2], and
// ln f = 2·atanh(u) with u = (f − 1)/(f + 1), |u| < 0.172, by its series to
// the 21st power.
func logPos(x float64) float64 {
	if x != x {
		return x
	}
	b := math.Float64bits(x)
	k := float64(int64(b>>52) - 1023)
	f := math.Float64frombits(b&(1<<52-1) | 1023<<52)
	if f > math.Sqrt2 {
		f /= 2
		k++
	}
	u := (f - 1) / (f + 1)
	s := 0.0
	for i := 21.0; i > 0; i -= 2 {
		s = 1/i + u*u*s
	}
	return k*ln2Hi + (2*u*s + k*ln2Lo)
}
