package ink

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"inkling/mnist"
)

// outBox returns the half-open box of the non-zero pixels of a Size×Size
// image, and the image's total ink.
func outBox(im []float32) (x0, y0, x1, y1 int, mass float64) {
	x0, y0 = Size, Size
	for i, v := range im[:Size*Size] {
		if v > 0 {
			r, c := i/Size, i%Size
			x0, y0 = min(x0, c), min(y0, r)
			x1, y1 = max(x1, c+1), max(y1, r+1)
			mass += float64(v)
		}
	}
	return x0, y0, x1, y1, mass
}

// centreOfMass returns the image's centre of mass in pixel-index
// coordinates.
func centreOfMass(im []float32) (row, col float64) {
	var m float64
	for i, v := range im[:Size*Size] {
		m += float64(v)
		row += float64(v) * float64(i/Size)
		col += float64(v) * float64(i%Size)
	}
	return row / m, col / m
}

// checkMNISTForm checks what every successful result must satisfy: values
// in [0,1], the ink's box Box pixels on its longer side, and the centre of
// mass within half a pixel of (Centre, Centre).
func checkMNISTForm(t *testing.T, name string, im []float32) {
	t.Helper()
	for i, v := range im[:Size*Size] {
		if !(v >= 0 && v <= 1) {
			t.Fatalf("%s: pixel %d = %v, want [0,1]", name, i, v)
		}
	}
	x0, y0, x1, y1, _ := outBox(im)
	if long := max(x1-x0, y1-y0); long != Box {
		t.Errorf("%s: ink box %d×%d, want the longer side %d", name, x1-x0, y1-y0, Box)
	}
	r, c := centreOfMass(im)
	if math.Abs(r-Centre) > 0.5 || math.Abs(c-Centre) > 0.5 {
		t.Errorf("%s: centre of mass (row %.3f, col %.3f), want within 0.5 of %d", name, r, c, Centre)
	}
}

// seven is a 7 in a 100×100 box of pen units, drawn as two strokes.
var seven = []Stroke{{{0, 0}, {100, 0}, {40, 100}}, {{30, 50}, {80, 50}}}

// draw renders strokes fitted to height with their box centred at (cx, cy)
// on a w×h gray canvas.
func draw(w, h int, strokes []Stroke, height, cx, cy, pen float64) []byte {
	pix := make([]byte, w*h)
	Rasterize(pix, w, h, Fit(strokes, height, cx, cy), pen)
	return pix
}

// grayToRGBA makes an RGBA image whose alpha is gray and whose colour
// channels are random: only alpha may matter.
func grayToRGBA(gray []byte, rng *rand.Rand) []byte {
	pix := make([]byte, 4*len(gray))
	for i, a := range gray {
		pix[4*i] = byte(rng.Uint32())
		pix[4*i+1] = byte(rng.Uint32())
		pix[4*i+2] = byte(rng.Uint32())
		pix[4*i+3] = a
	}
	return pix
}

// fromGray runs FromGray and fails the test on an error.
func fromGray(t *testing.T, name string, gray []byte, w, h int) []float32 {
	t.Helper()
	im := make([]float32, Size*Size)
	if err := FromGray(im, gray, w, h); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return im
}

func TestPlacement(t *testing.T) {
	t.Parallel()
	for i, tc := range []struct {
		w, h           int
		height, cx, cy float64 // the digit's height and box centre
		pen            float64
	}{
		{280, 280, 187, 140, 140, PenWidth * 280}, // the page: 2/3 of the pad, centred
		{280, 280, 40, 30, 250, PenWidth * 280},   // small, bottom-left
		{280, 280, 60, 230, 40, 6},                // small, top-right, thin pen
		{600, 300, 100, 500, 200, 30},             // wide canvas, thick pen
		{300, 600, 500, 150, 300, 12},             // tall canvas, the digit filling it
		{28, 28, 20, 14, 14, 2},                   // an MNIST-sized canvas
		{1000, 1000, 150, 700, 300, 3},            // a big canvas, a hair-thin pen
		{50, 40, 30, 25, 20, 8},                   // a small canvas, scaled up
	} {
		name := fmt.Sprintf("case %d", i)
		gray := draw(tc.w, tc.h, seven, tc.height, tc.cx, tc.cy, tc.pen)
		checkMNISTForm(t, name, fromGray(t, name, gray, tc.w, tc.h))
	}
}

