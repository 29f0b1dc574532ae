package nn

import "math"

// maxPool is Keras's MaxPooling2D with stride equal to the pool and valid
// padding: OH = ⌊H/PH⌋, OW = ⌊W/PW⌋, and the rows and columns left over
// are ignored.
//
//	y[n, i, j, c] = max_{a<PH, b<PW} x[n, i·PH+a, j·PW+b, c]
//
// A NaN in a window makes its maximum NaN.
type maxPool struct {
	h, w, c int // input (H, W, C)
	ph, pw  int
	oh, ow  int
	// relu is set when the input is the output of a layer's ReLU, which then
	// leaves its mask to backward here: the mask at a window's maximum is
	// whether the maximum is positive, one test per output instead of a
	// pass over the larger input (see New).
	relu bool

	n     int
	x     []float32 // (N, H, W, C) input of the last forward, not owned
	y     []float32 // (N, OH, OW, C)
	dy    []float32 // (N, OH, OW, C) during backward
	dx    []float32 // (N, H, W, C)
	found []uint32  // (N, C) scratch of backward
}

func newMaxPool(in, out Shape, pool [2]int) *maxPool {
	return &maxPool{h: in[0], w: in[1], c: in[2], ph: pool[0], pw: pool[1], oh: out[0], ow: out[1]}
}

func (m *maxPool) forward(x []float32, n int) []float32 {
	m.n, m.x = n, x
	size := n * m.oh * m.ow * m.c
	m.y = grow(m.y, size)
	parallel(n, (*maxPoolForward)(m))
	return m.y
}

// maxPoolForward pools image i. It keeps no record of where the maxima are,
// which would make inference (a drawing at a time on the page) slower: backward
// finds them again.
type maxPoolForward maxPool

func (m *maxPoolForward) do(i int) {
	c := m.c
	x := m.x[i*m.h*m.w*c : (i+1)*m.h*m.w*c] // (H, W, C)
	out := m.oh * m.ow * c
	y := m.y[i*out : (i+1)*out] // (OH, OW, C)
	if m.fast(y, x) {
		return
	}
	for oy := range m.oh {
		for ox := range m.ow {
			yo := y[(oy*m.ow+ox)*c : (oy*m.ow+ox+1)*c]
			for a := range m.ph {
				for b := range m.pw {
					at := ((oy*m.ph+a)*m.w + ox*m.pw + b) * c
					xs := x[at : at+c]
					if a == 0 && b == 0 {
						copy(yo, xs)
						continue
					}
					for ch, v := range xs {
						yo[ch] = maxf(yo[ch], v) // no branch: which is largest is a coin toss
					}
				}
			}
		}
	}
}

// backward routes each output's gradient to where its maximum is in the input
// of the last forward: the first such element of its window in row-major
// order (a NaN maximum gets none; with relu, neither does one that is not
// positive). It writes every element of dx once, without branching on the
// data: a mask per channel marks the maximum found.
func (m *maxPool) backward(dy []float32, needDx bool) []float32 {
	if !needDx {
		return nil
	}
	m.dy = dy
	m.dx = grow(m.dx, m.n*m.h*m.w*m.c)
	m.found = grow(m.found, m.n*m.c)
	parallel(m.n, (*maxPoolBackward)(m))
	m.dy = nil
	return m.dx
}

type maxPoolBackward maxPool

func (m *maxPoolBackward) do(i int) {
	c := m.c
	x := m.x[i*m.h*m.w*c : (i+1)*m.h*m.w*c]
	dx := m.dx[i*m.h*m.w*c : (i+1)*m.h*m.w*c]
	out := m.oh * m.ow * c
	y, dy := m.y[i*out:(i+1)*out], m.dy[i*out:(i+1)*out]
	if m.oh*m.ph < m.h || m.ow*m.pw < m.w {
		clear(dx) // rows or columns outside every window
	}
	if m.fast(dx, x, y, dy) {
		return
	}
	found := m.found[i*c : (i+1)*c] // all ones once the window's maximum is found
	for oy := range m.oh {
		for ox := range m.ow {
			o := (oy*m.ow + ox) * c
			yo, dyo := y[o:o+c], dy[o:o+c]
			clear(found)
			if m.relu {
				for ch, v := range yo {
					if !(v > 0) {
						found[ch] = ^uint32(0) // no element gets the gradient
					}
				}
			}
			for a := range m.ph {
				for b := range m.pw {
					at := ((oy*m.ph+a)*m.w + ox*m.pw + b) * c
					xs, ds := x[at:at+c], dx[at:at+c]
					for ch, v := range xs {
						var hit uint32
						if v == yo[ch] {
							hit = ^uint32(0) // a conditional move
						}
						hit &^= found[ch]
						found[ch] |= hit
						ds[ch] = math.Float32frombits(math.Float32bits(dyo[ch]) & hit)
					}
				}
			}
		}
	}
}
