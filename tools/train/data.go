//go:build !js

package main

import (
	"math"
	"math/rand/v2"
	"runtime"
	"sync"

	"inkling/mnist"
	"inkling/mnist/ink"
)

// imageSize is the number of pixels of one 28×28 example.
const imageSize = ink.Size * ink.Size

// padSide is the side of the canvas the page hands to the network: pen
// digits are drawn on one of this size, as the page draws them.
const padSide = ink.PadSide

// penDigit is one digit written with a pen, as strokes in tablet units.
type penDigit struct {
	label   uint8
	writer  int
	strokes []ink.Stroke
}

func toPenDigits(ds []mnist.StrokeDigit) []penDigit {
	out := make([]penDigit, len(ds))
	for i, d := range ds {
		ss := make([]ink.Stroke, len(d.Strokes))
		for j, s := range d.Strokes {
			ss[j] = make(ink.Stroke, len(s))
			for k, p := range s {
				ss[j][k] = ink.Point{X: p[0], Y: p[1]}
			}
		}
		out[i] = penDigit{label: uint8(d.Label), writer: d.Writer, strokes: ss}
	}
	return out
}

// splitWriters separates the digits of writers lo..hi (held out) from the rest.
func splitWriters(ds []penDigit, lo, hi int) (train, held []penDigit) {
	for _, d := range ds {
		if d.writer >= lo && d.writer <= hi {
			held = append(held, d)
		} else {
			train = append(train, d)
		}
	}
	return train, held
}

// placement says how a pen digit is put on the pad: its height as a fraction
// of the pad's side, the pen's width as a fraction of the side, where its box
// centre goes (fractions of the side), and a small affine distortion.
type placement struct {
	height, pen float64
	cx, cy      float64
	rotate      float64 // radians
	shear       float64 // x += shear·y
	stretch     float64 // x scale relative to y
}

// pagePlacement is how a person typically draws on the page: the digit about
// two thirds of the pad's height, centred, with the page's pen.
var pagePlacement = placement{height: 2.0 / 3, pen: ink.PenWidth, cx: 0.5, cy: 0.5, stretch: 1}

// randomPlacement draws a placement for training: digits from a quarter to
// most of the pad, pens from thin to thick, anywhere the digit fits, slightly
// rotated, sheared and stretched.
func randomPlacement(rng *rand.Rand) placement {
	h := 0.25 + 0.6*rng.Float64()
	margin := h / 2 * 1.1
	return placement{
		height:  h,
		pen:     0.045 + 0.075*rng.Float64(),
		cx:      margin + (1-2*margin)*rng.Float64(),
		cy:      margin + (1-2*margin)*rng.Float64(),
		rotate:  (rng.Float64()*2 - 1) * 10 * math.Pi / 180,
		shear:   (rng.Float64()*2 - 1) * 0.15,
		stretch: 0.85 + 0.3*rng.Float64(),
	}
}

// renderer draws pen digits on a pad-sized canvas and turns them into MNIST
// form with the page's own preprocessing. It reuses its buffers.
type renderer struct {
	canvas  []byte
	pre     ink.Preprocessor
	strokes []ink.Stroke
}

// render writes the 28×28 image of d drawn with placement p into dst. A
// digit the preprocessing finds no ink in (it does not happen with real
// strokes) comes out blank.
func (r *renderer) render(dst []float32, d penDigit, p placement) {
	if r.canvas == nil {
		r.canvas = make([]byte, padSide*padSide)
	}
	clear(r.canvas)
	// Distort around the digit's own centre, then fit it on the pad.
	b, _ := ink.Bounds(d.strokes)
	mx, my := (b.Min.X+b.Max.X)/2, (b.Min.Y+b.Max.Y)/2
	sin, cos := math.Sincos(p.rotate)
	r.strokes = r.strokes[:0]
	for _, s := range d.strokes {
		t := make(ink.Stroke, len(s))
		for i, pt := range s {
			x, y := (pt.X-mx)*p.stretch, pt.Y-my
			x += p.shear * y
			t[i] = ink.Point{X: x*cos - y*sin, Y: x*sin + y*cos}
		}
		r.strokes = append(r.strokes, t)
	}
	side := float64(padSide)
	placed := ink.Fit(r.strokes, p.height*side, p.cx*side, p.cy*side)
	ink.Rasterize(r.canvas, padSide, padSide, placed, p.pen*side)
	if err := r.pre.FromGray(dst, r.canvas, padSide, padSide); err != nil {
		clear(dst[:imageSize])
	}
}

