package ink

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// inkArea is the canvas's ink in fully inked pixels.
func inkArea(pix []byte) float64 {
	var sum float64
	for _, v := range pix {
		sum += float64(v)
	}
	return sum / 255
}

// TestLineArea: a long line of width w covers length×w pixels plus its two
// half-disc caps, π(w/2)², at any angle.
func TestLineArea(t *testing.T) {
	t.Parallel()
	const side = 300
	for i, tc := range []struct{ width, angle float64 }{
		{1, 0}, {3, 0}, {10, 0}, {25, 0},
		{3, 30}, {10, 45}, {10, 90}, {6, 71}, {2.5, 13},
	} {
		const length = 200
		a := tc.angle * math.Pi / 180
		dx, dy := length/2*math.Cos(a), length/2*math.Sin(a)
		line := []Stroke{{{150 - dx, 150 - dy}, {150 + dx, 150 + dy}}}
		pix := make([]byte, side*side)
		Rasterize(pix, side, side, line, tc.width)
		r := tc.width / 2
		want := length*tc.width + math.Pi*r*r
		if got := inkArea(pix); math.Abs(got-want) > 0.01*want {
			t.Errorf("case %d: width %.1f at %.0f°: area %.1f, want %.1f ±1%%", i, tc.width, tc.angle, got, want)
		}
	}
}

// TestDot: a one-point stroke is a disc of area πr² (the ramp adds π/12).
func TestDot(t *testing.T) {
	t.Parallel()
	for i, width := range []float64{2, 5, 10, 19.6, 40} {
		const side = 64
		pix := make([]byte, side*side)
		Rasterize(pix, side, side, []Stroke{{{31.3, 30.8}}}, width)
		r := width / 2
		want := math.Pi * (r*r + 1.0/12)
		if got := inkArea(pix); math.Abs(got-want) > 0.01*want+0.5 {
			t.Errorf("case %d: dot of width %.1f: area %.2f, want %.2f", i, width, got, want)
		}
		// Round: the ink's extent is the same across and down.
		var cols, rows [side]int
		for j, v := range pix {
			if v > 127 {
				rows[j/side], cols[j%side] = 1, 1
			}
		}
		var n, m int
		for j := range side {
			n, m = n+cols[j], m+rows[j]
		}
		if math.Abs(float64(n)-width) > 1 || math.Abs(float64(m)-width) > 1 {
			t.Errorf("case %d: dot %d wide, %d tall, want %.1f", i, n, m, width)
		}
	}
}

// TestAntiAliased: a slanted line has a saturated core and edge pixels
// strictly between background and ink.
func TestAntiAliased(t *testing.T) {
	t.Parallel()
	const side = 100
	pix := make([]byte, side*side)
	Rasterize(pix, side, side, []Stroke{{{10, 20}, {90, 70}}}, 8)
	var full, partial int
	for _, v := range pix {
		switch {
		case v == 255:
			full++
		case v > 0:
			partial++
		}
	}
	if full == 0 || partial < 2*80 {
		t.Errorf("%d full and %d partial pixels, want a core and edges (≥ 160 partial)", full, partial)
	}
	// The edge ramp is one pixel: partial pixels are about two a unit of
	// length, along both edges.
	if partial > 4*100 {
		t.Errorf("%d partial pixels, want a sharp edge", partial)
	}
}

