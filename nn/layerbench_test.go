package nn

import (
	"math/rand/v2"
	"testing"
)

func BenchmarkConvLayer(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	x, _ := randVals(r, 32*28*28, 1)
	k, _ := randVals(r, 9*32, 1)
	bb, _ := randVals(r, 32, 1)
	dy, _ := randVals(r, 32*26*26*32, 1)
	kp := &Param{Shape: []int{3, 3, 1, 32}, Value: k, Grad: make([]float32, len(k))}
	bp := &Param{Shape: []int{32}, Value: bb, Grad: make([]float32, 32)}
	l := newConv2D(Shape{28, 28, 1}, Shape{26, 26, 32}, kp, bp, true)
	l.forward(x, 32)
	l.backward(dy, false)
	b.Run("forward", func(b *testing.B) {
		for b.Loop() {
			l.forward(x, 32)
		}
	})
	b.Run("backward", func(b *testing.B) {
		for b.Loop() {
			l.backward(dy, false)
		}
	})
	b.Run("im2col", func(b *testing.B) {
		l.x = x
		for b.Loop() {
			for i := range 32 {
				(*convIm2col)(l).do(i)
			}
		}
	})
}

func BenchmarkPoolLayer(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	x, _ := randVals(r, 32*26*26*32, 1)
	dy, _ := randVals(r, 32*13*13*32, 1)
	l := newMaxPool(Shape{26, 26, 32}, Shape{13, 13, 32}, [2]int{2, 2})
	b.Run("forward", func(b *testing.B) {
		for b.Loop() {
			l.forward(x, 32)
		}
	})
	l.forward(x, 32)
	b.Run("backward", func(b *testing.B) {
		for b.Loop() {
			l.backward(dy, true)
		}
	})
}
