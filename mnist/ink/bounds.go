package ink

import "math/bits"

// The ink of pixel x of a row r is r[x*step+step-1]: step 4 for RGBA (the
// alpha byte), 1 for gray. Rows are read eight bytes at a time: a word
// holds two RGBA pixels or eight gray ones, and a mask keeps the bits that
// tell whether an ink byte reaches Faint.

// faintBits are the bits of a byte that are set iff the byte is at least
// Faint; this needs Faint to be a power of two.
const faintBits = 0xFF &^ (Faint - 1)

// inkMask is faintBits on every ink byte of a little-endian word.
func inkMask(step int) uint64 {
	if step == 4 {
		return faintBits<<24 | faintBits<<56
	}
	return faintBits * 0x0101010101010101
}

// le64 reads a little-endian word; the compiler makes it one load, on wasm
// too.
func le64(b []byte) uint64 {
	_ = b[7]
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}

// inkBounds returns the half-open box [x0,x1)×[y0,y1) of the pixels whose
// ink is at least Faint, and ok=false when there is none. Blank rows above
// and below the ink are read in full; in the rows between, only the margins
// left and right of the box found so far.
func inkBounds(pix []byte, width, height, step int) (x0, y0, x1, y1 int, ok bool) {
	if width == 0 || height == 0 {
		return 0, 0, 0, 0, false
	}
	stride := width * step
	row := func(y int) []byte { return pix[y*stride : (y+1)*stride] }
	for y0 < height && blank(row(y0), step) {
		y0++
	}
	if y0 == height {
		return 0, 0, 0, 0, false
	}
	y1 = height
	for blank(row(y1-1), step) {
		y1--
	}
	x0, x1 = width, 0
	for y := y0; y < y1; y++ {
		r := row(y)
		x0 = min(x0, firstInk(r, step, x0))
		x1 = max(x1, lastInk(r, step, x1))
	}
	return x0, y0, x1, y1, true
}

// blank reports whether no pixel of row r has ink, ORing the row's words
// together four at a time.
func blank(r []byte, step int) bool {
	var acc uint64
	i := 0
	for ; i+32 <= len(r); i += 32 {
		w := r[i : i+32] // too costly to inline as a function
		acc |= le64(w) | le64(w[8:]) | le64(w[16:]) | le64(w[24:])
	}
	for ; i+8 <= len(r); i += 8 {
		acc |= le64(r[i:])
	}
	if acc&inkMask(step) != 0 {
		return false
	}
	for x := i / step; x < len(r)/step; x++ {
		if r[x*step+step-1] >= Faint {
			return false
		}
	}
	return true
}

// firstInk returns the first pixel of row r with ink, looking at the pixels
// before limit (and perhaps a few past it, a word at a time); limit when
// there is none. Blocks of four words are skipped while they hold no ink.
func firstInk(r []byte, step, limit int) int {
	m := inkMask(step)
	end := limit * step
	i := 0
	for ; i < end && i+32 <= len(r); i += 32 {
		w := r[i : i+32]
		if (le64(w)|le64(w[8:])|le64(w[16:])|le64(w[24:]))&m != 0 {
			break
		}
	}
	for ; i < end && i+8 <= len(r); i += 8 {
		if w := le64(r[i:]) & m; w != 0 {
			return (i + bits.TrailingZeros64(w)/8) / step
		}
	}
	for x := i / step; x < limit; x++ {
		if r[x*step+step-1] >= Faint {
			return x
		}
	}
	return limit
}

// lastInk returns one past the last pixel of row r with ink, looking at the
// pixels from limit on (and perhaps a few before it); limit when there is
// none. It is firstInk from the right.
func lastInk(r []byte, step, limit int) int {
	m := inkMask(step)
	start := limit * step
	words := len(r) &^ 7 // the bytes from here on make no whole word
	for x := len(r)/step - 1; x >= words/step && x >= limit; x-- {
		if r[x*step+step-1] >= Faint {
			return x + 1
		}
	}
	i := words - 8 // the word to look at next
	for ; i >= 24 && i+8 > start; i -= 32 {
		w := r[i-24 : i+8]
		if (le64(w)|le64(w[8:])|le64(w[16:])|le64(w[24:]))&m != 0 {
			break
		}
	}
	for ; i >= 0 && i+8 > start; i -= 8 {
		if w := le64(r[i:]) & m; w != 0 {
			return (i+7-bits.LeadingZeros64(w)/8)/step + 1
		}
	}
	return limit
}
