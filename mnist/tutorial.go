package mnist

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"strconv"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// Step 1 of the Keras tutorial: load the data, print its shapes, plot the
// first nine training images.

// Summary returns the shapes of the data as the tutorial prints them:
//
//	X_train = (60000, 28, 28), Y_train = (60000,)
//	X_test = (10000, 28, 28), Y_test = (10000,)
//
// (two lines, no final newline).
func Summary(train, test *Set) string {
	return fmt.Sprintf("X_train = (%d, %d, %d), Y_train = (%d,)\nX_test = (%d, %d, %d), Y_test = (%d,)",
		train.N, train.Rows, train.Cols, len(train.Labels),
		test.N, test.Rows, test.Cols, len(test.Labels))
}

// Samples returns the tutorial's plot: the first nine images of s (fewer if
// s holds fewer) in a 3×3 grid, each captioned with its label.
func Samples(s *Set) *image.Gray {
	n := min(9, s.N)
	images := make([]*image.Gray, n)
	captions := make([]string, n)
	for i := range n {
		images[i] = s.Gray(i)
		captions[i] = "label " + strconv.Itoa(int(s.Labels[i]))
	}
	return Grid(images, captions, 3)
}

// WriteSamplesPNG writes Samples(s) to w as a PNG.
func WriteSamplesPNG(w io.Writer, s *Set) error {
	return png.Encode(w, Samples(s))
}

// GridScale is how many output pixels wide and high Grid draws each image pixel.
const GridScale = 4

// Grid geometry, in output pixels.
const (
	gridPad = 8  // white space around and between cells
	lineH   = 16 // a caption line: basicfont's 13-pixel cell and 3 pixels of space
)

// Grid lays images out in rows of cols, in order, on a white background.
// Each image is scaled up GridScale times (nearest neighbour) and drawn as
// stored (MNIST: white ink on black), under its caption in black text; all
// cells have the size of the largest image or caption. captions is nil (no
// captions) or holds one string per image; text is ASCII, plus '→' (as in
// "true 9 → 3"). Grid panics if cols < 1 or the captions do not match the
// images.
func Grid(images []*image.Gray, captions []string, cols int) *image.Gray {
	if cols < 1 {
		panic(fmt.Sprintf("mnist: Grid: %d columns", cols))
	}
	if captions != nil && len(captions) != len(images) {
		panic(fmt.Sprintf("mnist: Grid: %d captions for %d images", len(captions), len(images)))
	}
	face := basicfont.Face7x13
	capH := 0
	if captions != nil {
		capH = lineH
	}
	cellW, cellH := 0, 0
	for i, im := range images {
		b := im.Bounds()
		cellW = max(cellW, b.Dx()*GridScale)
		cellH = max(cellH, b.Dy()*GridScale)
		if captions != nil {
			cellW = max(cellW, len([]rune(captions[i]))*face.Advance)
		}
	}
	rows := (len(images) + cols - 1) / cols
	cols = min(cols, len(images))
	dst := image.NewGray(image.Rect(0, 0, gridPad+cols*(cellW+gridPad), gridPad+rows*(capH+cellH+gridPad)))
	for i := range dst.Pix {
		dst.Pix[i] = 0xff
	}
	for i, im := range images {
		x0 := gridPad + (i%cols)*(cellW+gridPad)
		y0 := gridPad + (i/cols)*(capH+cellH+gridPad)
		if captions != nil {
			w := len([]rune(captions[i])) * face.Advance
			drawText(dst, captions[i], x0+(cellW-w)/2, y0+face.Ascent)
		}
		b := im.Bounds()
		tx := x0 + (cellW-b.Dx()*GridScale)/2
		ty := y0 + capH
		for y := range b.Dy() * GridScale {
			src := im.Pix[im.PixOffset(b.Min.X, b.Min.Y+y/GridScale):]
			out := dst.Pix[dst.PixOffset(tx, ty+y):]
			for x := range b.Dx() * GridScale {
				out[x] = src[x/GridScale]
			}
		}
	}
	return dst
}

// drawText draws s in black with basicfont.Face7x13, its baseline at y
// starting at x. basicfont has no arrow, so '→' is drawn by hand.
func drawText(dst *image.Gray, s string, x, y int) {
	d := font.Drawer{Dst: dst, Src: image.NewUniform(color.Black), Face: basicfont.Face7x13}
	adv := basicfont.Face7x13.Advance
	for _, r := range s {
		if r == '→' {
			mid := y - 4 // the height of a '-' in this face
			for i := range 6 {
				dst.SetGray(x+i, mid, color.Gray{})
			}
			for i := 1; i <= 2; i++ {
				dst.SetGray(x+5-i, mid-i, color.Gray{})
				dst.SetGray(x+5-i, mid+i, color.Gray{})
			}
		} else {
			d.Dot = fixed.P(x, y)
			d.DrawString(string(r))
		}
		x += adv
	}
}
