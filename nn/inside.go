package nn

// Inside is what a Predictor computes for one example, layer by layer, for
// a learner to look at. The maps are channel-major, one channel's map after
// the other (Conv[c*OH*OW:] is channel c's), as pictures want them, not in
// the (H, W, C) order the layers use.
type Inside struct {
	Filters []float32 // (Cout, KH, KW, Cin): the conv2d kernel, one filter per channel
	Conv    []float32 // (Cout, OH, OW): the conv2d outputs the pooling reads, after the bias and ReLU
	Pooled  []float32 // (Cout, QH, QW): the max_pooling2d output
	Dense   []float32 // (Units): the first dense layer's output, after ReLU
	Probs   []float32 // (Classes): as PredictOne gives them
	Digit   int       // the most probable class

	Cout, KH, KW, Cin, OH, OW, QH, QW int
}

// Inside runs one example x (H, W, C) as PredictOne does, and writes into
// in what each layer computes, reusing in's slices when they are large
// enough. The conv2d outputs are those the pooling reads: all of them
// unless the pool does not divide conv2d's output (then the last rows or
// columns, which max_pooling2d drops, are left out). The numbers are
// PredictOne's, bit for bit.
func (p *Predictor) Inside(in *Inside, x []float32) {
	if len(x) != p.h*p.w*p.cin {
		panic("nn: Predictor.Inside: x must hold one example")
	}
	cout, cin, kh, kw, oh, ow, qh, qw := p.cout, p.cin, p.kh, p.kw, p.oh, p.ow, p.qh, p.qw
	nf, nc, np := cout*kh*kw*cin, cout*oh*ow, cout*qh*qw
	// One buffer for the five, Filters first: reused when Filters' capacity
	// (the buffer's, so Filters alone is not cut to its length) is enough.
	b := grow(in.Filters[:cap(in.Filters)], nf+nc+np+p.units+p.classes)
	*in = Inside{
		Filters: b[:nf], Conv: b[nf : nf+nc : nf+nc], Pooled: b[nf+nc : nf+nc+np : nf+nc+np],
		Dense: b[nf+nc+np : len(b)-p.classes : len(b)-p.classes], Probs: b[len(b)-p.classes:],
		Cout: cout, KH: kh, KW: kw, Cin: cin, OH: oh, OW: ow, QH: qh, QW: qw,
	}
	// Channel by channel: the filter (krev is (KH, Cin, KW, Cout), each row
	// of taps reversed), then the conv2d outputs (acc holds the sums of those
	// with ink in their patch, 0 for the others, until rest pools them).
	p.convolve(x)
	f, conv := in.Filters, in.Conv
	for c := range cout {
		for a := range kh {
			for b := range kw {
				for ch := range cin {
					f[0] = p.krev[((a*cin+ch)*kw+kw-1-b)*cout+c]
					f = f[1:]
				}
			}
		}
		for o := range oh * ow {
			conv[o] = relu32(p.acc[o*cout+c] + p.bias[c])
		}
		conv = conv[oh*ow:]
	}
	p.pool()
	if !p.simd.run(p, x) { // as PredictOne
		p.dense()
		p.relu()
	}
	in.Digit = p.answer(in.Probs)
	copy(in.Dense, p.act)
	// The pooled maps, from the conv2d maps: row r of a channel's pooled
	// map is the maximum over ph rows of its conv2d map, pw columns at a time.
	pooled, conv := in.Pooled, in.Conv
	for range cout * qh {
		for col := range qw {
			var m float32 // the values are ≥ 0
			for a := range p.ph {
				for _, v := range conv[a*ow+col*p.pw:][:p.pw] {
					m = max(m, v)
				}
			}
			pooled[col] = m
		}
		pooled, conv = pooled[qw:], conv[p.ph*ow:]
	}
}

// OcclusionPatch is the side of the square Occlusion hides, in pixels.
const OcclusionPatch = 5

// Occlusion tells which parts of the example x (H, W, C) moved the answer
// most. It writes into dst (H·W), for each pixel, how much hiding (setting
// to 0) the OcclusionPatch×OcclusionPatch square centred on it lowers the
// probability of the class PredictOne gives x, averaged over the squares
// that cover the pixel (cut at the image's edges); negative where hiding
// raises it. It returns that class. Squares with nothing to hide change
// nothing and are not run, so the work grows with the ink, not the image.
func (p *Predictor) Occlusion(dst, x []float32) int {
	h, w, cin := p.h, p.w, p.cin
	if len(dst) != h*w || len(x) != h*w*cin {
		panic("nn: Predictor.Occlusion: x must hold one example, dst a value per pixel")
	}
	top := p.PredictOne(nil, x)
	p0 := p.probs[top]
	p.hide = grow(p.hide, len(x))
	y := p.hide
	clear(dst)
	const r = OcclusionPatch / 2
	for i := range h {
		i0, i1 := max(i-r, 0), min(i+r+1, h)
		for j := range w {
			j0, j1 := max(j-r, 0), min(j+r+1, w)
			copy(y, x)
			inked := false
			for a := i0; a < i1; a++ {
				for k, v := range y[(a*w+j0)*cin : (a*w+j1)*cin] {
					inked = inked || v != 0
					y[(a*w+j0)*cin+k] = 0
				}
			}
			if inked {
				p.PredictOne(nil, y)
				for a := i0; a < i1; a++ {
					for b := j0; b < j1; b++ {
						dst[a*w+b] += p0 - p.probs[top]
					}
				}
			}
		}
	}
	// Each pixel's sum over the squares that cover it, divided by their number.
	for i := range h {
		for j := range w {
			dst[i*w+j] /= float32((min(i+r+1, h) - max(i-r, 0)) * (min(j+r+1, w) - max(j-r, 0)))
		}
	}
	return top
}
