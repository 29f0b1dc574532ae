package mnist

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the files in testdata/ from the builders in idx_test.go")

// The small valid set every testdata file derives from: 3 images of 4×5
// (not square, so rows and cols cannot be swapped unnoticed) and 3 labels.
const tdRows, tdCols = 4, 5

var (
	tdPix    = func() []byte { p := make([]byte, 3*tdRows*tdCols); fillPattern(p); return p }()
	tdLabels = []byte{7, 0, 9}
)

func fillPattern(p []byte) {
	for i := range p {
		p[i] = byte(i*37 + 11)
	}
}

func encImages(pix []byte, rows, cols int) []byte {
	var b bytes.Buffer
	if err := WriteImages(&b, pix, rows, cols); err != nil {
		panic(err)
	}
	return b.Bytes()
}

func encLabels(l []byte) []byte {
	var b bytes.Buffer
	if err := WriteLabels(&b, l); err != nil {
		panic(err)
	}
	return b.Bytes()
}

func gz(b []byte) []byte {
	var out bytes.Buffer
	w := gzip.NewWriter(&out)
	w.Write(b)
	w.Close()
	return out.Bytes()
}

// header builds an IDX header by hand: type byte, then the sizes.
func header(typ byte, dims ...uint32) []byte {
	h := []byte{0, 0, typ, byte(len(dims))}
	for _, d := range dims {
		h = binary.BigEndian.AppendUint32(h, d)
	}
	return h
}

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

// testdataFiles builds every file in testdata/. fromGzip marks files whose
// bytes come out of compress/gzip, which a future Go may compress
// differently: those are checked by content, not byte for byte.
var testdataFiles = []struct {
	name     string
	fromGzip bool
	build    func() []byte
}{
	{"images-valid.idx3", false, func() []byte { return encImages(tdPix, tdRows, tdCols) }},
	{"images-valid.idx3.gz", true, func() []byte { return gz(encImages(tdPix, tdRows, tdCols)) }},
	{"labels-valid.idx1", false, func() []byte { return encLabels(tdLabels) }},
	{"labels-valid.idx1.gz", true, func() []byte { return gz(encLabels(tdLabels)) }},
	{"labels-empty.idx1", false, func() []byte { return encLabels(nil) }},
	{"empty", false, func() []byte { return nil }},
	{"images-truncated-magic.idx3", false, func() []byte { return encImages(tdPix, tdRows, tdCols)[:2] }},
	{"images-truncated-header.idx3", false, func() []byte { return encImages(tdPix, tdRows, tdCols)[:10] }},
	{"images-truncated-body.idx3", false, func() []byte { b := encImages(tdPix, tdRows, tdCols); return b[:len(b)-7] }},
	{"images-truncated-body.idx3.gz", true, func() []byte { b := encImages(tdPix, tdRows, tdCols); return gz(b[:len(b)-7]) }},
	{"images-truncated-stream.idx3.gz", true, func() []byte { b := gz(encImages(tdPix, tdRows, tdCols)); return b[:len(b)/2] }},
	{"images-truncated-trailer.idx3.gz", true, func() []byte { b := gz(encImages(tdPix, tdRows, tdCols)); return b[:len(b)-8] }},
	{"images-bad-crc.idx3.gz", true, func() []byte {
		b := gz(encImages(tdPix, tdRows, tdCols))
		b[len(b)-8] ^= 0xff
		return b
	}},
	{"images-bad-gzip-header.idx3.gz", false, func() []byte { return []byte{0x1f, 0x8b, 0x07, 0, 0, 0, 0, 0, 0, 0xff, 1, 2, 3} }},
	{"images-bad-magic.idx3", false, func() []byte { return []byte("PK\x03\x04 this is a zip, not IDX") }},
	{"images-bad-type.idx3", false, func() []byte { return cat(header(0x0d, 3, tdRows, tdCols), make([]byte, 4*3*tdRows*tdCols)) }},
	{"images-absurd-count.idx3", false, func() []byte { return header(0x08, 4_000_000_000, 28, 28) }},
	{"images-absurd-side.idx3", false, func() []byte { return cat(header(0x08, 1, 100_000, 28), make([]byte, 64)) }},
	{"images-zero-side.idx3", false, func() []byte { return header(0x08, 1, 0, 28) }},
	{"images-absurd-bytes.idx3", false, func() []byte { return header(0x08, 10_000_000, 4096, 4096) }},
	// 2,000,000 images of 28×28 are 1.5 GB, within the limits: only the
	// missing data can show the header lies, and memory must stay small.
	{"images-huge-claim.idx3", false, func() []byte { return cat(header(0x08, 2_000_000, 28, 28), make([]byte, 100)) }},
	{"images-huge-claim.idx3.gz", true, func() []byte { return gz(cat(header(0x08, 2_000_000, 28, 28), make([]byte, 100))) }},
	{"images-trailing.idx3", false, func() []byte { return cat(encImages(tdPix, tdRows, tdCols), []byte("xyz")) }},
	{"images-trailing-content.idx3.gz", true, func() []byte { return gz(cat(encImages(tdPix, tdRows, tdCols), []byte("xyz"))) }},
	{"images-trailing-stream.idx3.gz", true, func() []byte { return cat(gz(encImages(tdPix, tdRows, tdCols)), []byte("junk")) }},
	{"labels-short.idx1", false, func() []byte { return encLabels(tdLabels[:2]) }},
	{"labels-not-digit.idx1", false, func() []byte { return encLabels([]byte{7, 10, 9}) }},
}