// TestUnion: within a stroke, overlapping segments do not darken each
// other; separate strokes do, at the soft edges, as opaque paint does.
func TestUnion(t *testing.T) {
	t.Parallel()
	const side = 80
	draw := func(s []Stroke) []byte {
		pix := make([]byte, side*side)
		Rasterize(pix, side, side, s, 7)
		return pix
	}
	a, b := Point{10, 15}, Point{70, 55}
	once := draw([]Stroke{{a, b}})
	for i, s := range [][]Stroke{
		{{a, b, a}},              // back over itself
		{{a, a, b, b}},           // repeated points
		{{a, {40, 35}, b}},       // split in the middle
		{{a, b, {40, 35}, a}},    // again, in pieces
		{{a, b}, {}, {{1e9, 0}}}, // an empty stroke, and a dot far away
	} {
		got := draw(s)
		for j := range got {
			if d := int(got[j]) - int(once[j]); d < -1 || d > 1 {
				t.Errorf("case %d: pixel %d is %d, want %d as one pass", i, j, got[j], once[j])
				break
			}
		}
	}
	twice := draw([]Stroke{{a, b}, {a, b}})
	for j := range twice {
		v := int(once[j])
		want := v + ((255-v)*v+127)/255 // source-over of the same coverage
		if int(twice[j]) != want {
			t.Fatalf("pixel %d: two strokes give %d, want %d (one gives %d)", j, twice[j], want, v)
		}
	}
}

// TestClip: strokes partly or wholly off the canvas, or with coordinates
// that are not finite, draw only what falls on the canvas.
func TestClip(t *testing.T) {
	t.Parallel()
	const side = 100
	inf, nan := math.Inf(1), math.NaN()
	for i, tc := range []struct {
		strokes []Stroke
		area    float64 // wanted ink area, within 1%
	}{
		{[]Stroke{{{-50, 50}, {50, 50}}}, 50*10 + math.Pi*25/2}, // half off the left
		{[]Stroke{{{50, 50}, {150, 50}}}, 50*10 + math.Pi*25/2}, // half off the right
		{[]Stroke{{{50, -500}, {50, 50}}}, 50*10 + math.Pi*25/2},
		{[]Stroke{{{-10, -10}, {110, 110}}}, 100*100 - (100-5*math.Sqrt2)*(100-5*math.Sqrt2)}, // the diagonal band |x-y| ≤ 5√2
		{[]Stroke{{{-100, -100}, {-20, -30}}}, 0},
		{[]Stroke{{{1e300, 1e300}, {-1e300, 1e300}}}, 0},
		{[]Stroke{{{inf, 50}, {nan, 50}, {-inf, nan}}}, 0},
		{[]Stroke{{{20, 50}, {nan, nan}, {80, 50}}}, 60*10 + math.Pi*25}, // the NaN point is skipped
	} {
		pix := make([]byte, side*side)
		Rasterize(pix, side, side, tc.strokes, 10)
		got := inkArea(pix)
		if math.Abs(got-tc.area) > 0.01*tc.area+0.01 {
			t.Errorf("case %d: area %.1f, want %.1f", i, got, tc.area)
		}
	}
}

// TestThinPen: a pen thinner than a pixel draws a lighter one-pixel line
// with the right amount of ink.
func TestThinPen(t *testing.T) {
	t.Parallel()
	for i, w := range []float64{0.25, 0.5, 0.9} {
		const side = 120
		pix := make([]byte, side*side)
		Rasterize(pix, side, side, []Stroke{{{10, 60.3}, {110, 60.3}}}, w)
		if got, want := inkArea(pix), 100*w; math.Abs(got-want) > 0.03*want+0.1 {
			t.Errorf("case %d: width %.2f: area %.2f, want %.2f", i, w, got, want)
		}
	}
}

func TestRasterizeNothing(t *testing.T) {
	t.Parallel()
	for i, tc := range []struct {
		w, h int
		pen  float64
	}{
		{0, 0, 5}, {10, 0, 5}, {10, 10, 0}, {10, 10, -3}, {10, 10, math.NaN()}, {10, 10, math.Inf(1)},
	} {
		pix := make([]byte, tc.w*tc.h)
		Rasterize(pix, tc.w, tc.h, seven, tc.pen)
		if inkArea(pix) != 0 {
			t.Errorf("case %d: drew something", i)
		}
	}
}

func TestRasterizeShortDstPanics(t *testing.T) {
	t.Parallel()
	defer func() {
		if r, ok := recover().(string); !ok || !strings.HasPrefix(r, "ink: Rasterize: ") {
			t.Errorf("recovered %q, want an ink: panic", r)
		}
	}()
	Rasterize(make([]byte, 99), 10, 10, seven, 1)
}

