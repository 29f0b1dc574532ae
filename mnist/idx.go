package mnist

import (
	"bufio"
	"compress/flate"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
)

// The IDX format (http://yann.lecun.com/exdb/mnist/), as this package reads and
// writes it. All integers are big-endian uint32.
//
//	offset  size     field
//	0       2        0x00 0x00, always zero
//	2       1        element type: 0x08 = unsigned byte (the only type accepted)
//	3       1        number of dimensions: 1 for a label file, 3 for an image file
//	4       4×ndim   size of each dimension, outermost first: N (, rows, cols)
//	4+4×ndim         N (×rows×cols) bytes, row-major; nothing may follow
//
// A file may be gzip-compressed as a whole, as one gzip member (the .gz files
// MNIST is distributed as); the decoder sniffs the gzip magic bytes 0x1f 0x8b,
// so the name does not matter. Sizes are bounded before anything is allocated: at
// most maxItems items, sides of 1 to maxSide pixels, and maxBytes bytes of
// data in all. The buffer is sized from the input's length where that is
// known and otherwise grows as data arrives, so a header that lies about its
// size costs memory in proportion to the input, not to the header's claim.
const (
	maxItems = 10_000_000
	maxSide  = 4096
	maxBytes = 1 << 31

	typeUbyte = 0x08

	// gzipGuess is how many times its compressed size a gzip input is first
	// assumed to expand to (MNIST's image files expand 4.75 times): enough
	// to size the buffer once for real files, while a lying header costs
	// at most this many times the input before data has to arrive.
	gzipGuess = 8
)

// FormatError reports input that is not a valid IDX file of the expected kind.
// Its text names the file and what is wrong, for example
//
//	t10k-images-idx3-ubyte.gz: truncated: 7,840,016 bytes expected, 1,024 read
//
// Byte counts are of the IDX content, after gzip decompression.
type FormatError struct {
	File string // the file's name as given to the decoder
	Msg  string // what is wrong
	// Err is the underlying cause where there is one: io.ErrUnexpectedEOF for
	// a short read, or the gzip or flate error for a corrupt gzip stream.
	Err error
}

func (e *FormatError) Error() string { return e.File + ": " + e.Msg }

// Unwrap returns e.Err, so errors.Is(err, io.ErrUnexpectedEOF) spots a truncated file.
func (e *FormatError) Unwrap() error { return e.Err }

// ReadLabels decodes an IDX label file (one dimension, unsigned bytes), raw or
// gzip-compressed, reading r to its end. name is used in error messages.
// The values are returned as stored; Set adds the check that they are digits.
func ReadLabels(r io.Reader, name string) ([]uint8, error) {
	_, body, err := readIDX(r, name, 1)
	return body, err
}

// ReadImages decodes an IDX image file (three dimensions N×rows×cols,
// unsigned bytes), raw or gzip-compressed, reading r to its end. name is used
// in error messages. pix holds the N images one after another, each row-major,
// so N = len(pix)/(rows×cols); rows and cols are at least 1.
func ReadImages(r io.Reader, name string) (pix []uint8, rows, cols int, err error) {
	dims, body, err := readIDX(r, name, 3)
	if err != nil {
		return nil, 0, 0, err
	}
	return body, dims[1], dims[2], nil
}

// WriteLabels writes labels as a raw IDX label file. To write a .gz file,
// pass a gzip.Writer and close it afterwards.
func WriteLabels(w io.Writer, labels []uint8) error {
	if len(labels) > maxItems {
		panic(fmt.Sprintf("mnist: WriteLabels: %d labels, more than the %d the decoder accepts", len(labels), maxItems))
	}
	return writeIDX(w, []int{len(labels)}, labels)
}

