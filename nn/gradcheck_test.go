package nn

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// Finite-difference checks: each layer's backward against central differences
// of the naive float64 reference (ref_test.go) of a projected loss
// ℓ = Σ r ⊙ layer(x) with random r, and the whole network against the
// reference network. The analytic gradients are float32, the differences
// float64.
const (
	fdTol  = 1e-4 // gradients: relative, see relErr64
	fwdTol = 1e-5 // forward values against the reference: relative, see relErr64
)

func TestConv2DGradients(t *testing.T) {
	t.Parallel()
	for i, c := range []struct {
		n, h, w, cin, kh, kw, cout int
		relu                       bool
	}{
		{1, 3, 3, 1, 3, 3, 1, false},
		{2, 7, 5, 3, 2, 3, 4, false},
		{2, 7, 5, 3, 2, 3, 4, true},
		{3, 6, 6, 1, 3, 3, 5, true},
		{1, 5, 8, 2, 1, 1, 3, false},
		{2, 4, 9, 2, 4, 2, 2, true},
		{2, 12, 11, 1, 3, 3, 3, true}, // more pixels than a transposition block
	} {
		r := rand.New(rand.NewPCG(1, uint64(i)))
		oh, ow := c.h-c.kh+1, c.w-c.kw+1
		x32, x := randVals(r, c.n*c.h*c.w*c.cin, 1)
		k32, k := randVals(r, c.kh*c.kw*c.cin*c.cout, 0.5)
		b32, b := randVals(r, c.cout, 0.5)
		r32, rr := randVals(r, c.n*oh*ow*c.cout, 1)
		kp := &Param{Shape: []int{c.kh, c.kw, c.cin, c.cout}, Value: k32, Grad: make([]float32, len(k32))}
		bp := &Param{Shape: []int{c.cout}, Value: b32, Grad: make([]float32, len(b32))}
		l := newConv2D(Shape{c.h, c.w, c.cin}, Shape{oh, ow, c.cout}, kp, bp, c.relu)

		y := l.forward(x32, c.n)
		ref := func() []float64 {
			y := refConv(x, k, b, c.n, c.h, c.w, c.cin, c.kh, c.kw, c.cout)
			if c.relu {
				y = refReLU(y)
			}
			return y
		}
		if e := relErr64(y, ref()); e > fwdTol {
			t.Errorf("%d: forward: relative error %.3g > %g", i, e, fwdTol)
		}
		dx := l.backward(slices.Clone(r32), true)
		checkGrads(t, i, func() float64 { return dot64(rr, ref()) }, dx, x, kp, bp, k, b)
		// Without needDx the parameter gradients are the same and dx is nil.
		l.forward(x32, c.n)
		kg := slices.Clone(kp.Grad)
		if dx := l.backward(slices.Clone(r32), false); dx != nil || !slices.Equal(kg, kp.Grad) {
			t.Errorf("%d: backward without dx: dx %v, kernel grad changed %v", i, dx != nil, !slices.Equal(kg, kp.Grad))
		}
	}
}

// checkGrads checks case i's gradients of loss, a function of the layer's
// input x and of its kernel and bias values k and b, against central
// differences: dx, and the Grad of the kernel kp and the bias bp.
func checkGrads(t *testing.T, i int, loss func() float64, dx []float32, x []float64, kp, bp *Param, k, b []float64) {
	t.Helper()
	for _, g := range []struct {
		name string
		got  []float32
		v    []float64
	}{{"dx", dx, x}, {"dkernel", kp.Grad, k}, {"dbias", bp.Grad, b}} {
		if e := fdErr(g.got, g.v, loss); e > fdTol {
			t.Errorf("%d: %s: relative error %.3g > %g", i, g.name, e, fdTol)
		}
	}
}

func TestMaxPoolGradients(t *testing.T) {
	t.Parallel()
	for i, c := range []struct{ n, h, w, ch, ph, pw int }{
		{1, 2, 2, 1, 2, 2},
		{2, 7, 5, 3, 2, 2}, // leftover row and column
		{1, 6, 9, 2, 3, 2},
		{3, 5, 5, 1, 5, 1},
		{1, 4, 4, 4, 1, 1},
	} {
		r := rand.New(rand.NewPCG(2, uint64(i)))
		oh, ow := c.h/c.ph, c.w/c.pw
		x32, x := randVals(r, c.n*c.h*c.w*c.ch, 1)
		r32, rr := randVals(r, c.n*oh*ow*c.ch, 1)
		l := newMaxPool(Shape{c.h, c.w, c.ch}, Shape{oh, ow, c.ch}, [2]int{c.ph, c.pw})
		ref := func() []float64 { return refMaxPool(x, c.n, c.h, c.w, c.ch, c.ph, c.pw) }
		if d := maxAbs64(l.forward(x32, c.n), ref()); d != 0 {
			t.Errorf("%d: forward: max abs error %.3g, want 0", i, d)
		}
		dx := l.backward(slices.Clone(r32), true)
		if e := fdErr(dx, x, func() float64 { return dot64(rr, ref()) }); e > fdTol {
			t.Errorf("%d: dx: relative error %.3g > %g", i, e, fdTol)
		}
	}
}

