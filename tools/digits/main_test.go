package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"inkling/mnist"
)

// TestCommitted checks that web/digits.bin is what this command writes from
// MNIST, so the bundled digits cannot go stale or be edited by hand.
func TestCommitted(t *testing.T) {
	_, test, err := mnist.LoadData()
	if err != nil {
		t.Fatal(err)
	}
	want, err := Encode(test, 10)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join("..", "..", "web", "digits.bin"))
	if err != nil {
		t.Fatalf("%v: run go run ./tools/digits", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("web/digits.bin (%d bytes) is not what go run ./tools/digits writes (%d bytes): run it again", len(got), len(want))
	}
	if len(got) > 100_000 {
		t.Errorf("web/digits.bin is %d bytes, over the issue's 100 KB", len(got))
	}
}

// TestRun writes the file as the command does: what Encode returns, readable
// by all (a static server running as another user must be able to send it),
// and no temporary file left beside it.
func TestRun(t *testing.T) {
	_, test, err := mnist.LoadData()
	if err != nil {
		t.Fatal(err)
	}
	want, err := Encode(test, 2)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "digits.bin")
	if err := run(out, 2); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(out)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("%s: %d bytes (%v), want the %d Encode returns", out, len(got), err, len(want))
	}
	if fi, err := os.Stat(out); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("%s: mode %v (%v), want -rw-r--r--", out, fi.Mode(), err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("beside digits.bin: %v, want nothing left over", entries)
	}
}

// TestEncode checks the format on a small hand-made set: records by class,
// then by position, label first.
func TestEncode(t *testing.T) {
	labels := []uint8{3, 0, 1, 2, 4, 5, 6, 7, 8, 9, 0}
	s := &mnist.Set{N: len(labels), Rows: 28, Cols: 28, Labels: labels, Images: make([]uint8, len(labels)*784)}
	for i := range labels {
		s.Images[i*784] = uint8(i) // the image's first pixel names it
	}
	b, err := Encode(s, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) != 10*RecordSize {
		t.Fatalf("%d bytes, want %d", len(b), 10*RecordSize)
	}
	for c := range 10 {
		rec := b[c*RecordSize : (c+1)*RecordSize]
		if rec[0] != byte(c) {
			t.Errorf("record %d: label %d, want %d", c, rec[0], c)
		}
		// The first image with label c.
		first := bytes.IndexByte(labels, byte(c))
		if rec[1] != byte(first) {
			t.Errorf("record %d: image %d, want %d (the first %d)", c, rec[1], first, c)
		}
	}
	if _, err := Encode(s, 2); err == nil {
		t.Error("two of each class from a set with one 3: no error")
	}
	s.Rows = 27
	if _, err := Encode(s, 1); err == nil {
		t.Error("27×28 images: no error")
	}
}