// TestTestdata checks that the committed files in testdata/ are what the
// builders above make (go test -run TestTestdata -update rewrites them).
func TestTestdata(t *testing.T) {
	if *update {
		for _, f := range testdataFiles {
			if err := os.WriteFile(filepath.Join("testdata", f.name), f.build(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	for i, f := range testdataFiles {
		got, err := os.ReadFile(filepath.Join("testdata", f.name))
		if err != nil {
			t.Errorf("%d: %v (go test -run TestTestdata -update writes it)", i, err)
			continue
		}
		want := f.build()
		if f.fromGzip {
			got, want = gunzipLoose(got), gunzipLoose(want)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%d: testdata/%s differs from its builder (go test -run TestTestdata -update rewrites it)", i, f.name)
		}
	}
}

// gunzipLoose returns whatever gzip can decompress from b, ignoring errors,
// and the bytes that follow the stream.
func gunzipLoose(b []byte) []byte {
	r := bytes.NewReader(b)
	zr, err := gzip.NewReader(r)
	if err != nil {
		return b
	}
	zr.Multistream(false)
	out, _ := io.ReadAll(zr)
	rest, _ := io.ReadAll(r)
	return cat(out, []byte("|"), rest)
}

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// onlyReader hides Len, so the decoder cannot know the input's length.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

// readers gives the ways a test feeds bytes to the decoder: of known length,
// and of unknown length.
var readers = []struct {
	name string
	wrap func([]byte) io.Reader
}{
	{"known length", func(b []byte) io.Reader { return bytes.NewReader(b) }},
	{"unknown length", func(b []byte) io.Reader { return onlyReader{bytes.NewReader(b)} }},
}

func TestReadValid(t *testing.T) {
	t.Parallel()
	for i, name := range []string{"images-valid.idx3", "images-valid.idx3.gz"} {
		for _, rd := range readers {
			pix, rows, cols, err := ReadImages(rd.wrap(readTestdata(t, name)), name)
			if err != nil {
				t.Fatalf("%d %s (%s): %v", i, name, rd.name, err)
			}
			if rows != tdRows || cols != tdCols || !bytes.Equal(pix, tdPix) {
				t.Errorf("%d %s (%s): got %d×%d %v, want %d×%d %v", i, name, rd.name, rows, cols, pix, tdRows, tdCols, tdPix)
			}
		}
	}
	for i, name := range []string{"labels-valid.idx1", "labels-valid.idx1.gz"} {
		for _, rd := range readers {
			l, err := ReadLabels(rd.wrap(readTestdata(t, name)), name)
			if err != nil || !bytes.Equal(l, tdLabels) {
				t.Errorf("%d %s (%s): got %v, %v; want %v", i, name, rd.name, l, err, tdLabels)
			}
		}
	}
	l, err := ReadLabels(bytes.NewReader(readTestdata(t, "labels-empty.idx1")), "labels-empty.idx1")
	if err != nil || len(l) != 0 {
		t.Errorf("labels-empty.idx1: got %v, %v; want no labels", l, err)
	}
}

// readErrors are the broken files and the errors they must give.
var readErrors = []struct {
	file   string
	labels bool // read with ReadLabels, not ReadImages
	want   string
	eof    bool // a short read: errors.Is(err, io.ErrUnexpectedEOF)
}{
	{"empty", false, "empty: truncated header: 4 bytes expected, 0 read", true},
	{"images-truncated-magic.idx3", false, "images-truncated-magic.idx3: truncated header: 4 bytes expected, 2 read", true},
	{"images-truncated-header.idx3", false, "images-truncated-header.idx3: truncated header: 16 bytes expected, 10 read", true},
	{"images-truncated-body.idx3", false, "images-truncated-body.idx3: truncated: 76 bytes expected, 69 read", true},
	{"images-truncated-body.idx3.gz", false, "images-truncated-body.idx3.gz: truncated: 76 bytes expected, 69 read", true},
	{"images-truncated-stream.idx3.gz", false, "images-truncated-stream.idx3.gz: truncated: 76 bytes expected, ", true},
	{"images-truncated-trailer.idx3.gz", false, "images-truncated-trailer.idx3.gz: truncated gzip stream: the trailer (CRC-32 and size) is missing", true},
	{"images-bad-crc.idx3.gz", false, "images-bad-crc.idx3.gz: corrupt gzip stream: gzip: invalid checksum", false},
	{"images-bad-gzip-header.idx3.gz", false, "images-bad-gzip-header.idx3.gz: bad gzip header", false},
	{"images-bad-magic.idx3", false, "images-bad-magic.idx3: not an IDX file: starts with 50 4b 03 04, want 00 00 08 03", false},
	{"images-bad-magic.idx3", true, "images-bad-magic.idx3: not an IDX file: starts with 50 4b 03 04, want 00 00 08 01", false},
	{"images-bad-type.idx3", false, "images-bad-type.idx3: element type 0x0d (float32) not supported: only 0x08 (unsigned byte)", false},
	{"labels-valid.idx1", false, "labels-valid.idx1: 1 dimension, want 3 (N, rows, cols) for an image file", false},
	{"images-valid.idx3", true, "images-valid.idx3: 3 dimensions, want 1 (N) for a label file", false},
	{"images-absurd-count.idx3", false, "images-absurd-count.idx3: 4,000,000,000 items: more than the 10,000,000 this decoder accepts", false},
	{"images-absurd-side.idx3", false, "images-absurd-side.idx3: image size 100000×28: each side must be 1 to 4,096 pixels", false},
	{"images-zero-side.idx3", false, "images-zero-side.idx3: image size 0×28: each side must be 1 to 4,096 pixels", false},
	{"images-absurd-bytes.idx3", false, "images-absurd-bytes.idx3: 10,000,000 images of 4096×4096 pixels: 167,772,160,000,000 bytes, more than the 2,147,483,648 this decoder accepts", false},
	{"images-huge-claim.idx3", false, "images-huge-claim.idx3: truncated: 1,568,000,016 bytes expected, 116 read", true},
	{"images-huge-claim.idx3.gz", false, "images-huge-claim.idx3.gz: truncated: 1,568,000,016 bytes expected, 116 read", true},
	{"images-trailing.idx3", false, "images-trailing.idx3: trailing garbage after the 76 bytes the header announces", false},
	{"images-trailing-content.idx3.gz", false, "images-trailing-content.idx3.gz: trailing garbage in the gzip content after the 76 bytes the header announces", false},
	{"images-trailing-stream.idx3.gz", false, "images-trailing-stream.idx3.gz: trailing garbage after the gzip stream", false},
}

func TestReadErrors(t *testing.T) {
	t.Parallel()
	for i, tc := range readErrors {
		data := readTestdata(t, tc.file)
		for _, rd := range readers {
			var err error
			if tc.labels {
				_, err = ReadLabels(rd.wrap(data), tc.file)
			} else {
				_, _, _, err = ReadImages(rd.wrap(data), tc.file)
			}
			var fe *FormatError
			switch {
			case err == nil:
				t.Errorf("%d %s (%s): no error, want %q", i, tc.file, rd.name, tc.want)
				continue
			case !errors.As(err, &fe):
				t.Errorf("%d %s (%s): error %T %q is not a *FormatError", i, tc.file, rd.name, err, err)
			case fe.File != tc.file:
				t.Errorf("%d %s (%s): FormatError.File = %q", i, tc.file, rd.name, fe.File)
			}
			if !strings.HasPrefix(err.Error(), tc.want) || (!strings.HasSuffix(tc.want, " ") && err.Error() != tc.want) {
				t.Errorf("%d %s (%s):\n got %q\nwant %q", i, tc.file, rd.name, err, tc.want)
			}
			if got := errors.Is(err, io.ErrUnexpectedEOF); got != tc.eof {
				t.Errorf("%d %s (%s): errors.Is(err, io.ErrUnexpectedEOF) = %v, want %v", i, tc.file, rd.name, got, tc.eof)
			}
		}
	}
}

// errReader fails after its data with a non-format error.
type errReader struct {
	data []byte
	err  error
}

func (e *errReader) Read(p []byte) (int, error) {
	if len(e.data) == 0 {
		return 0, e.err
	}
	n := copy(p, e.data)
	e.data = e.data[n:]
	return n, nil
}

// A reader's own error is passed on, named, and not taken for a format error.
func TestReadIOError(t *testing.T) {
	t.Parallel()
	boom := errors.New("disk on fire")
	for i, data := range [][]byte{nil, encImages(tdPix, tdRows, tdCols)[:30], gz(encImages(tdPix, tdRows, tdCols))[:20]} {
		_, _, _, err := ReadImages(&errReader{data, boom}, "f")
		var fe *FormatError
		if !errors.Is(err, boom) || errors.As(err, &fe) || !strings.HasPrefix(err.Error(), "f: ") {
			t.Errorf("%d: got %v (%T), want f: %v and no FormatError", i, err, err, boom)
		}
	}
}

// A header that claims more than the input holds must not make the decoder
// allocate what the header claims.
func TestReadAllocBound(t *testing.T) {
	// Not parallel: runtime.MemStats counts every goroutine's allocations.
	const limit = 8 << 20
	for i, name := range []string{"images-huge-claim.idx3", "images-huge-claim.idx3.gz", "images-absurd-count.idx3", "images-absurd-bytes.idx3"} {
		data := readTestdata(t, name)
		for _, rd := range readers {
			r := rd.wrap(data)
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, _, _, err := ReadImages(r, name)
			runtime.ReadMemStats(&after)
			if err == nil {
				t.Errorf("%d %s (%s): no error", i, name, rd.name)
			}
			if got := after.TotalAlloc - before.TotalAlloc; got > limit {
				t.Errorf("%d %s (%s): decoding allocated %s bytes, want at most %s", i, name, rd.name, commas(int64(got)), commas(limit))
			}
		}
	}
}

func TestWritePanics(t *testing.T) {
	t.Parallel()
	for i, tc := range []struct {
		pix        []byte
		rows, cols int
	}{
		{make([]byte, 10), 3, 3},
		{nil, 0, 28},
		{nil, 28, 5000},
	} {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.HasPrefix(r.(string), "mnist: WriteImages: ") {
					t.Errorf("%d: recovered %v, want a mnist: WriteImages panic", i, r)
				}
			}()
			WriteImages(io.Discard, tc.pix, tc.rows, tc.cols)
		}()
	}
}

func TestCommas(t *testing.T) {
	t.Parallel()
	for i, tc := range []struct {
		n    int64
		want string
	}{
		{0, "0"}, {7, "7"}, {999, "999"}, {1000, "1,000"}, {7840016, "7,840,016"},
		{-1234, "-1,234"}, {100000, "100,000"}, {1 << 31, "2,147,483,648"},
	} {
		if got := commas(tc.n); got != tc.want {
			t.Errorf("%d: commas(%d) = %q, want %q", i, tc.n, got, tc.want)
		}
	}
}

func TestKnownLen(t *testing.T) {
	t.Parallel()
	f, err := os.Open(filepath.Join("testdata", "images-valid.idx3"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Seek(5, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	for i, tc := range []struct {
		r    io.Reader
		want int64
	}{
		{bytes.NewReader(make([]byte, 9)), 9},
		{strings.NewReader("abc"), 3},
		{onlyReader{strings.NewReader("abc")}, -1},
		{f, 76 - 5},
	} {
		if got := knownLen(tc.r); got != tc.want {
			t.Errorf("%d: knownLen(%T) = %d, want %d", i, tc.r, got, tc.want)
		}
	}
}

// FuzzDecode feeds arbitrary bytes to both decoders: they must not panic,
// must fail only with a *FormatError (the reader never fails), and what they
// accept must round-trip through the encoders to the same IDX content.
func FuzzDecode(f *testing.F) {
	for _, tf := range testdataFiles {
		b, err := os.ReadFile(filepath.Join("testdata", tf.name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		content := data
		if len(data) >= 2 && data[0] == 0x1f && data[1] == 0x8b {
			content = nil // set below if a decoder accepts the input
			if zr, err := gzip.NewReader(bytes.NewReader(data)); err == nil {
				zr.Multistream(false)
				content, _ = io.ReadAll(zr)
			}
		}
		check := func(kind string, enc []byte, err error) {
			var fe *FormatError
			if err != nil {
				if !errors.As(err, &fe) || fe.File != "fuzz" {
					t.Fatalf("%s: error %T %q is not a *FormatError naming the file", kind, err, err)
				}
				return
			}
			if !bytes.Equal(enc, content) {
				t.Fatalf("%s: re-encoded %x, input content %x", kind, enc, content)
			}
		}
		pix, rows, cols, err := ReadImages(bytes.NewReader(data), "fuzz")
		if err == nil {
			check("images", encImages(pix, rows, cols), nil)
			pix2, rows2, cols2, err := ReadImages(bytes.NewReader(gz(content)), "fuzz")
			if err != nil || rows2 != rows || cols2 != cols || !bytes.Equal(pix2, pix) {
				t.Fatalf("images: gzip round trip: %v", err)
			}
		} else {
			check("images", nil, err)
		}
		labels, err := ReadLabels(bytes.NewReader(data), "fuzz")
		if err == nil {
			check("labels", encLabels(labels), nil)
		} else {
			check("labels", nil, err)
		}
	})
}