func TestDenseGradients(t *testing.T) {
	t.Parallel()
	for i, c := range []struct {
		n, in, out int
		relu       bool
	}{
		{1, 1, 1, false},
		{3, 7, 5, false},
		{3, 7, 5, true},
		{5, 300, 3, true},   // k longer than a block of the product
		{70, 9, 140, false}, // more rows and columns than a tile
	} {
		r := rand.New(rand.NewPCG(3, uint64(i)))
		x32, x := randVals(r, c.n*c.in, 1)
		k32, k := randVals(r, c.in*c.out, 0.5)
		b32, b := randVals(r, c.out, 0.5)
		r32, rr := randVals(r, c.n*c.out, 1)
		kp := &Param{Shape: []int{c.in, c.out}, Value: k32, Grad: make([]float32, len(k32))}
		bp := &Param{Shape: []int{c.out}, Value: b32, Grad: make([]float32, len(b32))}
		l := newDense(Shape{c.in}, Shape{c.out}, kp, bp, c.relu)
		ref := func() []float64 {
			y := refDense(x, k, b, c.n, c.in, c.out)
			if c.relu {
				y = refReLU(y)
			}
			return y
		}
		if e := relErr64(l.forward(x32, c.n), ref()); e > fwdTol {
			t.Errorf("%d: forward: relative error %.3g > %g", i, e, fwdTol)
		}
		dx := l.backward(slices.Clone(r32), true)
		checkGrads(t, i, func() float64 { return dot64(rr, ref()) }, dx, x, kp, bp, k, b)
	}
}

func TestSoftmaxGradients(t *testing.T) {
	t.Parallel()
	for i, c := range []struct{ n, size int }{{1, 1}, {4, 10}, {3, 2}} {
		r := rand.New(rand.NewPCG(4, uint64(i)))
		x32, x := randVals(r, c.n*c.size, 3)
		r32, rr := randVals(r, c.n*c.size, 1)
		l := &softmax{classes: c.size}
		ref := func() []float64 { return refSoftmax(x, c.size) }
		if e := relErr64(l.forward(x32, c.n), ref()); e > fwdTol {
			t.Errorf("%d: forward: relative error %.3g > %g", i, e, fwdTol)
		}
		dx := l.backward(slices.Clone(r32), true)
		if e := fdErr(dx, x, func() float64 { return dot64(rr, ref()) }); e > fdTol {
			t.Errorf("%d: dx: relative error %.3g > %g", i, e, fdTol)
		}
	}
}

func TestFlatten(t *testing.T) {
	x := []float32{1, 2, 3, 4, 5, 6}
	var f flatten
	if y := f.forward(x, 1); !slices.Equal(y, x) {
		t.Errorf("forward %v, want %v", y, x)
	}
	if dx := f.backward(x, true); !slices.Equal(dx, x) {
		t.Errorf("backward %v, want %v", dx, x)
	}
}

func TestLossGradients(t *testing.T) {
	t.Parallel()
	for i, c := range []struct{ n, classes int }{{1, 1}, {1, 2}, {5, 10}, {32, 3}} {
		r := rand.New(rand.NewPCG(5, uint64(i)))
		z32, z := randVals(r, c.n*c.classes, 4)
		y := randLabels(r, c.n, c.classes)
		d := make([]float32, len(z32))
		sum, _ := crossEntropy(d, z32, y, c.classes)
		loss := func() float64 { return refLoss(z, y, c.classes) }
		if e := relErr64([]float32{float32(sum / float64(c.n))}, []float64{loss()}); e > fwdTol {
			t.Errorf("%d: loss %g, reference %g", i, sum/float64(c.n), loss())
		}
		if e := fdErr(d, z, loss); e > fdTol {
			t.Errorf("%d: dlogits: relative error %.3g > %g", i, e, fdTol)
		}
	}
}

// smallConfig has every layer type, odd sizes, several channels, a pool
// that leaves a row over, and a conv2d that needs its input gradient.
func smallConfig() Config {
	return Config{
		Input: Shape{9, 7, 2},
		Layers: []LayerConfig{
			{Type: TypeConv2D, Filters: 3, Kernel: [2]int{2, 3}, Activation: ActReLU, Init: InitHeUniform}, // (8, 5, 3)
			{Type: TypeMaxPooling2D, Pool: [2]int{3, 2}},                                                   // (2, 2, 3)
			{Type: TypeConv2D, Filters: 4, Kernel: [2]int{1, 2}, Activation: ActReLU},                      // (2, 1, 4)
			{Type: TypeFlatten}, // (8)
			{Type: TypeDense, Units: 5, Activation: ActReLU, Init: InitHeUniform},
			{Type: TypeDense, Units: 3, Activation: ActSoftmax},
		},
	}
}

