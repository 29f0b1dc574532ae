package ink

import (
	"errors"
	"math"
	"strconv"
	"sync"
)

// The output image and the box the ink is scaled into, as MNIST made them.
const (
	Size = 28 // the output is Size×Size pixels
	Box  = 20 // the ink's bounding box is scaled so its longer side is Box pixels
)

// MaxSide bounds each side of an input image, so that a wrong size coming
// from JavaScript is an error instead of a giant allocation.
const MaxSide = 8192

// Thresholds; doc.go explains each one.
const (
	// Faint is the smallest source value (of 255) that counts for the ink's
	// bounding box. Fainter pixels inside the box still count as ink. A
	// power of two: bounds.go tests it on 8 bytes at a time by masking.
	Faint = 8
	// A drawing whose box's longer side is below the canvas's longer side
	// divided by MinSpanDiv is a tap or a speck, not a digit.
	MinSpanDiv = 10
	// A drawing whose ink, in fully inked pixels, is below the square of
	// the canvas's longer side divided by MinMassDiv is too little ink.
	MinMassDiv = 2000
	// Centre is where the centre of mass lands, in pixel-index coordinates
	// (row and column 14 of 0..27): MNIST's own mean, measured.
	Centre = 14
	// ContrastQuantile: the ink is scaled so that this quantile of its
	// pixels reaches full ink (never weakened).
	ContrastQuantile = 0.7
)

// ErrNoInk is returned for a blank or nearly blank image; dst is then all
// zeros.
var ErrNoInk = errors.New("ink: no ink: draw a digit")

// Info tells where the ink was found and where it went; see
// Preprocessor.Info.
type Info struct {
	X0, Y0, X1, Y1 int     // the ink's bounding box in source pixels, half-open
	Scale          float64 // output pixels per source pixel
	W, H           int     // the box scaled: W×H ≤ Box×Box output pixels (see Preprocessor.Scaled)
	Left, Top      int     // where the box's top-left corner landed in the Size×Size image
	Gain           float32 // the contrast gain applied (1 when none)
}

// A Preprocessor turns images into MNIST form. It keeps scratch buffers so
// that, after the first call, a call allocates nothing. The zero value is
// ready to use. A Preprocessor must not be used by two goroutines at once;
// the package-level FromRGBA and FromGray share a pool of them.
type Preprocessor struct {
	rows []uint32           // the horizontal pass: ≤Box sums per source row of the box
	acc  [Box * Box]uint64  // the vertical pass
	box  [Box * Box]float32 // the scaled ink, ow×oh values row-major with stride ow
	tx   [Box]tap           // horizontal taps
	ty   [Box]tap           // vertical taps
	info Info               // about the last successful call
	simd simdScratch        // for resample in WebAssembly SIMD, in the browser (simd_js.go)
}

// Info describes the last call that returned no error.
func (p *Preprocessor) Info() Info { return p.info }

// Scaled returns the ink's box as the last call scaled it, Info().W×Info().H
// values row by row, after the contrast gain: the pixels that call placed at
// (Info().Left, Info().Top) in its output. It is valid after a call that
// returned no error, until the next call, and belongs to p.
func (p *Preprocessor) Scaled() []float32 { return p.box[:p.info.W*p.info.H] }

// FromRGBA writes the MNIST form of an RGBA image into dst[:Size*Size].
// pix holds width×height pixels of 4 bytes (R, G, B, A), rows top to
// bottom, as canvas ImageData does. The ink is the alpha channel.
func (p *Preprocessor) FromRGBA(dst []float32, pix []byte, width, height int) error {
	return p.run("FromRGBA", dst, pix, width, height, 4)
}

// FromGray writes the MNIST form of a one-byte-a-pixel image into
// dst[:Size*Size]: 0 is background, 255 full ink, rows top to bottom.
func (p *Preprocessor) FromGray(dst []float32, pix []byte, width, height int) error {
	return p.run("FromGray", dst, pix, width, height, 1)
}

var pool = sync.Pool{New: func() any { return new(Preprocessor) }}

// FromRGBA is Preprocessor.FromRGBA with a pooled Preprocessor.
func FromRGBA(dst []float32, pix []byte, width, height int) error {
	p := pool.Get().(*Preprocessor)
	defer pool.Put(p)
	return p.FromRGBA(dst, pix, width, height)
}

// FromGray is Preprocessor.FromGray with a pooled Preprocessor.
func FromGray(dst []float32, pix []byte, width, height int) error {
	p := pool.Get().(*Preprocessor)
	defer pool.Put(p)
	return p.FromGray(dst, pix, width, height)
}

