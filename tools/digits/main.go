// Command digits writes web/digits.bin, the few MNIST test digits the page
// bundles for its "Try a real test digit" button (issue #10).
//
//	go run ./tools/digits                  # writes web/digits.bin
//	go run ./tools/digits -per 10 -out FILE
//
// The digits are the first -per images of each class in the MNIST test set
// (t10k, read with mnist.LoadData), so the file is the same on every run and
// every machine; the test in this folder checks that the committed file is
// exactly what this command writes.
//
// The format, with no header: n records of 785 bytes, one after another,
//
//	byte 0        the label, 0 to 9
//	bytes 1..784  the 28×28 image, row by row, 0 (background) to 255 (ink),
//	              white ink on black, exactly as in MNIST
//
// ordered by class, then by position in the test set: records 0..per-1 are
// 0s, the next per are 1s, and so on. A reader checks that the length is a
// multiple of 785 and that every label is a digit.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"inkling/mnist"
)

// RecordSize is the size of one record: a label byte and 28×28 pixels.
const RecordSize = 1 + 28*28

func main() {
	out := flag.String("out", "web/digits.bin", "the file to write")
	per := flag.Int("per", 10, "digits of each class")
	flag.Parse()
	if err := run(*out, *per); err != nil {
		fmt.Fprintln(os.Stderr, "digits:", err)
		os.Exit(1)
	}
}

func run(out string, per int) error {
	_, test, err := mnist.LoadData()
	if err != nil {
		return err
	}
	b, err := Encode(test, per)
	if err != nil {
		return err
	}
	// Written to a temporary name and renamed, so a failed run leaves the
	// old file whole; readable by all, as the page's other files (a
	// temporary file is made 0600).
	tmp, err := os.CreateTemp(filepath.Dir(out), ".digits-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return err
	}
	fmt.Printf("wrote %s: %d digits (%d of each class), %d bytes\n", out, len(b)/RecordSize, per, len(b))
	return nil
}

// Encode returns the first per images of each class in s, in the format
// above. s must hold 28×28 images with at least per of each class.
func Encode(s *mnist.Set, per int) ([]byte, error) {
	if s.Rows != 28 || s.Cols != 28 {
		return nil, fmt.Errorf("the images are %d×%d, want 28×28", s.Rows, s.Cols)
	}
	if per < 1 {
		return nil, fmt.Errorf("-per %d: want at least 1", per)
	}
	out := make([]byte, 0, mnist.Classes*per*RecordSize)
	for c := range mnist.Classes {
		n := 0
		for i := 0; i < s.N && n < per; i++ {
			if int(s.Labels[i]) == c {
				out = append(out, byte(c))
				out = append(out, s.Image(i)...)
				n++
			}
		}
		if n < per {
			return nil, fmt.Errorf("class %d has only %d images, want %d", c, n, per)
		}
	}
	return out, nil
}