// TestInvariance: the same digit drawn big and centred or small and in a
// corner comes out nearly the same.
func TestInvariance(t *testing.T) {
	t.Parallel()
	const side = 280
	ref := fromGray(t, "reference", draw(side, side, seven, 187, 140, 140, 19.6), side, side)
	for i, tc := range []struct{ scale, cx, cy float64 }{
		{0.5, 70, 70}, {0.25, 240, 230}, {0.8, 150, 130}, {0.4, 200, 60},
	} {
		name := fmt.Sprintf("case %d", i)
		// The pen scales with the digit, so the shapes are the same.
		im := fromGray(t, name, draw(side, side, seven, 187*tc.scale, tc.cx, tc.cy, 19.6*tc.scale), side, side)
		var diff float64
		for j := range im {
			diff += math.Abs(float64(im[j] - ref[j]))
		}
		// Different positions on the pixel grid move ink by parts of a
		// pixel; a shift by a whole pixel would give about 0.1.
		if diff /= Size * Size; diff > 0.03 {
			t.Errorf("%s: mean absolute difference %.4f from the reference, want ≤ 0.03", name, diff)
		}
	}
}

// TestAspect: solid rectangles come out with their aspect ratio, and area
// averaging keeps their ink: w×h source pixels become w·h·s² output pixels.
func TestAspect(t *testing.T) {
	t.Parallel()
	for i, tc := range []struct {
		w, h       int // the rectangle, centred on a canvas twice as big
		outW, outH int // its size in the output
		mass       float64
	}{
		{60, 240, 5, 20, 100},         // a thick 1
		{30, 240, 3, 20, 50},          // a thin 1: 2.5 columns, the last one half inked
		{240, 40, 20, 4, 66.667},      // a dash lying down: 3.33 rows
		{100, 100, 20, 20, 400},       // a square
		{7, 5, 20, 15, 285.714},       // scaled up: 14.29 rows
		{2000, 100, 20, 1, 20},        // a long thin bar: one row
		{10, 4000, 1, 20, 20},         // a hairline: one column of 0.05, which the contrast gain makes 1
		{33, 200, 4, 20, 66},          // 3.3 columns
		{2000, 2001, 20, 20, 399.800}, // big, nearly square
		{1, 3, 7, 20, 133.333},        // tiny, scaled up: 6.67 columns
	} {
		w, h := 2*tc.w, 2*tc.h
		gray := make([]byte, w*h)
		for y := tc.h / 2; y < tc.h/2+tc.h; y++ {
			for x := tc.w / 2; x < tc.w/2+tc.w; x++ {
				gray[y*w+x] = 255
			}
		}
		var p Preprocessor
		im := make([]float32, Size*Size)
		if err := p.FromGray(im, gray, w, h); err != nil {
			t.Errorf("case %d: %v", i, err)
			continue
		}
		x0, y0, x1, y1, mass := outBox(im)
		if x1-x0 != tc.outW || y1-y0 != tc.outH {
			t.Errorf("case %d: %d×%d rectangle became %d×%d, want %d×%d", i, tc.w, tc.h, x1-x0, y1-y0, tc.outW, tc.outH)
		}
		if math.Abs(mass-tc.mass) > 1e-3*tc.mass {
			t.Errorf("case %d: ink %.4f, want %.4f", i, mass, tc.mass)
		}
		if b := p.Info(); b.X0 != tc.w/2 || b.Y0 != tc.h/2 || b.X1 != tc.w/2+tc.w || b.Y1 != tc.h/2+tc.h {
			t.Errorf("case %d: Info box (%d,%d)-(%d,%d), want (%d,%d)-(%d,%d)", i, b.X0, b.Y0, b.X1, b.Y1, tc.w/2, tc.h/2, tc.w/2+tc.w, tc.h/2+tc.h)
		}
	}
}