// renderAll draws every digit with placement p, on both cores.
func renderAll(ds []penDigit, p placement) (x []float32, y []uint8) {
	x = make([]float32, len(ds)*imageSize)
	y = make([]uint8, len(ds))
	parallel(len(ds), func(r *renderer, i int) {
		r.render(x[i*imageSize:(i+1)*imageSize], ds[i], p)
		y[i] = ds[i].label
	})
	return x, y
}

// parallel calls f(i) for i in 0..n-1 on GOMAXPROCS goroutines, each with
// its own renderer. (The results do not depend on the split: every random
// choice is a function of the example.)
func parallel(n int, f func(r *renderer, i int)) {
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var r renderer
			for i := w; i < n; i += workers {
				f(&r, i)
			}
		}()
	}
	wg.Wait()
}

// trainingSet is what the trainer learns from: MNIST training images, then
// (optionally) pen digits repeated penRepeat times per epoch, each drawn anew
// with a random placement. With augment set, MNIST images are also randomly
// shifted, rotated and scaled a little. Every random choice is a function of
// (seed, epoch, example), so an epoch can be replayed exactly after a resume.
type trainingSet struct {
	images    *mnist.Set
	pen       []penDigit
	penRepeat int
	augment   bool
	seed      uint64
	epoch     int // set by the trainer before each epoch
}

func (t *trainingSet) Len() int { return t.images.N + len(t.pen)*t.penRepeat }

func (t *trainingSet) Batch(x []float32, y []uint8, idx []int) {
	parallel(len(idx), func(r *renderer, k int) {
		i := idx[k]
		dst := x[k*imageSize : (k+1)*imageSize]
		rng := rand.New(rand.NewPCG(t.seed, uint64(t.epoch)<<32|uint64(i)))
		if i < t.images.N {
			y[k] = t.images.Labels[i]
			src := t.images.Image(i)
			if t.augment && rng.IntN(2) == 0 {
				affine(dst, src, rng)
			} else {
				for j, v := range src {
					dst[j] = float32(v) / 255
				}
			}
			return
		}
		d := t.pen[(i-t.images.N)%len(t.pen)]
		y[k] = d.label
		r.render(dst, d, randomPlacement(rng))
	})
}

// affine writes src (28×28 bytes) into dst scaled to [0, 1] through a random
// small rotation (±10°), scale (±10%) and shift (±2 pixels) about the centre,
// sampling bilinearly.
func affine(dst []float32, src []byte, rng *rand.Rand) {
	angle := (rng.Float64()*2 - 1) * 10 * math.Pi / 180
	scale := 0.9 + 0.2*rng.Float64()
	dx, dy := (rng.Float64()*2-1)*2, (rng.Float64()*2-1)*2
	sin, cos := math.Sincos(angle)
	const c = ink.Size / 2
	for row := range ink.Size {
		for col := range ink.Size {
			// Inverse map: where in src does this output pixel come from?
			u, v := (float64(col)+0.5-c-dx)/scale, (float64(row)+0.5-c-dy)/scale
			sx, sy := u*cos+v*sin+c-0.5, -u*sin+v*cos+c-0.5
			dst[row*ink.Size+col] = bilinear(src, sx, sy) / 255
		}
	}
}

func bilinear(src []byte, x, y float64) float32 {
	x0, y0 := math.Floor(x), math.Floor(y)
	fx, fy := float32(x-x0), float32(y-y0)
	at := func(c, r int) float32 {
		if c < 0 || r < 0 || c >= ink.Size || r >= ink.Size {
			return 0
		}
		return float32(src[r*ink.Size+c])
	}
	c, r := int(x0), int(y0)
	top := at(c, r)*(1-fx) + at(c+1, r)*fx
	bot := at(c, r+1)*(1-fx) + at(c+1, r+1)*fx
	return top*(1-fy) + bot*fy
}
