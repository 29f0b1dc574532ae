package mnist

import (
	"fmt"
	"image"
)

// Classes is the number of digit classes, 0 to 9.
const Classes = 10

// Set is a set of labelled images: the x and y of Keras's mnist.load_data().
//
// Invariants (LoadData, LoadDir and LoadFiles return Sets that keep them):
// len(Images) == N×Rows×Cols, len(Labels) == N, Rows and Cols ≥ 1, every label
// is below Classes.
type Set struct {
	// Images holds the N images one after another, each Rows×Cols pixels in
	// row-major order, 0 the background and 255 full ink (white on black).
	Images []uint8
	// Labels holds the digit each image shows.
	Labels []uint8
	// N is the number of images, Rows and Cols their size (28×28 for MNIST).
	N, Rows, Cols int
}

// newSet checks the invariants of a Set made from decoded files.
func newSet(pix []uint8, rows, cols int, labels []uint8, imagesName, labelsName string) (*Set, error) {
	n := len(pix) / (rows * cols)
	if len(labels) != n {
		return nil, &FormatError{File: labelsName,
			Msg: fmt.Sprintf("%s labels, but %s has %s images", commas(len(labels)), imagesName, commas(n))}
	}
	for i, l := range labels {
		if l >= Classes {
			return nil, &FormatError{File: labelsName,
				Msg: fmt.Sprintf("label %d at index %s is not a digit 0 to 9", l, commas(i))}
		}
	}
	return &Set{Images: pix, Labels: labels, N: n, Rows: rows, Cols: cols}, nil
}

// Image returns the pixels of image i, Rows×Cols bytes row-major. The slice
// shares memory with s.Images.
func (s *Set) Image(i int) []uint8 {
	if i < 0 || i >= s.N {
		panic(fmt.Sprintf("mnist: Image: index %d out of range [0,%d)", i, s.N))
	}
	sz := s.Rows * s.Cols
	return s.Images[i*sz : (i+1)*sz : (i+1)*sz]
}

// Gray returns image i as an *image.Gray sharing memory with s.Images.
func (s *Set) Gray(i int) *image.Gray {
	return &image.Gray{Pix: s.Image(i), Stride: s.Cols, Rect: image.Rect(0, 0, s.Cols, s.Rows)}
}

// Slice returns images from to to-1 as a Set sharing memory with s, as for a
// validation split.
func (s *Set) Slice(from, to int) *Set {
	if from < 0 || to < from || to > s.N {
		panic(fmt.Sprintf("mnist: Slice: [%d,%d) out of range [0,%d]", from, to, s.N))
	}
	sz := s.Rows * s.Cols
	return &Set{
		Images: s.Images[from*sz : to*sz : to*sz],
		Labels: s.Labels[from:to:to],
		N:      to - from, Rows: s.Rows, Cols: s.Cols,
	}
}

// ClassCounts returns how many images of each digit s holds.
func (s *Set) ClassCounts() [Classes]int {
	var c [Classes]int
	for _, l := range s.Labels {
		c[l]++
	}
	return c
}

// scale maps a pixel to float32(v)/255, rounded exactly as Keras's
// x.astype("float32") / 255 rounds it.
var scale = func() (t [256]float32) {
	for v := range t {
		t[v] = float32(v) / 255
	}
	return t
}()

// Float32 writes images from to to-1 into dst as float32 values in [0, 1]
// (pixel/255, as the tutorial scales them), in NHWC order with one channel:
// (to-from)×Rows×Cols×1. It reuses dst if it has the capacity, and returns
// dst resliced to that length. s.Float32(nil, 0, s.N) converts the whole set.
func (s *Set) Float32(dst []float32, from, to int) []float32 {
	if from < 0 || to < from || to > s.N {
		panic(fmt.Sprintf("mnist: Float32: [%d,%d) out of range [0,%d]", from, to, s.N))
	}
	sz := s.Rows * s.Cols
	if n := (to - from) * sz; cap(dst) >= n {
		dst = dst[:n]
	} else {
		dst = make([]float32, n)
	}
	for i, v := range s.Images[from*sz : to*sz] {
		dst[i] = scale[v]
	}
	return dst
}