// WriteImages writes len(pix)/(rows×cols) images of rows×cols pixels as a raw
// IDX image file. It panics if len(pix) is not a multiple of rows×cols or the
// sizes are outside what ReadImages accepts. To write a .gz file, pass a
// gzip.Writer and close it afterwards.
func WriteImages(w io.Writer, pix []uint8, rows, cols int) error {
	if rows < 1 || cols < 1 || rows > maxSide || cols > maxSide {
		panic(fmt.Sprintf("mnist: WriteImages: image size %d×%d outside 1 to %d", rows, cols, maxSide))
	}
	if len(pix)%(rows*cols) != 0 {
		panic(fmt.Sprintf("mnist: WriteImages: %d pixels is not a whole number of %d×%d images", len(pix), rows, cols))
	}
	n := len(pix) / (rows * cols)
	if n > maxItems || len(pix) > maxBytes {
		panic(fmt.Sprintf("mnist: WriteImages: %d images of %d×%d, more than the decoder accepts", n, rows, cols))
	}
	return writeIDX(w, []int{n, rows, cols}, pix)
}

func writeIDX(w io.Writer, dims []int, body []uint8) error {
	hdr := make([]byte, 4+4*len(dims))
	hdr[2] = typeUbyte
	hdr[3] = byte(len(dims))
	for i, d := range dims {
		binary.BigEndian.PutUint32(hdr[4+4*i:], uint32(d))
	}
	if _, err := w.Write(hdr); err != nil {
		return err
	}
	_, err := w.Write(body)
	return err
}

// typeNames names the IDX element types, for error messages.
var typeNames = map[byte]string{
	0x08: "unsigned byte", 0x09: "signed byte", 0x0b: "int16",
	0x0c: "int32", 0x0d: "float32", 0x0e: "float64",
}

// readIDX decodes an IDX file of unsigned bytes with ndim (1 or 3)
// dimensions. It returns the dimensions and the data.
func readIDX(r io.Reader, name string, ndim int) (dims [3]int, body []byte, err error) {
	fail := func(err error, format string, args ...any) ([3]int, []byte, error) {
		return [3]int{}, nil, &FormatError{File: name, Msg: fmt.Sprintf(format, args...), Err: err}
	}
	known := knownLen(r) // -1 if unknown

	br := bufio.NewReaderSize(r, 32<<10)
	var src io.Reader = br
	var zr *gzip.Reader
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err = gzip.NewReader(br)
		switch {
		case err == io.EOF || err == io.ErrUnexpectedEOF:
			return fail(io.ErrUnexpectedEOF, "truncated gzip header")
		case errors.Is(err, gzip.ErrHeader):
			return fail(err, "bad gzip header")
		case err != nil:
			return [3]int{}, nil, fmt.Errorf("%s: %w", name, err)
		}
		zr.Multistream(false)
		src = zr
	}

	// Header: magic and type, then the sizes.
	var hdr [16]byte
	hdrLen := 4 + 4*ndim
	if n, err := io.ReadFull(src, hdr[:4]); err != nil {
		return failRead(name, err, fmt.Sprintf("truncated header: 4 bytes expected, %s read", commas(n)))
	}
	if hdr[0] != 0 || hdr[1] != 0 {
		return fail(nil, "not an IDX file: starts with % x, want 00 00 08 %02x", hdr[:4], ndim)
	}
	if hdr[2] != typeUbyte {
		t := typeNames[hdr[2]]
		if t == "" {
			t = "unknown"
		}
		return fail(nil, "element type 0x%02x (%s) not supported: only 0x08 (unsigned byte)", hdr[2], t)
	}
	if int(hdr[3]) != ndim {
		want := "1 (N) for a label file"
		if ndim == 3 {
			want = "3 (N, rows, cols) for an image file"
		}
		return fail(nil, "%d %s, want %s", hdr[3], plural(int(hdr[3]), "dimension"), want)
	}
	if n, err := io.ReadFull(src, hdr[4:hdrLen]); err != nil {
		return failRead(name, err, fmt.Sprintf("truncated header: %d bytes expected, %s read", hdrLen, commas(4+n)))
	}
	for i := range ndim {
		dims[i] = int(binary.BigEndian.Uint32(hdr[4+4*i:]))
	}
	total := int64(dims[0])
	if dims[0] > maxItems {
		return fail(nil, "%s items: more than the %s this decoder accepts", commas(dims[0]), commas(maxItems))
	}
	if ndim == 3 {
		if dims[1] < 1 || dims[2] < 1 || dims[1] > maxSide || dims[2] > maxSide {
			return fail(nil, "image size %d×%d: each side must be 1 to %s pixels", dims[1], dims[2], commas(maxSide))
		}
		total *= int64(dims[1]) * int64(dims[2])
		if total > maxBytes {
			return fail(nil, "%s images of %d×%d pixels: %s bytes, more than the %s this decoder accepts",
				commas(dims[0]), dims[1], dims[2], commas(total), commas(maxBytes))
		}
	}

	// Body: size the buffer from what the input can hold, if that is known.
	initial := min(total, 1<<20)
	switch {
	case known < 0:
	case zr == nil:
		initial = min(total, max(known-int64(hdrLen), 0))
	default:
		initial = min(total, max(known*gzipGuess, 1<<20))
	}
	body, err = readBody(src, int(total), int(initial))
	if err != nil {
		return failRead(name, err, fmt.Sprintf("truncated: %s bytes expected, %s read",
			commas(int64(hdrLen)+total), commas(int64(hdrLen)+int64(len(body)))))
	}

	// Nothing may follow. Reading on also makes gzip check its CRC and length.
	var one [1]byte
	switch n, err := io.ReadFull(src, one[:]); {
	case n > 0:
		where := ""
		if zr != nil {
			where = " in the gzip content"
		}
		return fail(nil, "trailing garbage%s after the %s bytes the header announces", where, commas(int64(hdrLen)+total))
	case err != io.EOF:
		return failRead(name, err, "truncated gzip stream: the trailer (CRC-32 and size) is missing")
	}
	if zr != nil {
		if n, _ := io.ReadFull(br, one[:]); n > 0 {
			return fail(nil, "trailing garbage after the gzip stream")
		}
	}
	return dims, body, nil
}

