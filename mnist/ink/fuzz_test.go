package ink

import (
	"errors"
	"testing"
)

// FuzzFromRGBA: any size and any bytes never panic; the result is either an
// error with dst all zeros, or an image in [0,1] whose ink's box is Box
// pixels on its longer side. The seeds are in testdata/fuzz/FuzzFromRGBA.
func FuzzFromRGBA(f *testing.F) {
	f.Add(2, 1, []byte{0, 0, 0, 255, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, width, height int, pix []byte) {
		var p Preprocessor
		dst := make([]float32, Size*Size)
		check := func(w, h int, pix []byte) {
			err := p.FromRGBA(dst, pix, w, h)
			if err != nil {
				for i, v := range dst {
					if v != 0 {
						t.Fatalf("%d×%d: error %v but dst[%d] = %v", w, h, err, i, v)
					}
				}
				if !errors.Is(err, ErrNoInk) && len(pix) == 4*w*h && w <= MaxSide && h <= MaxSide && w >= 0 && h >= 0 {
					t.Fatalf("%d×%d, %d bytes: error %v for a well-formed image", w, h, len(pix), err)
				}
				return
			}
			for i, v := range dst {
				if !(v >= 0 && v <= 1) {
					t.Fatalf("%d×%d: dst[%d] = %v", w, h, i, v)
				}
			}
			x0, y0, x1, y1, mass := outBox(dst)
			if max(x1-x0, y1-y0) != Box || mass <= 0 {
				t.Fatalf("%d×%d: ink box %d×%d, ink %v", w, h, x1-x0, y1-y0, mass)
			}
		}
		check(width, height, pix)
		// The same bytes as a well-formed image, width columns wide.
		if w := width % 64; w > 0 {
			h := len(pix) / (4 * w)
			check(w, h, pix[:4*w*h])
		}
	})
}
