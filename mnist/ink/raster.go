package ink

import (
	"math"
	"strconv"
	"sync"
)

// PenWidth is the web page's pen: its line width as a fraction of the
// drawing pad's side. The trainer varies it around this value.
const PenWidth = 0.07

// PadSide is the side, in pixels, of the canvas the web page draws the ink
// on for the network (a hidden copy of the visible pad, whatever the screen's
// size and pixel density), and on which the trainer draws pen strokes. The
// digit's box is scaled down to 20 pixels, so 112 leaves a digit drawn at a
// third of the pad still larger than the box; larger ones read held-out pen
// digits no better (98.5–99.0% from 84 to 224 px: BENCHMARKS.md) and cost the
// page time on every prediction.
const PadSide = 112

// A Point is a pen position in canvas coordinates: x to the right, y down,
// one unit a pixel, pixel (i, j) covering [i, i+1)×[j, j+1).
type Point struct{ X, Y float64 }

// A Stroke is one pen-down..pen-up, its points in the order drawn.
type Stroke []Point

// A Rect is the box Min..Max, both corners included.
type Rect struct{ Min, Max Point }

// Dx is the box's width.
func (r Rect) Dx() float64 { return r.Max.X - r.Min.X }

// Dy is the box's height.
func (r Rect) Dy() float64 { return r.Max.Y - r.Min.Y }

// Bounds returns the box of all the strokes' points, and ok=false when
// there are none. The pen's width is not included.
func Bounds(strokes []Stroke) (r Rect, ok bool) {
	for _, s := range strokes {
		for _, p := range s {
			if !ok {
				r, ok = Rect{p, p}, true
				continue
			}
			r.Min.X, r.Min.Y = min(r.Min.X, p.X), min(r.Min.Y, p.Y)
			r.Max.X, r.Max.Y = max(r.Max.X, p.X), max(r.Max.Y, p.Y)
		}
	}
	return r, ok
}

// Transform returns new strokes whose points are p·scale + (dx, dy).
func Transform(strokes []Stroke, scale, dx, dy float64) []Stroke {
	out := make([]Stroke, len(strokes))
	for i, s := range strokes {
		out[i] = make(Stroke, len(s))
		for j, p := range s {
			out[i][j] = Point{p.X*scale + dx, p.Y*scale + dy}
		}
	}
	return out
}

// Fit returns the strokes scaled so that their box is height tall and
// moved so that the box's centre is at (cx, cy). A flat drawing (height 0)
// is scaled so its width is height; a single point is only moved.
func Fit(strokes []Stroke, height, cx, cy float64) []Stroke {
	r, ok := Bounds(strokes)
	if !ok {
		return Transform(strokes, 1, 0, 0)
	}
	scale := 1.0
	if r.Dy() > 0 {
		scale = height / r.Dy()
	} else if r.Dx() > 0 {
		scale = height / r.Dx()
	}
	mx, my := (r.Min.X+r.Max.X)/2, (r.Min.Y+r.Max.Y)/2
	return Transform(strokes, scale, cx-mx*scale, cy-my*scale)
}

// coverPool holds Rasterize's coverage canvases (*[]byte), all zeros.
var coverPool sync.Pool

