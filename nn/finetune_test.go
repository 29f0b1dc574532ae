package nn

import (
	"math"
	"testing"
)

// TestTeachMNIST measures what TeachSteps and TeachLR do with the shipped
// weights: it teaches MNIST test images the network reads wrong (from
// images 1,000 on), alone and five at a time, and checks that they then
// read right while the accuracy on the first 1,000 test images drops by
// little. (go test -run TestTeachMNIST -v ./nn/ prints the numbers.)
func TestTeachMNIST(t *testing.T) {
	_, p, _ := shippedModels(t)
	dir, why := mnistDir()
	if dir == "" {
		t.Skip(why)
	}
	e, err := readMNIST(dir, "t10k", 10000)
	if err != nil {
		t.Fatal(err)
	}
	image := func(i int) []float32 { return e.X[i*784 : (i+1)*784] }
	accuracy := func() float64 {
		right := 0
		for i := range 1000 {
			if p.PredictOne(nil, image(i)) == int(e.Y[i]) {
				right++
			}
		}
		return float64(right) / 1000
	}
	before := accuracy()
	var wrong []int
	for i := 1000; i < 10000; i++ {
		if p.PredictOne(nil, image(i)) != int(e.Y[i]) {
			wrong = append(wrong, i)
		}
	}
	if len(wrong) < 60 {
		t.Fatalf("only %d images read wrong", len(wrong))
	}
	steps := make([]TeachStep, TeachSteps)
	for _, c := range []struct {
		n             int     // examples taught at once
		minRight      float64 // at least this share of them reads right after
		mean, maxDrop float64 // accuracy drop, at most
	}{
		{1, 1, 0.005, 0.02},
		{5, 0.9, 0.015, 0.025},
	} {
		right, taught, taken := 0, 0, 0
		var sum, worst float64
		for g := range 12 {
			var x []float32
			var y []uint8
			for _, i := range wrong[g*c.n : (g+1)*c.n] {
				x = append(x, image(i)...)
				y = append(y, e.Y[i])
			}
			taken += p.Teach(steps, x, y, TeachLR)
			for k, label := range y {
				taught++
				if p.PredictOne(nil, x[k*784:(k+1)*784]) == int(label) {
					right++
				}
			}
			drop := before - accuracy()
			sum += drop
			worst = max(worst, drop)
			p.Reset()
		}
		t.Logf("%d at a time, 12 times: %d of %d read right after, in %.1f steps on average; accuracy on 1,000 other test images %.1f%% before, %.2f points lower on average after (at most %.1f)",
			c.n, right, taught, float64(taken)/12, 100*before, 100*sum/12, 100*worst)
		if float64(right) < c.minRight*float64(taught) || sum/12 > c.mean || worst > c.maxDrop {
			t.Errorf("%d at a time: %d of %d right, accuracy %.4f lower on average, at most %.4f; want at least %.0f%% right, at most %.4f and %.4f",
				c.n, right, taught, sum/12, worst, 100*c.minRight, c.mean, c.maxDrop)
		}
	}
	if got := accuracy(); got != before {
		t.Errorf("after Reset, the accuracy is %v, before %v", got, before)
	}
}

func TestTeachLoss(t *testing.T) {
	if want := -math.Log(TeachSure); math.Abs(teachLoss-want) > 1e-15 {
		t.Errorf("teachLoss is %v, −ln TeachSure is %v", teachLoss, want)
	}
}