// failRead turns an error met while reading into a FormatError: a short read
// (with message short), a corrupt gzip stream, or, for any other error (the
// reader's own), the error prefixed with the file name.
func failRead(name string, err error, short string) ([3]int, []byte, error) {
	var corrupt flate.CorruptInputError
	switch {
	case err == io.EOF || err == io.ErrUnexpectedEOF:
		return [3]int{}, nil, &FormatError{File: name, Msg: short, Err: io.ErrUnexpectedEOF}
	case errors.Is(err, gzip.ErrChecksum) || errors.Is(err, gzip.ErrHeader) || errors.As(err, &corrupt):
		return [3]int{}, nil, &FormatError{File: name, Msg: "corrupt gzip stream: " + err.Error(), Err: err}
	}
	return [3]int{}, nil, fmt.Errorf("%s: %w", name, err)
}

// readBody reads total bytes from r into a buffer that starts at initial bytes
// and doubles as data arrives. On a short read it returns what it got and the
// error from io.ReadFull.
func readBody(r io.Reader, total, initial int) ([]byte, error) {
	buf := make([]byte, initial)
	n := 0
	for {
		m, err := io.ReadFull(r, buf[n:])
		n += m
		if err != nil {
			return buf[:n], err
		}
		if n == total {
			return buf, nil
		}
		grown := make([]byte, min(total, max(2*len(buf), 64<<10)))
		copy(grown, buf)
		buf = grown
	}
}

// knownLen returns how many bytes r holds from its current position, when r
// can tell (a *bytes.Reader, *strings.Reader or *bytes.Buffer, or a regular
// *os.File), or -1.
func knownLen(r io.Reader) int64 {
	switch r := r.(type) {
	case interface{ Len() int }:
		return int64(r.Len())
	case *os.File:
		fi, err := r.Stat()
		if err != nil || !fi.Mode().IsRegular() {
			return -1
		}
		off, err := r.Seek(0, io.SeekCurrent)
		if err != nil || off > fi.Size() {
			return -1
		}
		return fi.Size() - off
	}
	return -1
}

// commas formats n with thousands separators: 7840016 → "7,840,016".
func commas[T int | int64](n T) string {
	s := strconv.FormatInt(int64(n), 10)
	neg := s[0] == '-'
	if neg {
		s = s[1:]
	}
	out := make([]byte, 0, len(s)+len(s)/3+1)
	if neg {
		out = append(out, '-')
	}
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
