//go:build js && wasm

package main

import (
	"syscall/js"

	"inkling/mnist/ink"
	"inkling/nn"
)

// maxTeach bounds the examples teach takes: each runs through the network
// once, and every step computes the last layer for all of them (100
// examples, 50 steps: 26 ms in Chromium, web TestLearn/teach). (It fine-tunes with nn.TeachSteps and nn.TeachLR,
// chosen by nn's TestTeachMNIST.)
const maxTeach = 100

// teach fine-tunes a model's last layer on the examples given, from its
// loaded weights; reset (f is fReset) gives it back its loaded weights.
func teach(args []js.Value, f int) any {
	i := 2 // the model argument
	if f == fReset {
		i = 0
	}
	m, no := modelArg(args, i, f)
	if no != nil {
		return no
	}
	res := object("ok", true)
	if f == fReset {
		m.Reset()
		return res
	}
	const size = ink.Size * ink.Size
	src, n, ok := bytesArg(args, 0)
	lab, k, okl := bytesArg(args, 1)
	ok = ok && okl && k > 0 && k <= maxTeach && n == k*size
	if ok {
		if cap(st.teachB) < n+k {
			st.teachB, st.teachX = make([]byte, n+k), make([]float32, n)
		}
		js.CopyBytesToGo(st.teachB[:n], src)
		js.CopyBytesToGo(st.teachB[n:n+k], lab)
		for _, v := range st.teachB[n : n+k] {
			ok = ok && v < classes
		}
	}
	if !ok {
		return fail(f, "inputs must be a Uint8Array of n×784 bytes (n 28×28 images in MNIST form, one after the other) and labels a Uint8Array of their n digits (0..9), n from 1 to 100")
	}
	x := st.teachX[:n]
	floats(x, st.teachB[:n])
	var steps [nn.TeachSteps]nn.TeachStep
	taken := m.Teach(steps[:], x, st.teachB[n:n+k], nn.TeachLR)
	list := jsArray.New(taken)
	for i, s := range steps[:taken] {
		list.SetIndex(i, object("loss", s.Loss, "p", s.P))
	}
	res.Set("steps", list)
	return res
}
