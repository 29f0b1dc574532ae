package nn

// maxPool is Keras's MaxPooling2D with stride equal to the pool and valid
// padding: OH = ⌊H/PH⌋, OW = ⌊W/PW⌋, and the rows and columns left over
// are ignored.
//
//	y[n, i, j, c] = max_{a<PH, b<PW} x[n, i·PH+a, j·PW+b, c]
type maxPool struct {
	h, w, c int // input (H, W, C)
	ph, pw  int
	oh, ow  int

	n   int
	x   []float32 // (N, H, W, C) during forward
	y   []float32 // (N, OH, OW, C)
	arg []int32   // (N, OH, OW, C) where each maximum is, as an index into its example's input
	dy  []float32 // (N, OH, OW, C) during backward
	dx  []float32 // (N, H, W, C)
}

func newMaxPool(in, out Shape, pool [2]int) *maxPool {
	return &maxPool{h: in[0], w: in[1], c: in[2], ph: pool[0], pw: pool[1], oh: out[0], ow: out[1]}
}

func (m *maxPool) forward(x []float32, n int) []float32 {
	m.n, m.x = n, x
	size := n * m.oh * m.ow * m.c
	m.y = grow(m.y, size)
	m.arg = grow(m.arg, size)
	parallel(n, (*maxPoolForward)(m))
	m.x = nil
	return m.y
}

// maxPoolForward pools image i. Within a window the first maximum in row-major
// order wins; a NaN wins over any number.
type maxPoolForward maxPool

func (m *maxPoolForward) do(i int) {
	x := m.x[i*m.h*m.w*m.c : (i+1)*m.h*m.w*m.c] // (H, W, C)
	out := m.oh * m.ow * m.c
	y, arg := m.y[i*out:(i+1)*out], m.arg[i*out:(i+1)*out] // (OH, OW, C)
	for oy := range m.oh {
		for ox := range m.ow {
			o := (oy*m.ow + ox) * m.c
			yo, ao := y[o:o+m.c], arg[o:o+m.c]
			for a := range m.ph {
				for b := range m.pw {
					at := ((oy*m.ph+a)*m.w + ox*m.pw + b) * m.c
					xs := x[at : at+m.c]
					if a == 0 && b == 0 {
						copy(yo, xs)
						for ch := range ao {
							ao[ch] = int32(at + ch)
						}
						continue
					}
					for ch, v := range xs {
						if v > yo[ch] || (v != v && yo[ch] == yo[ch]) {
							yo[ch], ao[ch] = v, int32(at+ch)
						}
					}
				}
			}
		}
	}
}

// backward routes each output's gradient to where its maximum was.
func (m *maxPool) backward(dy []float32, needDx bool) []float32 {
	if !needDx {
		return nil
	}
	m.dy = dy
	m.dx = grow(m.dx, m.n*m.h*m.w*m.c)
	parallel(m.n, (*maxPoolBackward)(m))
	m.dy = nil
	return m.dx
}

type maxPoolBackward maxPool

func (m *maxPoolBackward) do(i int) {
	dx := m.dx[i*m.h*m.w*m.c : (i+1)*m.h*m.w*m.c]
	out := m.oh * m.ow * m.c
	dy, arg := m.dy[i*out:(i+1)*out], m.arg[i*out:(i+1)*out]
	clear(dx)
	for o, at := range arg {
		dx[at] += dy[o]
	}
}
