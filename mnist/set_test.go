package mnist

import (
	"bytes"
	"testing"
)

// smallSet is the testdata set: 3 images of 4×5, labels 7 0 9.
func smallSet() *Set {
	return &Set{Images: bytes.Clone(tdPix), Labels: bytes.Clone(tdLabels), N: 3, Rows: tdRows, Cols: tdCols}
}

func TestSetImage(t *testing.T) {
	t.Parallel()
	s := smallSet()
	for i := range s.N {
		im := s.Image(i)
		if !bytes.Equal(im, tdPix[i*20:(i+1)*20]) {
			t.Errorf("%d: Image = %v, want %v", i, im, tdPix[i*20:(i+1)*20])
		}
		g := s.Gray(i)
		if g.Bounds().Dx() != tdCols || g.Bounds().Dy() != tdRows {
			t.Errorf("%d: Gray bounds %v, want %d×%d", i, g.Bounds(), tdCols, tdRows)
		}
		// Row-major: pixel (row 2, col 3) is byte 2×Cols+3.
		if got, want := g.GrayAt(3, 2).Y, im[2*tdCols+3]; got != want {
			t.Errorf("%d: Gray(3, 2) = %d, want %d", i, got, want)
		}
	}
	s.Image(1)[0] = 42
	if s.Images[20] != 42 {
		t.Error("Image does not share memory with Images")
	}
	if cap(s.Image(0)) != 20 {
		t.Error("Image(0) lets append overwrite image 1")
	}
}

func TestSetSlice(t *testing.T) {
	t.Parallel()
	s := smallSet()
	v := s.Slice(1, 3)
	if v.N != 2 || v.Rows != tdRows || v.Cols != tdCols || !bytes.Equal(v.Labels, []byte{0, 9}) || !bytes.Equal(v.Image(0), s.Image(1)) {
		t.Errorf("Slice(1, 3) = %+v", v)
	}
	if e := s.Slice(3, 3); e.N != 0 || len(e.Images) != 0 {
		t.Errorf("Slice(3, 3) = %+v, want empty", e)
	}
}

func TestFloat32(t *testing.T) {
	t.Parallel()
	s := &Set{Images: []uint8{0, 255, 51, 102, 1, 128}, Labels: []uint8{1, 2, 3}, N: 3, Rows: 1, Cols: 2}
	// 51/255 = 0.2 and 102/255 = 0.4 exactly, so float32 division gives float32(0.2), float32(0.4).
	want := []float32{0, 1, 0.2, 0.4, float32(1.0 / 255), float32(128.0 / 255)}
	got := s.Float32(nil, 0, 3)
	if len(got) != 6 {
		t.Fatalf("Float32(nil, 0, 3) has %d values, want 6", len(got))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("%d: Float32 = %v, want %v", i, got[i], want[i])
		}
	}
	buf := make([]float32, 0, 100)
	part := s.Float32(buf, 1, 3)
	if &part[0] != &buf[:1][0] || len(part) != 4 || part[0] != 0.2 || part[3] != want[5] {
		t.Errorf("Float32(buf, 1, 3) = %v, want %v in buf's memory", part, want[2:])
	}
	for v := range 256 {
		if got, want := scale[v], float32(float64(v)/255); got != want {
			t.Errorf("scale[%d] = %v, float32(%d/255.0) = %v", v, got, v, want)
		}
	}
}

func TestClassCounts(t *testing.T) {
	t.Parallel()
	s := &Set{Labels: []uint8{3, 3, 0, 9, 3}}
	if got := s.ClassCounts(); got != [Classes]int{0: 1, 3: 3, 9: 1} {
		t.Errorf("ClassCounts = %v", got)
	}
}

func TestSetPanics(t *testing.T) {
	t.Parallel()
	s := smallSet()
	for i, tc := range []struct {
		f    func()
		want string
	}{
		{func() { s.Image(3) }, "mnist: Image: index 3 out of range [0,3)"},
		{func() { s.Image(-1) }, "mnist: Image: index -1 out of range [0,3)"},
		{func() { s.Slice(2, 4) }, "mnist: Slice: [2,4) out of range [0,3]"},
		{func() { s.Slice(2, 1) }, "mnist: Slice: [2,1) out of range [0,3]"},
		{func() { s.Float32(nil, 0, 4) }, "mnist: Float32: [0,4) out of range [0,3]"},
	} {
		func() {
			defer func() {
				if r, _ := recover().(string); r != tc.want {
					t.Errorf("%d: panic %q, want %q", i, r, tc.want)
				}
			}()
			tc.f()
		}()
	}
}

func TestNewSetErrors(t *testing.T) {
	t.Parallel()
	for i, tc := range []struct {
		labels []uint8
		want   string
	}{
		{[]uint8{1, 2}, "l.idx1: 2 labels, but i.idx3 has 3 images"},
		{[]uint8{1, 2, 3, 4}, "l.idx1: 4 labels, but i.idx3 has 3 images"},
		{[]uint8{1, 10, 3}, "l.idx1: label 10 at index 1 is not a digit 0 to 9"},
	} {
		_, err := newSet(tdPix, tdRows, tdCols, tc.labels, "i.idx3", "l.idx1")
		if err == nil || err.Error() != tc.want {
			t.Errorf("%d: got %v, want %q", i, err, tc.want)
		}
	}
	s, err := newSet(tdPix, tdRows, tdCols, tdLabels, "i", "l")
	if err != nil || s.N != 3 || s.Rows != tdRows || s.Cols != tdCols || !bytes.Equal(s.Labels, tdLabels) {
		t.Errorf("newSet(valid) = %+v, %v", s, err)
	}
}
