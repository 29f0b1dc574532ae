package ink

import (
	"math"
	"os"
	"runtime"
	"sync"
	"testing"

	"inkling/mnist"
)

// TestMain unsets MNIST_DIR: these tests measure MNIST itself, so they read
// the module cache copy, whose SHA-256 mnist.LoadData checks, whatever other
// data set a developer has pointed MNIST_DIR at.
func TestMain(m *testing.M) {
	os.Unsetenv(mnist.EnvDir)
	os.Exit(m.Run())
}

// The MNIST data, loaded once for all tests.
var mnistData struct {
	once        sync.Once
	dirErr, err error
	train, test *mnist.Set
}

// loadMNIST returns the MNIST training and test sets, or skips under wasm
// when the module cache has no copy (there the go command cannot fetch one).
func loadMNIST(t *testing.T) (train, test *mnist.Set) {
	t.Helper()
	d := &mnistData
	d.once.Do(func() {
		if _, d.dirErr = mnist.DefaultDir(); d.dirErr == nil {
			d.train, d.test, d.err = mnist.LoadData()
		}
	})
	if d.dirErr != nil {
		if runtime.GOOS == "js" {
			t.Skipf("under js/wasm the go command cannot fetch the module, and the module cache has no copy: %v", d.dirErr)
		}
		t.Fatal(d.dirErr)
	}
	if d.err != nil {
		t.Fatal(d.err)
	}
	for _, s := range []*mnist.Set{d.train, d.test} {
		if s.Rows != Size || s.Cols != Size {
			t.Fatalf("MNIST images of %d×%d, want %d×%d", s.Rows, s.Cols, Size, Size)
		}
	}
	if d.test.N != 10000 {
		t.Fatalf("%d MNIST test images, want 10,000", d.test.N)
	}
	return d.train, d.test
}

// stated logs a figure measured here beside the one doc.go states, and
// fails the test when they differ by more than tol (the precision stated).
func stated(t *testing.T, what string, measured, doc, tol float64) {
	t.Helper()
	t.Logf("%s: %.6g (doc.go: %g)", what, measured, doc)
	if math.Abs(measured-doc) > tol {
		t.Errorf("%s: measured %.6g, doc.go states %g (±%g)", what, measured, doc, tol)
	}
}

// TestMNISTConventions measures on the 60,000 MNIST training images the
// figures doc.go's "Conventions" gives: the mean centre of mass and its
// spread, the images whose ink box is not Box pixels on its longer side,
// the images with 30% or more of their ink (pixels of at least Faint) at 253
// or above, and the width of the 1s across their middle row.
func TestMNISTConventions(t *testing.T) {
	t.Parallel()
	train, _ := loadMNIST(t)
	im := make([]float32, Size*Size)
	var sr, sc, sr2, sc2, onesWidth float64
	var notBox, saturated, ones int
	for k := range train.N {
		var inked, full int
		for i, v := range train.Image(k) {
			im[i] = float32(v) / 255
			if v >= Faint {
				inked++
				if v >= 253 {
					full++
				}
			}
		}
		if 10*full >= 3*inked {
			saturated++
		}
		r, c := centreOfMass(im)
		sr, sc, sr2, sc2 = sr+r, sc+c, sr2+r*r, sc2+c*c
		if x0, y0, x1, y1, _ := outBox(im); max(x1-x0, y1-y0) != Box {
			notBox++
		}
		if train.Labels[k] == 1 {
			for _, v := range im[Centre*Size : (Centre+1)*Size] {
				onesWidth += float64(v)
			}
			ones++
		}
	}
	n := float64(train.N)
	mr, mc := sr/n, sc/n
	stated(t, "mean centre of mass, row", mr, 13.996, 0.0005)
	stated(t, "mean centre of mass, column", mc, 14.007, 0.0005)
	stated(t, "its standard deviation, rows", math.Sqrt(sr2/n-mr*mr), 0.289, 0.0005)
	stated(t, "its standard deviation, columns", math.Sqrt(sc2/n-mc*mc), 0.291, 0.0005)
	stated(t, "images whose ink box is not Box pixels on its longer side", float64(notBox), 13, 0)
	stated(t, "images with 30% of their ink at 253 or above", float64(saturated), 28648, 0)
	stated(t, "ink of the 1s across their middle row", onesWidth/float64(ones), 3.1, 0.05)
}