// run is FromRGBA (step 4) and FromGray (step 1): the ink of pixel i is
// pix[i*step+step-1].
func (p *Preprocessor) run(fn string, dst []float32, pix []byte, width, height, step int) error {
	if len(dst) < Size*Size {
		panic("ink: " + fn + ": dst has " + strconv.Itoa(len(dst)) + " elements, need " + strconv.Itoa(Size*Size))
	}
	out := dst[:Size*Size]
	clear(out)
	if err := checkSize(fn, len(pix), width, height, step); err != nil {
		return err
	}
	box, ow, oh, err := p.scale(pix, width, height, step)
	if err != nil {
		return err
	}
	gain := contrast(box, ContrastQuantile)
	left, top := place(out, box, ow, oh)
	p.info.Left, p.info.Top, p.info.Gain = left, top, gain
	return nil
}

// scale finds the ink, checks there is enough of it, and scales its box to
// ow×oh ≤ Box×Box pixels, returned row-major.
func (p *Preprocessor) scale(pix []byte, width, height, step int) (box []float32, ow, oh int, err error) {
	x0, y0, x1, y1, ok := inkBounds(pix, width, height, step)
	if !ok {
		return nil, 0, 0, ErrNoInk
	}
	bw, bh := x1-x0, y1-y0
	long := max(bw, bh)
	canvas := max(width, height)
	if long*MinSpanDiv < canvas {
		return nil, 0, 0, ErrNoInk
	}
	ow = (bw*Box + long - 1) / long
	oh = (bh*Box + long - 1) / long
	p.resample(pix[(y0*width+x0)*step:], width*step, step, bw, bh, ow, oh, long)
	box = p.box[:ow*oh]
	var mass float64
	for _, v := range box {
		mass += float64(v)
	}
	// An output pixel is (long/Box)² source pixels.
	s := float64(Box) / float64(long)
	if mass/(s*s)*MinMassDiv < float64(canvas)*float64(canvas) {
		return nil, 0, 0, ErrNoInk
	}
	p.info = Info{X0: x0, Y0: y0, X1: x1, Y1: y1, Scale: s, W: ow, H: oh}
	return box, ow, oh, nil
}

// place copies the ow×oh box into the Size×Size image out, moved by whole
// pixels so that its centre of mass lands as near (Centre, Centre) as the
// image's edges allow, and returns where its top-left corner went.
func place(out, box []float32, ow, oh int) (left, top int) {
	var mass, mr, mc float64
	for r := range oh {
		var rowSum float64
		for c, v := range box[r*ow : (r+1)*ow] {
			rowSum += float64(v)
			mc += float64(v) * float64(c)
		}
		mass += rowSum
		mr += rowSum * float64(r)
	}
	top = clampInt(int(math.Round(Centre-mr/mass)), 0, Size-oh)
	left = clampInt(int(math.Round(Centre-mc/mass)), 0, Size-ow)
	for r := range oh {
		copy(out[(top+r)*Size+left:], box[r*ow:(r+1)*ow])
	}
	return left, top
}

// contrast scales the ink so that the q-quantile of its pixels (those at
// least Faint/255) reaches 1, clipping above, and returns the gain. It only
// strengthens: a gain below 1 is not applied. The quantile is taken from a
// histogram of the values rounded to 256 levels; the gain takes the
// quantile's level to its lower edge, so that every pixel of that level and
// above saturates.
func contrast(box []float32, q float64) float32 {
	var hist [256]int32
	n := 0
	for _, v := range box {
		if v >= Faint/255.0 {
			hist[int(v*255+0.5)]++
			n++
		}
	}
	// The ink value below which lie q of the ink pixels.
	want := int32(math.Ceil(q * float64(n)))
	var seen int32
	level := 255
	for i, c := range hist {
		seen += c
		if seen >= want {
			level = i
			break
		}
	}
	if n == 0 || level >= 255 {
		return 1
	}
	g := 255 / (float32(level) - 0.5)
	for i := range box {
		box[i] = min(box[i]*g, 1)
	}
	return g
}

// checkSize checks the sizes that come from outside the program.
func checkSize(fn string, n, width, height, step int) error {
	if width < 0 || height < 0 || width > MaxSide || height > MaxSide {
		return errors.New("ink: " + fn + ": image size " + dims(width, height) +
			" out of range: each side must be 0.." + strconv.Itoa(MaxSide))
	}
	if want := width * height * step; n != want {
		return errors.New("ink: " + fn + ": a " + dims(width, height) + " image needs " +
			strconv.Itoa(want) + " bytes (" + strconv.Itoa(step) + " a pixel), got " + strconv.Itoa(n))
	}
	return nil
}

func dims(w, h int) string { return strconv.Itoa(w) + "×" + strconv.Itoa(h) }

func clampInt(v, lo, hi int) int { return max(lo, min(v, hi)) }