// areaAverage is the reference: output pixel (r, c) is the mean of the
// source area [c/s, (c+1)/s)×[r/s, (r+1)/s), computed from the overlap of
// each source pixel with it, the whole image being the box.
func areaAverage(gray []byte, w, h int) (box []float64, ow, oh int) {
	long := max(w, h)
	s := float64(Box) / float64(long)
	ow, oh = int(math.Ceil(float64(w)*s-1e-9)), int(math.Ceil(float64(h)*s-1e-9))
	overlap := func(k, j int) float64 { // output pixel k and source pixel j, in source units
		lo, hi := float64(k)/s, float64(k+1)/s
		return max(0, min(hi, float64(j+1))-max(lo, float64(j)))
	}
	box = make([]float64, ow*oh)
	for r := range oh {
		for c := range ow {
			var sum float64
			for y := range h {
				oy := overlap(r, y)
				if oy == 0 {
					continue
				}
				for x := range w {
					sum += float64(gray[y*w+x]) / 255 * oy * overlap(c, x)
				}
			}
			box[r*ow+c] = min(sum*s*s, 1)
		}
	}
	return box, ow, oh
}

// TestAreaAverage compares the separable resampling with the reference on
// random images whose corners are inked, so that the box is the image.
func TestAreaAverage(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	for i, tc := range []struct{ w, h int }{
		{37, 23}, {23, 37}, {20, 20}, {40, 40}, {7, 5}, {3, 3}, {21, 19}, {200, 130}, {400, 3}, {13, 97},
	} {
		gray := make([]byte, tc.w*tc.h)
		for j := range gray {
			gray[j] = byte(rng.IntN(256))
		}
		for _, j := range []int{0, tc.w - 1, (tc.h - 1) * tc.w, tc.h*tc.w - 1} {
			gray[j] = 255
		}
		var p Preprocessor
		box, ow, oh, err := p.scale(gray, tc.w, tc.h, 1)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		want, wow, woh := areaAverage(gray, tc.w, tc.h)
		if ow != wow || oh != woh {
			t.Fatalf("case %d: %d×%d output, want %d×%d", i, ow, oh, wow, woh)
		}
		for j, v := range box {
			if math.Abs(float64(v)-want[j]) > 1e-5 {
				t.Fatalf("case %d: pixel (%d,%d) = %.6f, want %.6f", i, j/ow, j%ow, v, want[j])
			}
		}
	}
}

// TestContrast: a faint drawing is strengthened to MNIST's saturation;
// a saturated one is left alone.
func TestContrast(t *testing.T) {
	t.Parallel()
	const side = 280
	strong := draw(side, side, seven, 187, 140, 140, 30)
	for i, tc := range []struct {
		alpha      float64 // the ink's opacity
		gain, slop float32 // the gain wanted, within slop
	}{
		{1, 1, 0.01}, {0.5, 2, 0.03}, {0.1, 10, 0.6},
	} {
		gray := make([]byte, len(strong))
		for j, v := range strong {
			gray[j] = byte(math.Round(float64(v) * tc.alpha))
		}
		var p Preprocessor
		im := make([]float32, Size*Size)
		if err := p.FromGray(im, gray, side, side); err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		checkMNISTForm(t, fmt.Sprintf("case %d", i), im)
		if g := p.Info().Gain; g < tc.gain || g > tc.gain+tc.slop {
			t.Errorf("case %d: gain %.3f, want %.3f..%.3f", i, g, tc.gain, tc.gain+tc.slop)
		}
		if tc.alpha == 1 {
			continue
		}
		// With a gain, at least 1-ContrastQuantile of the ink saturates.
		var ink, full int
		for _, v := range im {
			if v >= Faint/255.0 {
				ink++
				if v == 1 {
					full++
				}
			}
		}
		if f := float64(full) / float64(ink); f < 1-ContrastQuantile-0.01 {
			t.Errorf("case %d: %.3f of the ink saturated, want ≥ %.2f", i, f, 1-ContrastQuantile)
		}
	}
}

// TestPens: a thick and a thin pen give the same box and centre, the thick
// one more ink.
func TestPens(t *testing.T) {
	t.Parallel()
	const side = 280
	var masses []float64
	for i, pen := range []float64{3, 10, PenWidth * side, 40} {
		name := fmt.Sprintf("case %d", i)
		im := fromGray(t, name, draw(side, side, seven, 187, 140, 140, pen), side, side)
		checkMNISTForm(t, name, im)
		_, _, _, _, m := outBox(im)
		masses = append(masses, m)
		if i > 0 && m <= masses[i-1] {
			t.Errorf("case %d: pen %.1f gives ink %.1f, not more than the thinner pen's %.1f", i, pen, m, masses[i-1])
		}
	}
}