func TestBoundsTransformFit(t *testing.T) {
	t.Parallel()
	if _, ok := Bounds(nil); ok {
		t.Error("Bounds(nil) reports points")
	}
	if _, ok := Bounds([]Stroke{{}, {}}); ok {
		t.Error("Bounds of empty strokes reports points")
	}
	r, ok := Bounds(seven)
	if want := (Rect{Point{0, 0}, Point{100, 100}}); !ok || r != want {
		t.Errorf("Bounds(seven) = %v, %v, want %v", r, ok, want)
	}
	moved := Transform(seven, 2, 10, -5)
	if r, _ := Bounds(moved); r != (Rect{Point{10, -5}, Point{210, 195}}) {
		t.Errorf("Transform: bounds %v", r)
	}
	if seven[0][1] != (Point{100, 0}) {
		t.Error("Transform changed its input")
	}
	for i, tc := range []struct {
		strokes        []Stroke
		height, cx, cy float64
		want           Rect
	}{
		{seven, 50, 200, 100, Rect{Point{175, 75}, Point{225, 125}}},
		{[]Stroke{{{0, 0}, {10, 40}}}, 20, 0, 0, Rect{Point{-2.5, -10}, Point{2.5, 10}}},
		{[]Stroke{{{0, 7}, {40, 7}}}, 20, 50, 50, Rect{Point{40, 50}, Point{60, 50}}}, // flat: width 20
		{[]Stroke{{{3, 4}}}, 20, 50, 60, Rect{Point{50, 60}, Point{50, 60}}},          // a point: moved
	} {
		got, _ := Bounds(Fit(tc.strokes, tc.height, tc.cx, tc.cy))
		const eps = 1e-9
		if math.Abs(got.Min.X-tc.want.Min.X) > eps || math.Abs(got.Min.Y-tc.want.Min.Y) > eps ||
			math.Abs(got.Max.X-tc.want.Max.X) > eps || math.Abs(got.Max.Y-tc.want.Max.Y) > eps {
			t.Errorf("case %d: Fit gives bounds %v, want %v", i, got, tc.want)
		}
	}
	if got := Fit(nil, 10, 0, 0); len(got) != 0 {
		t.Errorf("Fit(nil) = %v", got)
	}
}

// TestPenWidthOnPage: the page's pen drawn at 2/3 of the pad gives about
// MNIST's stroke width in the 28×28 image (1.9 pixels, as doc.go states;
// MNIST's 1s measure 3.1 across their middle row, their slant included).
func TestPenWidthOnPage(t *testing.T) {
	t.Parallel()
	const side = 280
	pix := make([]byte, side*side)
	// A vertical bar 2/3 of the pad tall.
	Rasterize(pix, side, side, []Stroke{{{140, 140 - side/3}, {140, 140 + side/3}}}, PenWidth*side)
	im := make([]float32, Size*Size)
	if err := FromGray(im, pix, side, side); err != nil {
		t.Fatal(err)
	}
	// The ink of its middle row is its width in output pixels.
	var width float64
	for _, v := range im[Centre*Size : (Centre+1)*Size] {
		width += float64(v)
	}
	stated(t, "the page's pen at 2/3 of the pad, in output pixels", width, 1.9, 0.05)
	if width < 1.5 || width > 3.5 {
		t.Errorf("the page's pen is %.2f pixels wide in the 28×28 image, want 1.5..3.5 like MNIST", width)
	}
}

func BenchmarkRasterize(b *testing.B) {
	strokes := penStrokes(loadPenDigits(b)[8])
	for _, side := range []int{28, 112, 280} {
		b.Run(fmt.Sprint(side), func(b *testing.B) {
			fitted := Fit(strokes, float64(side)*2/3, float64(side)/2, float64(side)/2)
			pix := make([]byte, side*side)
			b.SetBytes(int64(len(pix)))
			b.ReportAllocs()
			for b.Loop() {
				clear(pix)
				Rasterize(pix, side, side, fitted, PenWidth*float64(side))
			}
		})
	}
}