// TestMNISTStaysMNIST passes the 10,000 MNIST test images through FromGray:
// they are already in MNIST form, so they must come out nearly unchanged.
// What changes is the contrast step strengthening the fainter ones.
func TestMNISTStaysMNIST(t *testing.T) {
	t.Parallel()
	_, test := loadMNIST(t)
	const n, px = 10000, Size * Size
	var p Preprocessor
	out := make([]float32, px)
	plain := make([]float32, px)  // without the contrast step
	median := make([]float32, px) // with the median as its quantile
	var diff, plainDiff, medianDiff float64
	var gained, offCentre int
	for k := range n {
		im := test.Image(k)
		clear(plain)
		clear(median)
		box, ow, oh, err := p.scale(im, Size, Size, 1)
		if err != nil {
			t.Fatalf("image %d: %v", k, err)
		}
		place(plain, box, ow, oh)
		contrast(box, 0.5)
		place(median, box, ow, oh)
		if err := p.FromGray(out, im, Size, Size); err != nil {
			t.Fatalf("image %d: %v", k, err)
		}
		for i, v := range out {
			diff += math.Abs(float64(v) - float64(im[i])/255)
			plainDiff += math.Abs(float64(plain[i]) - float64(im[i])/255)
			medianDiff += math.Abs(float64(median[i]) - float64(im[i])/255)
		}
		if p.Info().Gain > 1.01 {
			gained++
		}
		// The centre of mass is within half a pixel of the centre, unless
		// the image touches the frame: MNIST cut a few digits at its edge,
		// and FromGray moves the box back inside rather than cut it.
		r, c := centreOfMass(out)
		if math.Abs(r-Centre) > 0.5 || math.Abs(c-Centre) > 0.5 {
			offCentre++
			if x0, y0, x1, y1, _ := outBox(out); x0 > 0 && y0 > 0 && x1 < Size && y1 < Size {
				t.Errorf("image %d: centre of mass (%.3f, %.3f), want within 0.5 of %d", k, r, c, Centre)
			}
		}
	}
	diff /= n * px
	t.Logf("MNIST t10k through FromGray: %d images with the centre of mass more than 0.5 px off (moved back inside the frame)", offCentre)
	stated(t, "mean absolute pixel difference", diff, 0.0026, 0.00005)
	stated(t, "the same without the contrast step", plainDiff/(n*px), 0.00005, 0.000005)
	stated(t, "images the contrast step strengthens by more than 1%", float64(gained), 5031, 50)
	stated(t, "the difference with the median as the quantile, in times the difference", medianDiff/(n*px)/diff, 4.7, 0.05)
	if diff > 0.004 {
		t.Errorf("mean absolute pixel difference %.5f, want ≤ 0.004", diff)
	}
}

// TestMNISTScaled draws MNIST images k times larger, as RGBA, somewhere on
// a bigger canvas: area averaging brings each k×k block back to its pixel,
// so the result is the 28×28 one's.
func TestMNISTScaled(t *testing.T) {
	t.Parallel()
	_, test := loadMNIST(t)
	const px = Size * Size
	want := make([]float32, px)
	got := make([]float32, px)
	for i, tc := range []struct{ k, w, h, x, y, images int }{
		{2, 70, 60, 5, 3, 300},
		{3, 100, 100, 10, 15, 300},
		{7, 300, 250, 90, 40, 50},
		{10, 280, 280, 0, 0, 50},
		{5, 400, 150, 250, 10, 50},
	} {
		canvas := make([]byte, 4*tc.w*tc.h)
		for j := range tc.images {
			im := test.Image(j * 97 % test.N)
			clear(canvas)
			for y := range Size * tc.k {
				for x := range Size * tc.k {
					cy, cx := tc.y+y, tc.x+x
					if cy < tc.h && cx < tc.w {
						canvas[4*(cy*tc.w+cx)+3] = im[(y/tc.k)*Size+x/tc.k]
					}
				}
			}
			errW := FromGray(want, im, Size, Size)
			errG := FromRGBA(got, canvas, tc.w, tc.h)
			if errW != nil || errG != nil {
				t.Fatalf("case %d, image %d: errors %v, %v", i, j, errW, errG)
			}
			for q := range got {
				if math.Abs(float64(got[q]-want[q])) > 1e-5 {
					t.Fatalf("case %d, image %d: pixel %d = %v scaled ×%d, %v at 28×28", i, j, q, got[q], tc.k, want[q])
				}
			}
		}
	}
}