func TestRGBAMatchesGray(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	for i, tc := range []struct {
		w, h int
		pen  float64
	}{
		{280, 280, 19.6}, {100, 300, 5}, {28, 28, 2},
	} {
		gray := draw(tc.w, tc.h, seven, float64(tc.h)*0.6, float64(tc.w)/2, float64(tc.h)/2, tc.pen)
		g := make([]float32, Size*Size)
		c := make([]float32, Size*Size)
		errG := FromGray(g, gray, tc.w, tc.h)
		errC := FromRGBA(c, grayToRGBA(gray, rng), tc.w, tc.h)
		if errG != nil || errC != nil {
			t.Fatalf("case %d: errors %v, %v", i, errG, errC)
		}
		for j := range g {
			if g[j] != c[j] {
				t.Fatalf("case %d: pixel %d: gray %v, RGBA %v", i, j, g[j], c[j])
			}
		}
	}
}

// TestRGBAMatchesGrayRandom compares the two paths on random ink of random
// sizes, with boxes of every width modulo 4 and touching every edge. In the
// browser build, FromRGBA resamples in internal/simd's kernel and FromGray in
// Go, so this checks the kernel against Go, bit for bit.
func TestRGBAMatchesGrayRandom(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(5, 6))
	g := make([]float32, Size*Size)
	c := make([]float32, Size*Size)
	var pg, pc Preprocessor
	for i := range 300 {
		w, h := 1+rng.IntN(160), 1+rng.IntN(160)
		gray := make([]byte, w*h)
		// A random rectangle of random ink, sometimes sparse, sometimes faint.
		x0, y0 := rng.IntN(w), rng.IntN(h)
		x1, y1 := x0+1+rng.IntN(w-x0), y0+1+rng.IntN(h-y0)
		density := rng.Float64()
		for y := y0; y < y1; y++ {
			for x := x0; x < x1; x++ {
				if rng.Float64() < density {
					gray[y*w+x] = byte(rng.IntN(256))
				}
			}
		}
		errG := pg.FromGray(g, gray, w, h)
		errC := pc.FromRGBA(c, grayToRGBA(gray, rng), w, h)
		if errG != errC {
			t.Fatalf("case %d (%d×%d, ink in [%d,%d)×[%d,%d)): errors %v, %v", i, w, h, x0, x1, y0, y1, errG, errC)
		}
		for j := range g {
			if g[j] != c[j] {
				t.Fatalf("case %d (%d×%d, ink in [%d,%d)×[%d,%d)): pixel %d: gray %v, RGBA %v", i, w, h, x0, x1, y0, y1, j, g[j], c[j])
			}
		}
		if errG == nil && pg.Info() != pc.Info() {
			t.Fatalf("case %d: Info %+v, %+v", i, pg.Info(), pc.Info())
		}
	}
}

func TestNoInk(t *testing.T) {
	t.Parallel()
	const side = 280
	speck := make([]byte, side*side)
	speck[100*side+100] = 255
	haze := make([]byte, side*side)
	for i := range haze {
		haze[i] = Faint - 1
	}
	specks := make([]byte, side*side)
	specks[0], specks[len(specks)-1] = 255, 255 // a big box, almost no ink
	faintLine := make([]byte, side*side)
	for x := 20; x < 260; x++ {
		faintLine[140*side+x] = Faint // a long, faint hairline
	}
	for i, tc := range []struct {
		w, h int
		gray []byte
	}{
		{0, 0, nil},
		{0, 5, nil},
		{1, 1, []byte{0}},
		{Size, Size, make([]byte, Size*Size)}, // blank and MNIST-sized
		{side, side, make([]byte, side*side)},
		{side, side, haze},
		{side, side, speck},
		{side, side, specks},
		{side, side, faintLine},
		{side, side, draw(side, side, []Stroke{{{0, 0}}}, 0, 140, 140, PenWidth*side)}, // a tap of the page's pen
		{side, side, draw(side, side, seven, side/20, 60, 60, 3)},                      // a tiny scribble
	} {
		for _, rgba := range []bool{false, true} {
			im := make([]float32, Size*Size)
			for j := range im {
				im[j] = 0.5 // must be cleared
			}
			var err error
			if rgba {
				err = FromRGBA(im, grayToRGBA(tc.gray, rand.New(rand.NewPCG(5, 6))), tc.w, tc.h)
			} else {
				err = FromGray(im, tc.gray, tc.w, tc.h)
			}
			if !errors.Is(err, ErrNoInk) {
				t.Errorf("case %d (RGBA %v): error %v, want ErrNoInk", i, rgba, err)
			}
			if _, _, _, _, m := outBox(im); m != 0 {
				t.Errorf("case %d (RGBA %v): dst not cleared", i, rgba)
			}
		}
	}
}

