package mnist

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"testing"
)

func TestSummary(t *testing.T) {
	t.Parallel()
	s := smallSet()
	want := "X_train = (3, 4, 5), Y_train = (3,)\nX_test = (2, 4, 5), Y_test = (2,)"
	if got := Summary(s, s.Slice(0, 2)); got != want {
		t.Errorf("Summary:\n got %q\nwant %q", got, want)
	}
}

// cell returns the top-left corner of cell i's image in a Grid of cols
// columns of cells cellW×cellH (image part), with captions or not.
func cell(i, cols, cellW, cellH int, captions bool) image.Point {
	capH := 0
	if captions {
		capH = lineH
	}
	return image.Pt(gridPad+(i%cols)*(cellW+gridPad), gridPad+(i/cols)*(capH+cellH+gridPad)+capH)
}

// checkTile checks that src appears in dst at p, scaled GridScale times.
func checkTile(t *testing.T, i int, dst *image.Gray, p image.Point, src []uint8, rows, cols int) {
	t.Helper()
	for y := range rows * GridScale {
		for x := range cols * GridScale {
			if got, want := dst.GrayAt(p.X+x, p.Y+y).Y, src[(y/GridScale)*cols+x/GridScale]; got != want {
				t.Fatalf("%d: pixel (%d, %d) of the tile at %v is %d, want %d", i, x, y, p, got, want)
			}
		}
	}
}

// inked counts the black pixels in r.
func inked(g *image.Gray, r image.Rectangle) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if g.GrayAt(x, y).Y < 128 {
				n++
			}
		}
	}
	return n
}

func TestWriteSamplesPNG(t *testing.T) {
	t.Parallel()
	train, _ := loadReal(t)
	var buf bytes.Buffer
	if err := WriteSamplesPNG(&buf, train); err != nil {
		t.Fatal(err)
	}
	if out := os.Getenv("MNIST_SAMPLES_PNG"); out != "" { // to look at it
		if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	m, err := png.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	g, ok := m.(*image.Gray)
	if !ok {
		t.Fatalf("PNG decodes to %T, want *image.Gray", m)
	}
	const side = 28 * GridScale // 112: wider than any "label d" caption
	if want := image.Rect(0, 0, gridPad+3*(side+gridPad), gridPad+3*(lineH+side+gridPad)); g.Bounds() != want {
		t.Fatalf("PNG bounds %v, want %v", g.Bounds(), want)
	}
	captions := map[uint8][]byte{}
	for i := range 9 {
		p := cell(i, 3, side, side, true)
		checkTile(t, i, g, p, train.Image(i), 28, 28)
		// The caption strip above the tile has text, and the same text
		// for the same label.
		strip := image.Rect(p.X, p.Y-lineH, p.X+side, p.Y)
		if inked(g, strip) < 20 {
			t.Errorf("%d: caption strip %v has almost no ink", i, strip)
		}
		var pix []byte
		for y := strip.Min.Y; y < strip.Max.Y; y++ {
			pix = append(pix, g.Pix[g.PixOffset(strip.Min.X, y):g.PixOffset(strip.Max.X, y)]...)
		}
		l := train.Labels[i]
		if prev, ok := captions[l]; ok && !bytes.Equal(prev, pix) {
			t.Errorf("%d: two captions for label %d differ", i, l)
		}
		for other, prev := range captions {
			if other != l && bytes.Equal(prev, pix) {
				t.Errorf("%d: the captions of labels %d and %d are the same", i, l, other)
			}
		}
		captions[l] = pix
	}
}

func TestGrid(t *testing.T) {
	t.Parallel()
	s := smallSet()
	images := []*image.Gray{s.Gray(0), s.Gray(1), s.Gray(2)}

	// No captions: no caption strips, 2 columns, 2 rows.
	g := Grid(images, nil, 2)
	cw, ch := tdCols*GridScale, tdRows*GridScale
	if want := image.Rect(0, 0, gridPad+2*(cw+gridPad), gridPad+2*(ch+gridPad)); g.Bounds() != want {
		t.Errorf("bounds %v, want %v", g.Bounds(), want)
	}
	for i := range 3 {
		checkTile(t, i, g, cell(i, 2, cw, ch, false), s.Image(i), tdRows, tdCols)
	}
	// The background is white.
	if g.GrayAt(0, 0).Y != 255 || g.GrayAt(g.Bounds().Max.X-1, g.Bounds().Max.Y-1).Y != 255 {
		t.Error("background is not white")
	}

	// A caption wider than the images widens every cell; the tile is centred.
	caps := []string{"true 9 → 3", "a", ""}
	g = Grid(images, caps, 5)
	cw = 10 * 7 // ten runes of basicfont's 7-pixel advance
	if want := image.Rect(0, 0, gridPad+3*(cw+gridPad), gridPad+lineH+ch+gridPad); g.Bounds() != want {
		t.Errorf("captioned bounds %v, want %v", g.Bounds(), want)
	}
	for i := range 3 {
		p := cell(i, 3, cw, ch, true)
		p.X += (cw - tdCols*GridScale) / 2
		checkTile(t, i, g, p, s.Image(i), tdRows, tdCols)
	}
	if n := inked(g, image.Rect(cell(2, 3, cw, ch, true).X, gridPad, cell(2, 3, cw, ch, true).X+cw, gridPad+lineH)); n != 0 {
		t.Errorf("the empty caption has %d inked pixels", n)
	}
	// The hand-drawn arrow (the 8th rune of the first caption): a 6-pixel
	// shaft, 4 pixels above the baseline.
	x, base := gridPad, gridPad+11 // basicfont: ascent 11
	x += 7 * 7
	shaft := image.Rect(x, base-4, x+6, base-3)
	if n := inked(g, shaft); n != 6 {
		t.Errorf("the arrow's shaft %v has %d of 6 pixels inked", shaft, n)
	}
	if n := inked(g, image.Rect(x, base-7, x+7, base)); n != 10 {
		t.Errorf("the arrow has %d pixels, want 10", n)
	}

	for i, f := range []func(){
		func() { Grid(images, nil, 0) },
		func() { Grid(images, []string{"a"}, 3) },
	} {
		func() {
			defer func() {
				if r, _ := recover().(string); len(r) < 12 || r[:12] != "mnist: Grid:" {
					t.Errorf("%d: panic %q, want a mnist: Grid panic", i, r)
				}
			}()
			f()
		}()
	}
	if e := Grid(nil, nil, 3); e.Bounds().Dx() != gridPad || e.Bounds().Dy() != gridPad {
		t.Errorf("Grid of nothing has bounds %v", e.Bounds())
	}
}
