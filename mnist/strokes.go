package mnist

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
)

// StrokesFile is the pen-stroke digits file, in the repository's data/ folder.
const StrokesFile = "pendigits-train-strokes.json"

// StrokeDigit is one digit written with a pen on a tablet, from the UCI
// "Pen-Based Recognition of Handwritten Digits" data (see data/README.md).
type StrokeDigit struct {
	Label  int // the digit, 0 to 9
	Writer int // who wrote it, 1 to 30
	// Strokes holds each pen-down..pen-up stroke's points in the order
	// written, as (x, y) in tablet units inside a 500×500 box, y down.
	// Every digit has at least one stroke and every stroke at least one point.
	Strokes [][][2]float64
	Split   string // "train"
	Index   int    // the record's index in the original file
	Sample  int    // the writer's sample number
}

// strokeRecord is the JSON form of a StrokeDigit; pointers tell a missing
// field from a zero, and points are slices so that a point with other than
// two coordinates is caught.
type strokeRecord struct {
	Label   *int          `json:"label"`
	Writer  int           `json:"writer"`
	Strokes [][][]float64 `json:"strokes"`
	Split   string        `json:"split"`
	Index   int           `json:"index"`
	Sample  int           `json:"sample"`
}

// ReadStrokes decodes a JSON list of pen-stroke digits, each
// {"label": 0-9, "writer": w, "strokes": [[[x, y], ...], ...], "split": s, "index": i, "sample": n},
// and checks that every label is a digit, every digit has a stroke, every
// stroke a point, and every point two finite coordinates. An error names the
// record by its position in the list, counting from 0.
func ReadStrokes(r io.Reader) ([]StrokeDigit, error) {
	return readStrokes(r, "strokes")
}

// readStrokes is ReadStrokes with name (a path) in its error messages.
func readStrokes(r io.Reader, name string) ([]StrokeDigit, error) {
	dec := json.NewDecoder(r)
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		if err == nil {
			err = fmt.Errorf("found %v", tok)
		}
		return nil, fmt.Errorf("mnist: %s: want a JSON list of digits: %w", name, err)
	}
	var out []StrokeDigit
	for i := 0; dec.More(); i++ {
		var rec strokeRecord
		if err := dec.Decode(&rec); err != nil {
			var syn *json.SyntaxError
			if errors.As(err, &syn) {
				return nil, fmt.Errorf("mnist: %s: record %d: %w (at byte %s)", name, i, err, commas(syn.Offset))
			}
			return nil, fmt.Errorf("mnist: %s: record %d: %w", name, i, err)
		}
		d, err := rec.digit()
		if err != nil {
			return nil, fmt.Errorf("mnist: %s: record %d (index %d): %w", name, i, rec.Index, err)
		}
		out = append(out, d)
	}
	if _, err := dec.Token(); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("mnist: %s: the list does not end after %d %s: %w", name, len(out), plural(len(out), "record"), err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("mnist: %s: trailing data after the list of %d %s", name, len(out), plural(len(out), "record"))
	}
	return out, nil
}

func (rec *strokeRecord) digit() (StrokeDigit, error) {
	switch {
	case rec.Label == nil:
		return StrokeDigit{}, errors.New("no label")
	case *rec.Label < 0 || *rec.Label > 9:
		return StrokeDigit{}, fmt.Errorf("label %d is not a digit 0 to 9", *rec.Label)
	case len(rec.Strokes) == 0:
		return StrokeDigit{}, errors.New("no strokes")
	}
	strokes := make([][][2]float64, len(rec.Strokes))
	for s, st := range rec.Strokes {
		if len(st) == 0 {
			return StrokeDigit{}, fmt.Errorf("stroke %d has no points", s)
		}
		strokes[s] = make([][2]float64, len(st))
		for p, pt := range st {
			if len(pt) != 2 {
				return StrokeDigit{}, fmt.Errorf("stroke %d point %d has %d %s, want 2 (x, y)", s, p, len(pt), plural(len(pt), "coordinate"))
			}
			for _, v := range pt {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return StrokeDigit{}, fmt.Errorf("stroke %d point %d: coordinate %v is not finite", s, p, v)
				}
			}
			strokes[s][p] = [2]float64{pt[0], pt[1]}
		}
	}
	return StrokeDigit{Label: *rec.Label, Writer: rec.Writer, Strokes: strokes,
		Split: rec.Split, Index: rec.Index, Sample: rec.Sample}, nil
}

// LoadStrokes reads and checks the pen-stroke digits file at path; an empty
// path means the repository's data/pendigits-train-strokes.json (see
// DefaultStrokesPath).
func LoadStrokes(path string) ([]StrokeDigit, error) {
	if path == "" {
		var err error
		if path, err = DefaultStrokesPath(); err != nil {
			return nil, err
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("mnist: %w", err)
	}
	return readStrokes(bytes.NewReader(b), path)
}

// DefaultStrokesPath returns the path of data/pendigits-train-strokes.json in
// the inkling repository holding the working directory: it walks up from the
// working directory to the folder whose go.mod declares module inkling.
func DefaultStrokesPath() (string, error) {
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	return filepath.Join(root, "data", StrokesFile), nil
}

// moduleRoot walks up from the working directory to the folder whose go.mod
// declares module inkling.
func moduleRoot() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("mnist: %w", err)
	}
	for dir := wd; ; {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && modulePath(b) == "inkling" {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("mnist: no go.mod of module inkling in %s or any folder above it: "+
				"run from inside the inkling repository, or give the path of %s", wd, StrokesFile)
		}
		dir = parent
	}
}

// modulePath returns the module path a go.mod file declares, or "".
func modulePath(gomod []byte) string {
	for line := range bytes.Lines(gomod) {
		f := bytes.Fields(line)
		if len(f) >= 2 && string(f[0]) == "module" {
			return string(bytes.Trim(f[1], `"`))
		}
	}
	return ""
}
