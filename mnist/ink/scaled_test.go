package ink

import "testing"

// TestScaled: the scaled box Scaled returns is exactly what the output holds
// at (Left, Top), W×H with the longer side Box, and the output is blank
// elsewhere.
func TestScaled(t *testing.T) {
	t.Parallel()
	const side = 112
	seven := make([]byte, side*side)
	Rasterize(seven, side, side, []Stroke{{{X: 30, Y: 20}, {X: 80, Y: 22}, {X: 45, Y: 95}}}, PenWidth*side)
	wide := make([]byte, side*side)
	for y := 60; y < 70; y++ {
		for x := 5; x < 100; x++ {
			wide[y*side+x] = 200
		}
	}
	for i, gray := range [][]byte{seven, wide} {
		var p Preprocessor
		out := make([]float32, Size*Size)
		if err := p.FromGray(out, gray, side, side); err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		info, box := p.Info(), p.Scaled()
		if len(box) != info.W*info.H || max(info.W, info.H) != Box || min(info.W, info.H) < 1 {
			t.Fatalf("case %d: %d values for a %d×%d box", i, len(box), info.W, info.H)
		}
		for r := range Size {
			for c := range Size {
				want := float32(0)
				if br, bc := r-info.Top, c-info.Left; br >= 0 && br < info.H && bc >= 0 && bc < info.W {
					want = box[br*info.W+bc]
				}
				if got := out[r*Size+c]; got != want {
					t.Fatalf("case %d: out[%d,%d] = %v, the scaled box placed at (%d,%d) gives %v", i, r, c, got, info.Left, info.Top, want)
				}
			}
		}
	}
}