func TestBadSize(t *testing.T) {
	t.Parallel()
	for i, tc := range []struct {
		w, h, n int
		want    []string // all in the error text
	}{
		{280, 280, 1000, []string{"280×280", "313600 bytes", "got 1000"}},
		{280, 280, 280*280*4 + 4, []string{"313600 bytes", "got 313604"}},
		{-1, 10, 0, []string{"-1×10", "out of range"}},
		{10, -1, 0, []string{"10×-1", "out of range"}},
		{MaxSide + 1, 1, 0, []string{"8193×1", "0..8192"}},
		{1 << 40, 1 << 40, 0, []string{"out of range"}},
		{MaxSide, MaxSide, 16, []string{"8192×8192", "268435456 bytes", "got 16"}},
		{0, 0, 4, []string{"0×0", "needs 0 bytes", "got 4"}},
	} {
		im := make([]float32, Size*Size)
		im[0] = 1
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		err := FromRGBA(im, make([]byte, tc.n), tc.w, tc.h)
		runtime.ReadMemStats(&after)
		if err == nil || errors.Is(err, ErrNoInk) {
			t.Errorf("case %d: error %v, want a size error", i, err)
			continue
		}
		for _, s := range append(tc.want, "ink: FromRGBA: ") {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("case %d: error %q does not say %q", i, err, s)
			}
		}
		if im[0] != 0 {
			t.Errorf("case %d: dst not cleared", i)
		}
		// Other tests run in parallel, so this is a loose bound: no
		// allocation of the claimed size.
		if a := after.TotalAlloc - before.TotalAlloc; a > 64<<20 {
			t.Errorf("case %d: allocated %d bytes", i, a)
		}
	}
}

func TestShortDstPanics(t *testing.T) {
	t.Parallel()
	defer func() {
		r := recover()
		if s, ok := r.(string); !ok || !strings.HasPrefix(s, "ink: FromGray: dst has 783 elements") {
			t.Errorf("recovered %v, want an ink: panic about dst", r)
		}
	}()
	FromGray(make([]float32, Size*Size-1), []byte{255}, 1, 1)
}

// TestEdges: ink at a canvas edge, and a shape whose centre of mass lies
// near its box's corner, stay whole inside the 28×28 image.
func TestEdges(t *testing.T) {
	t.Parallel()
	const side = 100
	corner := make([]byte, side*side) // a heavy blob top-left, a thin tail
	for y := range 20 {
		for x := range 20 {
			corner[y*side+x] = 255
		}
	}
	for k := 20; k < side; k++ {
		corner[k*side+k] = 40
	}
	edge := make([]byte, side*side) // touching the right and bottom edges
	for y := 50; y < side; y++ {
		for x := 70; x < side; x++ {
			edge[y*side+x] = 255
		}
	}
	for i, gray := range [][]byte{corner, edge} {
		var p Preprocessor
		im := make([]float32, Size*Size)
		if err := p.FromGray(im, gray, side, side); err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		x0, y0, x1, y1, _ := outBox(im)
		if max(x1-x0, y1-y0) != Box {
			t.Errorf("case %d: box %d×%d, want the longer side %d (nothing cut off)", i, x1-x0, y1-y0, Box)
		}
		if info := p.Info(); info.Left < 0 || info.Top < 0 || info.Left+x1-x0 > Size || info.Top+y1-y0 > Size {
			t.Errorf("case %d: placed at (%d,%d)", i, info.Left, info.Top)
		}
	}
}

// TestFaintBits: the word-at-a-time ink test agrees with v >= Faint.
func TestFaintBits(t *testing.T) {
	t.Parallel()
	for v := range 256 {
		if got, want := v&faintBits != 0, v >= Faint; got != want {
			t.Errorf("case %d: %d&faintBits != 0 is %v, %d >= Faint is %v", v, v, got, v, want)
		}
	}
}

