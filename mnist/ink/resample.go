package ink

// Resampling counts in parts: a part is 1/Box of a source pixel, so that
// the edges of every output pixel fall on whole parts and the arithmetic is
// exact, in integers, until the final division.

// A tap says which source pixels one output pixel covers: pixels [j0, j1),
// the first for w0 parts, the last (when j1-j0 > 1) for w1 parts, those
// between for all Box parts.
type tap struct {
	j0, j1 int
	w0, w1 uint32
}

// taps fills t[:n] for n output pixels over a source extent of e pixels,
// long source pixels making Box output pixels: output pixel k covers parts
// [k·long, (k+1)·long), cut at e pixels; the part beyond e is background.
func taps(t []tap, n, e, long int) {
	for k := range t[:n] {
		lo := k * long
		hi := min((k+1)*long, e*Box)
		j0 := lo / Box
		j1 := (hi + Box - 1) / Box
		w0 := min((j0+1)*Box, hi) - lo
		w1 := hi - (j1-1)*Box
		t[k] = tap{j0: j0, j1: j1, w0: uint32(w0), w1: uint32(w1)}
	}
}

// resample scales the bw×bh box, whose longer side is long and whose
// top-left pixel starts at src[0] (rows stride bytes apart, ink as in
// bounds.go), to ow×oh pixels in p.box, by area averaging: each output
// pixel is the mean of the source area it covers, partly covered source
// pixels weighted by the part covered. Rows first (bw source pixels → ow
// sums per row, into p.rows), then columns.
func (p *Preprocessor) resample(src []byte, stride, step, bw, bh, ow, oh, long int) {
	tx, ty := p.tx[:ow], p.ty[:oh]
	taps(tx, ow, bw, long)
	taps(ty, oh, bh, long)
	if step == 4 && p.simdResample(src, stride, bw, ow, oh, long) {
		return // the same sums, in internal/simd's kernel (the browser)
	}

	// rows[y*ow+k]: the ink of source row y over output column k, in
	// ink·parts; at most 255·long, which fits.
	if cap(p.rows) < bh*ow {
		p.rows = make([]uint32, bh*ow)
	}
	rows := p.rows[:bh*ow]
	for y := range bh {
		r := src[y*stride:]
		out := rows[y*ow : (y+1)*ow]
		if step == 1 {
			for k, t := range tx {
				sum := t.w0 * uint32(r[t.j0])
				if t.j1-t.j0 > 1 {
					sum += Box*graySum(r, t.j0+1, t.j1-1) + t.w1*uint32(r[t.j1-1])
				}
				out[k] = sum
			}
			continue
		}
		// RGBA: graySum for alpha bytes, inlined by hand (as a function the
		// compiler does not inline it); 3% faster natively, noise under wasm.
		for k, t := range tx {
			sum := t.w0 * uint32(r[4*t.j0+3])
			if t.j1-t.j0 > 1 {
				const m = 0x000000FF000000FF
				var lanes uint64
				a, b := t.j0+1, t.j1-1
				for ; a+4 <= b; a += 4 {
					w := r[4*a : 4*a+16]
					lanes += le64(w)>>24&m + le64(w[8:])>>24&m
				}
				for ; a+2 <= b; a += 2 {
					lanes += le64(r[4*a:]) >> 24 & m
				}
				mid := uint32(lanes) + uint32(lanes>>32)
				if a < b {
					mid += uint32(r[4*a+3])
				}
				sum += Box*mid + t.w1*uint32(r[4*(t.j1-1)+3])
			}
			out[k] = sum
		}
	}

	// acc: the ink of each output pixel in ink·parts², at most 255·long².
	acc := p.acc[:ow*oh]
	for k, t := range ty {
		a := acc[k*ow : (k+1)*ow]
		clear(a)
		for j := t.j0 + 1; j < t.j1-1; j++ {
			for x, v := range rows[j*ow : (j+1)*ow] {
				a[x] += uint64(v)
			}
		}
		for x, v := range rows[t.j0*ow : (t.j0+1)*ow] {
			a[x] = Box*a[x] + uint64(t.w0)*uint64(v)
		}
		if t.j1-t.j0 > 1 {
			for x, v := range rows[(t.j1-1)*ow : t.j1*ow] {
				a[x] += uint64(t.w1) * uint64(v)
			}
		}
	}
	// An output pixel covers long² parts² of full ink 255.
	f := 1 / (255 * float64(long) * float64(long))
	for i, v := range acc {
		p.box[i] = min(float32(float64(v)*f), 1)
	}
}

// graySum returns the sum of the bytes [a, b) of r, eight a word in four
// 16-bit lanes. A lane gains at most 510 a word, so b-a must stay below
// 1024; a run is at most MaxSide/Box pixels.
func graySum(r []byte, a, b int) uint32 {
	const m = 0x00FF00FF00FF00FF
	var lanes uint64
	for ; a+8 <= b; a += 8 {
		w := le64(r[a:])
		lanes += w&m + w>>8&m
	}
	sum := lanes&0xFFFF + lanes>>16&0xFFFF + lanes>>32&0xFFFF + lanes>>48
	for ; a < b; a++ {
		sum += uint64(r[a])
	}
	return uint32(sum)
}