// Rasterize draws the strokes onto the width×height canvas dst, one byte a
// pixel, 255 full ink, as a canvas 2D context strokes each one with opaque
// ink, lineWidth = penWidth (in pixels) and round caps and joins: a pixel's
// coverage is how far its centre lies inside the union of the stroke's
// round-capped segments, with a one-pixel linear ramp at the edge (so a long
// line of width w ≥ 1 covers length×w pixels). A one-point stroke is a round
// dot. Within a stroke, coverage is the union (the maximum); each stroke is
// then laid over dst as opaque ink of that coverage (source-over). Parts
// outside the canvas are clipped; points that are not finite are skipped.
// A pen thinner than one pixel draws a one-pixel line, lighter in
// proportion. Rasterize panics if len(dst) < width*height.
func Rasterize(dst []byte, width, height int, strokes []Stroke, penWidth float64) {
	if width < 0 || height < 0 || len(dst) < width*height {
		panic("ink: Rasterize: dst has " + strconv.Itoa(len(dst)) + " bytes, need " + dims(width, height))
	}
	if width == 0 || height == 0 || !(penWidth > 0) || math.IsInf(penWidth, 0) {
		return
	}
	// reach: coverage is reach - distance, clamped to [0, 1], times gain.
	r := max(penWidth/2, 0.5)
	reach := r + 0.5
	gain := min(penWidth, 1)

	buf, _ := coverPool.Get().(*[]byte)
	if buf == nil {
		buf = new([]byte)
	}
	if cap(*buf) < width*height {
		*buf = make([]byte, width*height)
	}
	defer coverPool.Put(buf)
	cover := (*buf)[:width*height] // all zeros between strokes

	for _, s := range strokes {
		// The box of the pixels this stroke touches: [bx0,bx1)×[by0,by1).
		bx0, by0, bx1, by1 := width, height, 0, 0
		var prev Point
		started := false
		for _, p := range s {
			if !finite(p) {
				continue
			}
			a := prev
			if !started {
				a, started = p, true
			}
			x0, y0, x1, y1 := segment(cover, width, height, a, p, reach, gain)
			if x0 < x1 && y0 < y1 {
				bx0, by0 = min(bx0, x0), min(by0, y0)
				bx1, by1 = max(bx1, x1), max(by1, y1)
			}
			prev = p
		}
		// Lay the stroke over dst and clear its coverage.
		for y := by0; y < by1; y++ {
			c := cover[y*width+bx0 : y*width+bx1]
			d := dst[y*width+bx0 : y*width+bx1]
			for i, v := range c {
				if v != 0 {
					d[i] += byte((int(255-d[i])*int(v) + 127) / 255)
					c[i] = 0
				}
			}
		}
	}
}

// segment raises cover to the coverage of the round-capped segment a–b
// (a dot when a == b) and returns the box of pixels it looked at.
func segment(cover []byte, width, height int, a, b Point, reach, gain float64) (x0, y0, x1, y1 int) {
	x0 = clampPix(math.Floor(min(a.X, b.X)-reach), width)
	x1 = clampPix(math.Ceil(max(a.X, b.X)+reach), width)
	y0 = clampPix(math.Floor(min(a.Y, b.Y)-reach), height)
	y1 = clampPix(math.Ceil(max(a.Y, b.Y)+reach), height)
	dx, dy := b.X-a.X, b.Y-a.Y
	inv := 0.0 // 1/|b-a|², 0 for a dot
	if len2 := dx*dx + dy*dy; len2 > 0 {
		inv = 1 / len2
	}
	reach2 := reach * reach
	core := max(reach-1, 0)
	core2 := core * core // inside this distance, coverage is full
	full := byte(gain*255 + 0.5)
	for y := y0; y < y1; y++ {
		py := float64(y) + 0.5 - a.Y
		row := cover[y*width : (y+1)*width]
		for x := x0; x < x1; x++ {
			if row[x] == full {
				continue
			}
			px := float64(x) + 0.5 - a.X
			// The closest point of the segment is a + t·(b-a), t in [0,1].
			t := min(max((px*dx+py*dy)*inv, 0), 1)
			ex, ey := px-t*dx, py-t*dy
			d2 := ex*ex + ey*ey
			switch {
			case d2 >= reach2:
			case d2 <= core2:
				row[x] = full
			default:
				c := byte((reach-math.Sqrt(d2))*gain*255 + 0.5)
				row[x] = max(row[x], c)
			}
		}
	}
	return x0, y0, x1, y1
}

// clampPix converts a pixel coordinate to an int in [0, n].
func clampPix(v float64, n int) int {
	if !(v > 0) {
		return 0
	}
	if v >= float64(n) {
		return n
	}
	return int(v)
}

func finite(p Point) bool {
	return !math.IsNaN(p.X) && !math.IsNaN(p.Y) && !math.IsInf(p.X, 0) && !math.IsInf(p.Y, 0)
}
