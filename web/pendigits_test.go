//go:build !js

package web

// Real pen digits (data/pendigits-train-strokes.json) from the writers the
// trainer holds out, placed on the pad as a person would write them.

import (
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"inkling/mnist"
	"inkling/mnist/ink"
)

// Writers 26 to 30 are held out by the trainer (never trained on).
const firstHeldOut, lastHeldOut = 26, 30

var pendigits struct {
	once   sync.Once
	digits []mnist.StrokeDigit
	err    error
}

// heldOut returns the held-out writers' digits, by class, each class in the
// order of the original file.
func heldOut(tb testing.TB) [10][]mnist.StrokeDigit {
	tb.Helper()
	pendigits.once.Do(func() {
		pendigits.digits, pendigits.err = mnist.LoadStrokes(filepath.Join(repoRoot(tb), "data", mnist.StrokesFile))
	})
	if pendigits.err != nil {
		tb.Fatal(pendigits.err)
	}
	var byClass [10][]mnist.StrokeDigit
	for _, d := range pendigits.digits {
		if d.Writer >= firstHeldOut && d.Writer <= lastHeldOut {
			byClass[d.Label] = append(byClass[d.Label], d)
		}
	}
	for c := range byClass {
		slices.SortFunc(byClass[c], func(a, b mnist.StrokeDigit) int { return a.Index - b.Index })
	}
	return byClass
}

// sample returns perClass digits of each class from the held-out writers,
// spread evenly over each class's list (so over all five writers), classes
// interleaved: 0, 1, …, 9, 0, 1, …. The same every run.
func sample(tb testing.TB, perClass int) []mnist.StrokeDigit {
	tb.Helper()
	byClass := heldOut(tb)
	out := make([]mnist.StrokeDigit, 0, 10*perClass)
	for i := range perClass {
		for c := range byClass {
			list := byClass[c]
			if len(list) < perClass {
				tb.Fatalf("class %d: only %d digits from writers %d–%d, want %d", c, len(list), firstHeldOut, lastHeldOut, perClass)
			}
			out = append(out, list[i*len(list)/perClass])
		}
	}
	return out
}

// A placement says where on the pad, and how large, a digit is written, in
// pad units (0..1 across the pad).
type placement struct {
	name   string
	height float64                      // the digit's height
	centre func(i int) (cx, cy float64) // where the i-th digit's box is centred
}

func centred(int) (float64, float64) { return 0.5, 0.5 }

// nearCorner cycles through the four corners, the box's centre 0.22 of the
// pad from each edge: a third-of-the-pad digit then ends 0.05 from the
// edges.
func nearCorner(i int) (float64, float64) {
	corners := [4][2]float64{{0.22, 0.22}, {0.78, 0.22}, {0.78, 0.78}, {0.22, 0.78}}
	c := corners[i%4]
	return c[0], c[1]
}

// largeHeight is how tall the "large" placement writes a digit: about two
// thirds of the pad.
const largeHeight = 2.0 / 3

var placements = []placement{
	{"large", largeHeight, centred}, // about two thirds of the pad, centred
	{"small", 1.0 / 3, centred},     // about a third of the pad, centred
	{"corner", 1.0 / 3, nearCorner}, // a third of the pad, near a corner
}

// place returns the digit's strokes in pad units: its box height tall (less
// if it is so wide that it would leave the pad or cross the centre lines of
// a corner placement) and centred at (cx, cy).
func place(d mnist.StrokeDigit, height, cx, cy float64) []ink.Stroke {
	strokes := make([]ink.Stroke, len(d.Strokes))
	for i, s := range d.Strokes {
		strokes[i] = make(ink.Stroke, len(s))
		for j, p := range s {
			strokes[i][j] = ink.Point{X: p[0], Y: p[1]}
		}
	}
	out := ink.Fit(strokes, height, cx, cy)
	// The widest a box centred at cx may be and stay on the pad with a
	// margin of half the pen (plus a little).
	maxWidth := 2 * (min(cx, 1-cx) - ink.PenWidth/2 - 0.01)
	if r, ok := ink.Bounds(out); ok && r.Dx() > maxWidth {
		out = ink.Fit(strokes, height*maxWidth/r.Dx(), cx, cy)
	}
	return out
}

// large places a digit as the "large" placement does: largeHeight tall,
// centred.
func large(d mnist.StrokeDigit) []ink.Stroke { return place(d, largeHeight, 0.5, 0.5) }

// onPad maps strokes in pad units to CSS pixels of the viewport.
func onPad(strokes []ink.Stroke, r padRect) [][]pt {
	out := make([][]pt, len(strokes))
	for i, s := range strokes {
		out[i] = make([]pt, len(s))
		for j, p := range s {
			out[i][j] = pt{r.X + p.X*r.W, r.Y + p.Y*r.H}
		}
	}
	return out
}

func TestSample(t *testing.T) {
	t.Parallel()
	s := sample(t, 100)
	if len(s) != 1000 {
		t.Fatalf("%d digits, want 1000", len(s))
	}
	var perClass [10]int
	writers := map[int]bool{}
	seen := map[int]bool{}
	for i, d := range s {
		if d.Label != i%10 {
			t.Fatalf("digit %d is a %d, want %d", i, d.Label, i%10)
		}
		if d.Writer < firstHeldOut || d.Writer > lastHeldOut {
			t.Fatalf("digit %d is by writer %d, not held out", i, d.Writer)
		}
		if seen[d.Index] {
			t.Fatalf("digit %d (record %d) is sampled twice", i, d.Index)
		}
		seen[d.Index] = true
		perClass[d.Label]++
		writers[d.Writer] = true
	}
	if len(writers) != lastHeldOut-firstHeldOut+1 {
		t.Errorf("the sample has %d writers, want all %d held out", len(writers), lastHeldOut-firstHeldOut+1)
	}
	for _, pl := range placements {
		for i, d := range s[:40] {
			cx, cy := pl.centre(i)
			r, _ := ink.Bounds(place(d, pl.height, cx, cy))
			half := ink.PenWidth / 2
			if r.Min.X < half || r.Min.Y < half || r.Max.X > 1-half || r.Max.Y > 1-half {
				t.Errorf("%s %d: box %v leaves the pad", pl.name, i, r)
			}
			if r.Dy() > pl.height+1e-9 || r.Dy() < pl.height/2 {
				t.Errorf("%s %d: height %.3f, want about %.3f", pl.name, i, r.Dy(), pl.height)
			}
		}
	}
}