func TestNoAllocs(t *testing.T) {
	gray := draw(280, 280, seven, 187, 140, 140, 19.6)
	pix := grayToRGBA(gray, rand.New(rand.NewPCG(7, 8)))
	im := make([]float32, Size*Size)
	var p Preprocessor
	if err := p.FromRGBA(im, pix, 280, 280); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(20, func() { p.FromRGBA(im, pix, 280, 280) }); n != 0 {
		t.Errorf("FromRGBA allocates %.1f times a call after the first, want 0", n)
	}
}

// penStrokes converts a pen digit's strokes to this package's.
func penStrokes(d mnist.StrokeDigit) []Stroke {
	out := make([]Stroke, len(d.Strokes))
	for i, s := range d.Strokes {
		for _, p := range s {
			out[i] = append(out[i], Point{p[0], p[1]})
		}
	}
	return out
}

// loadPenDigits reads the first digit of each class from the repository's
// pen strokes, in the order 0 to 9.
func loadPenDigits(t testing.TB) []mnist.StrokeDigit {
	t.Helper()
	all, err := mnist.LoadStrokes("")
	if err != nil {
		t.Fatal(err)
	}
	var out []mnist.StrokeDigit
	for label := range 10 {
		for _, d := range all {
			if d.Label == label {
				out = append(out, d)
				break
			}
		}
	}
	if len(out) != 10 {
		t.Fatalf("found %d classes in the pen digits, want 10", len(out))
	}
	return out
}

// TestPenDigits draws real pen digits as the page would (2/3 of the pad,
// the page's pen) and small and off-centre.
func TestPenDigits(t *testing.T) {
	t.Parallel()
	const side = 280
	for i, d := range loadPenDigits(t) {
		for j, at := range []struct{ height, cx, cy float64 }{
			{side * 2 / 3, side / 2, side / 2},
			{side / 4, side / 5, side * 3 / 4},
		} {
			name := fmt.Sprintf("case %d (digit %d, placement %d)", i, d.Label, j)
			gray := draw(side, side, penStrokes(d), at.height, at.cx, at.cy, PenWidth*side)
			checkMNISTForm(t, name, fromGray(t, name, gray, side, side))
		}
	}
}

// digitRGBA is a 280×280 canvas with a digit drawn as the page does.
func digitRGBA(tb testing.TB) []byte {
	gray := draw(280, 280, penStrokes(loadPenDigits(tb)[2]), 187, 140, 140, PenWidth*280)
	return grayToRGBA(gray, rand.New(rand.NewPCG(9, 10)))
}

func BenchmarkFromRGBA280(b *testing.B) {
	pix := digitRGBA(b)
	im := make([]float32, Size*Size)
	var p Preprocessor
	b.SetBytes(int64(len(pix)))
	b.ReportAllocs()
	for b.Loop() {
		if err := p.FromRGBA(im, pix, 280, 280); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFromRGBA280Pooled(b *testing.B) {
	pix := digitRGBA(b)
	im := make([]float32, Size*Size)
	b.SetBytes(int64(len(pix)))
	b.ReportAllocs()
	for b.Loop() {
		if err := FromRGBA(im, pix, 280, 280); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFromRGBA280Blank(b *testing.B) {
	pix := make([]byte, 280*280*4)
	im := make([]float32, Size*Size)
	var p Preprocessor
	b.SetBytes(int64(len(pix)))
	b.ReportAllocs()
	for b.Loop() {
		if err := p.FromRGBA(im, pix, 280, 280); err != ErrNoInk {
			b.Fatal(err)
		}
	}
}

// BenchmarkFromGray112: a pen digit as the trainer might render it.
func BenchmarkFromGray112(b *testing.B) {
	gray := draw(112, 112, penStrokes(loadPenDigits(b)[2]), 75, 56, 56, PenWidth*112)
	im := make([]float32, Size*Size)
	var p Preprocessor
	b.SetBytes(int64(len(gray)))
	b.ReportAllocs()
	for b.Loop() {
		if err := p.FromGray(im, gray, 112, 112); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFromGray28(b *testing.B) {
	gray := draw(28, 28, seven, 20, 14, 14, 2)
	im := make([]float32, Size*Size)
	var p Preprocessor
	b.SetBytes(int64(len(gray)))
	b.ReportAllocs()
	for b.Loop() {
		if err := p.FromGray(im, gray, 28, 28); err != nil {
			b.Fatal(err)
		}
	}
}