// refSmall is smallConfig's network in float64 from the parameters ps (in
// Params order) and returns its mean loss.
func refSmall(x []float64, y []uint8, ps [][]float64) float64 {
	n := len(y)
	h := refReLU(refConv(x, ps[0], ps[1], n, 9, 7, 2, 2, 3, 3))
	h = refMaxPool(h, n, 8, 5, 3, 3, 2)
	h = refReLU(refConv(h, ps[2], ps[3], n, 2, 2, 3, 1, 2, 4))
	h = refReLU(refDense(h, ps[4], ps[5], n, 8, 5))
	return refLoss(refDense(h, ps[6], ps[7], n, 5, 3), y, 3)
}

func TestNetworkGradients(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(6, 0))
	m, err := New(smallConfig(), r)
	if err != nil {
		t.Fatal(err)
	}
	const n = 4
	x32, x := randVals(r, n*9*7*2, 1)
	y := []uint8{0, 2, 1, 2}
	var ps [][]float64
	for _, p := range m.Params() {
		// Non-zero biases, so that they matter.
		if len(p.Shape) == 1 {
			for k := range p.Value {
				p.Value[k] = float32(0.1 * r.NormFloat64())
			}
		}
		ps = append(ps, to64(p.Value))
	}
	loss, _ := m.Gradients(x32, y)
	ref := func() float64 { return refSmall(x, y, ps) }
	if e := relErr64([]float32{float32(loss)}, []float64{ref()}); e > fwdTol {
		t.Errorf("loss %g, reference %g", loss, ref())
	}
	for i, p := range m.Params() {
		if e := fdErr(p.Grad, ps[i], ref); e > fdTol {
			t.Errorf("%d: %s: relative error %.3g > %g", i, p.Name, e, fdTol)
		}
	}
}

// TestMaxPoolTies: the gradient of a window goes to its first maximum in
// row-major order, a NaN window's nowhere, and the rows and columns outside
// every window get none.
func TestMaxPoolTies(t *testing.T) {
	t.Parallel()
	nan := float32(math.NaN())
	for i, c := range []struct {
		x      []float32 // (3, 3, 1), pooled 2×2
		want   float32   // output
		wantDx []float32
	}{
		{[]float32{1, 2, 9, 2, 0, 9, 9, 9, 9}, 2, []float32{0, 5, 0, 0, 0, 0, 0, 0, 0}},
		{[]float32{0, 0, 9, 0, 0, 9, 9, 9, 9}, 0, []float32{5, 0, 0, 0, 0, 0, 0, 0, 0}},
		{[]float32{-1, -3, 9, -1, -1, 9, 9, 9, 9}, -1, []float32{5, 0, 0, 0, 0, 0, 0, 0, 0}},
		{[]float32{-3, -2, 9, -1, -1, 9, 9, 9, 9}, -1, []float32{0, 0, 0, 5, 0, 0, 0, 0, 0}},
		{[]float32{1, nan, 9, 3, 0, 9, 9, 9, 9}, nan, []float32{0, 0, 0, 0, 0, 0, 0, 0, 0}},
		{[]float32{nan, 1, 9, 3, 0, 9, 9, 9, 9}, nan, []float32{0, 0, 0, 0, 0, 0, 0, 0, 0}},
	} {
		l := newMaxPool(Shape{3, 3, 1}, Shape{1, 1, 1}, [2]int{2, 2})
		y := l.forward(c.x, 1)
		if !(y[0] == c.want || (y[0] != y[0] && c.want != c.want)) {
			t.Errorf("%d: max %g, want %g", i, y[0], c.want)
		}
		dx := l.backward([]float32{5}, true)
		if !slices.Equal(dx, c.wantDx) {
			t.Errorf("%d: dx %v, want %v", i, dx, c.wantDx)
		}
	}
}

// TestReLUByPool: the tutorial's gradients are the same bits whether the
// max pooling applies conv2d's ReLU mask (as New arranges) or conv2d does.
func TestReLUByPool(t *testing.T) {
	t.Parallel()
	n := 8
	r := rand.New(rand.NewPCG(7, 7))
	x, _ := randVals(r, n*28*28, 1)
	y := randLabels(r, n, 10)
	var grads [2][]float32
	for i := range grads {
		m := mustNew(t, Tutorial(), rand.New(rand.NewPCG(8, 8)))
		c, p := m.layers[0].(*conv2d), m.layers[1].(*maxPool)
		if !c.reluByNext || !p.relu {
			t.Fatalf("New did not hand conv2d's ReLU mask to the pooling")
		}
		if i == 1 {
			c.reluByNext, p.relu = false, false
		}
		m.Gradients(x, y)
		for _, q := range m.Params() {
			grads[i] = append(grads[i], q.Grad...)
		}
	}
	if !slices.Equal(grads[0], grads[1]) {
		t.Errorf("the gradients differ")
	}
}
