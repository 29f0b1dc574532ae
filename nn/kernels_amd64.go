package nn

//go:noescape
func adamAVX2(w, grad, m, v *float32, n int, alpha, b1, b2, eps float32, flush bool)

//go:noescape
func reluMaskAVX2(dy, y *float32, n int)

//go:noescape
func maxPoolRowAVX2(y, x *float32, ow, c, ph, pw, wstride int)

//go:noescape
func maxPoolBackRowAVX2(dx, x, y, dy *float32, ow, c, ph, pw, wstride int, relu bool)

//go:noescape
func transposeAVX2(dst *float32, ldd int, src *float32, lds, rows, cols int)

// transpose writes the rows×cols matrix src (row stride lds) into dst as
// cols×rows (row stride ldd).
func transpose(dst []float32, ldd int, src []float32, lds, rows, cols int) {
	r8, c8 := rows&^7, cols&^7
	if !useAVX2 || r8 == 0 || c8 == 0 {
		transposeGo(dst, ldd, src, lds, rows, cols)
		return
	}
	if len(src) < (rows-1)*lds+cols || len(dst) < (cols-1)*ldd+rows || lds < cols || ldd < rows {
		panic("nn: transpose: matrix too short")
	}
	transposeAVX2(&dst[0], ldd, &src[0], lds, r8, c8)
	if c8 < cols { // the last columns of src, all rows
		transposeGo(dst[c8*ldd:], ldd, src[c8:], lds, rows, cols-c8)
	}
	if r8 < rows { // the last rows of src, the other columns
		transposeGo(dst[r8:], ldd, src[r8*lds:], lds, rows-r8, c8)
	}
}

//go:noescape
func im2colRowAVX2(dst, src *float32, ow, kh, seg, cin, wstride, k1 int, mask *[8]int32)

// fast fills an image's rows col from its input x with AVX2 when a patch's
// rows (KW·Cin floats) are at most 8 long and a pixel's row of col at least
// 8, and reports whether it did.
func (c *convIm2col) fast(col, x []float32) bool {
	k := c.kh * c.kw * c.cin
	seg := c.kw * c.cin
	if !useAVX2 || seg > 8 || k+1 < 8 || c.oh == 0 || c.ow == 0 {
		return false
	}
	var mask [8]int32
	for t := range seg {
		mask[t] = -1
	}
	for y := range c.oh {
		// The last segment read ends inside x: ((y+KH−1)·W + OW−1)·Cin + seg ≤ H·W·Cin.
		im2colRowAVX2(&col[y*c.ow*(k+1)], &x[y*c.w*c.cin], c.ow, c.kh, seg, c.cin, 4*c.w*c.cin, k+1, &mask)
	}
	return true
}

// adam applies one Adam update to w from g (see adamGo).
func adam(w, g, m, v []float32, alpha, b1, b2, eps float32, flush bool) {
	n := len(w)
	g, m, v = g[:n], m[:n], v[:n]
	done := 0
	if useAVX2 && n >= 8 {
		adamAVX2(&w[0], &g[0], &m[0], &v[0], n, alpha, b1, b2, eps, flush)
		done = n &^ 7
	}
	adamGo(w[done:], g[done:], m[done:], v[done:], alpha, b1, b2, eps, flush)
}

// reluBackward zeroes dy where the output y is not positive (see reluMask).
func reluBackward(dy, y []float32) {
	n := len(dy)
	y = y[:n]
	done := 0
	if useAVX2 && n >= 8 {
		reluMaskAVX2(&dy[0], &y[0], n)
		done = n &^ 7
	}
	reluBackwardGo(dy[done:], y[done:])
}

// fast pools an image x into y with AVX2 when the channels come in vectors
// of 8, and reports whether it did.
func (m *maxPoolForward) fast(y, x []float32) bool {
	c := m.c
	if !useAVX2 || c%8 != 0 || m.oh == 0 || m.ow == 0 {
		return false
	}
	for oy := range m.oh {
		maxPoolRowAVX2(&y[oy*m.ow*c], &x[oy*m.ph*m.w*c], m.ow, c, m.ph, m.pw, 4*m.w*c)
	}
	return true
}

// fast routes an image's gradients dy to dx with AVX2 when the channels come
// in vectors of 8, and reports whether it did. (do clears the rows and
// columns of dx outside every window.)
func (m *maxPoolBackward) fast(dx, x, y, dy []float32) bool {
	c := m.c
	if !useAVX2 || c%8 != 0 || m.oh == 0 || m.ow == 0 {
		return false
	}
	for oy := range m.oh {
		at := oy * m.ph * m.w * c
		maxPoolBackRowAVX2(&dx[at], &x[at], &y[oy*m.ow*c], &dy[oy*m.ow*c], m.ow, c, m.ph, m.pw, 4*m.w*c, m.relu)
	}
	return true
}

// fmaPeakAVX2 runs n rounds of 12 independent 8-wide FMAs (BenchmarkPeak).
//
//go:noescape
func fmaPeakAVX2(n int)
