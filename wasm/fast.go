//go:build js && wasm

package main

import (
	"inkling/internal/simd"
	"inkling/mnist/ink"
)

// The page's fast path for predict, which the page calls on every stroke.
// A call from JavaScript into a js.FuncOf wakes Go's scheduler and costs
// about 12 µs (measured in Node, on a function that does nothing; a whole
// prediction takes about 55 µs in Chromium); a call to a //go:wasmexport
// function costs 0.07 µs. So
// web/engine.js gives inkling.predict these three exports instead:
//
//	inklingPixels(n) → address   room for n bytes of pixels in Go's memory (0: n is out of range)
//	inklingPredict(n, width, height, model) → digit, or −1 for no ink, or −2
//	                             for anything else (web/engine.js then asks
//	                             Go's own inkling.predict, whose answer
//	                             explains it)
//	inklingAnswer() → address    of fastAnswer: the probabilities, unsure and
//	                             the input of the last prediction
//
// The numbers are those of predict: the same code runs on the same pixels.

// fastAnswer is laid out for JavaScript to read: Float32Array(10) at 0,
// Int32 at 40, Uint8Array(784) at 44.
type fastAnswer struct {
	probs  [classes]float32
	unsure int32
	input  [ink.Size * ink.Size]byte
}

var fast fastAnswer

//go:wasmexport inklingPixels
func exportPixels(n int32) uint32 {
	if n <= 0 || n > maxKeep {
		return 0
	}
	return simd.Addr(pixelBuffer(int(n)))
}

//go:wasmexport inklingPredict
func exportPredict(n, width, height, model int32) (digit int32) {
	defer func() {
		if recover() != nil {
			digit = -2 // Go's inkling.predict will say what went wrong
		}
	}()
	if model < 0 || int(model) >= len(st.models) || n < 0 || int(n) > cap(st.pixels) {
		return -2
	}
	// FromRGBA checks the sizes against n, as for Go's predict.
	switch err := st.pre.FromRGBA(st.input[:], st.pixels[:n], int(width), int(height)); err {
	case nil:
	case ink.ErrNoInk:
		return -1
	default:
		return -2
	}
	d := st.models[model].PredictOne(fast.probs[:], st.input[:])
	fast.unsure = 0
	if unsure(fast.probs[:], d) {
		fast.unsure = 1
	}
	toBytes(fast.input[:], st.input[:])
	return int32(d)
}

//go:wasmexport inklingAnswer
func exportAnswer() uint32 { return simd.Addr(fast.probs[:]) } // fast starts with probs
