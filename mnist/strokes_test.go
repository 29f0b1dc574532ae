package mnist

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadStrokes(t *testing.T) {
	t.Parallel()
	path, err := DefaultStrokesPath()
	if err != nil {
		t.Fatal(err)
	}
	if want, _ := filepath.Abs(filepath.Join("..", "data", StrokesFile)); path != want {
		t.Errorf("DefaultStrokesPath() = %s, want %s", path, want)
	}
	digits, err := LoadStrokes("")
	if err != nil {
		t.Fatal(err)
	}
	// From data/README.md.
	if len(digits) != 7494 {
		t.Errorf("%d digits, want 7,494", len(digits))
	}
	var counts [Classes]int
	writers := map[int]bool{}
	for i, d := range digits {
		counts[d.Label]++
		writers[d.Writer] = true
		if d.Split != "train" || d.Writer < 1 || d.Writer > 30 {
			t.Errorf("%d: split %q, writer %d", i, d.Split, d.Writer)
		}
		for _, s := range d.Strokes {
			for _, p := range s {
				if p[0] < 0 || p[0] > 500 || p[1] < 0 || p[1] > 500 {
					t.Fatalf("%d: point %v outside the 500×500 box", i, p)
				}
			}
		}
	}
	if want := [Classes]int{780, 779, 780, 719, 780, 720, 720, 778, 719, 719}; counts != want {
		t.Errorf("per class %v, want %v", counts, want)
	}
	if len(writers) != 30 {
		t.Errorf("%d writers, want 30", len(writers))
	}
	// The first record of the file, as written there.
	d := digits[0]
	if d.Label != 8 || d.Writer != 12 || d.Strokes[0][0] != [2]float64{267, 167} || d.Strokes[0][1] != [2]float64{267, 164} {
		t.Errorf("first digit: label %d writer %d, starts %v", d.Label, d.Writer, d.Strokes[0][:2])
	}
}

func TestReadStrokesErrors(t *testing.T) {
	t.Parallel()
	const ok = `{"label":3,"writer":1,"strokes":[[[1,2],[3,4]]],"split":"train","index":5,"sample":0}`
	for i, tc := range []struct {
		in, want string
	}{
		{`[` + ok + `,{"label":12,"strokes":[[[1,2]]],"index":6}]`, "record 1 (index 6): label 12 is not a digit 0 to 9"},
		{`[{"label":-1,"strokes":[[[1,2]]]}]`, "record 0 (index 0): label -1 is not a digit 0 to 9"},
		{`[{"strokes":[[[1,2]]],"index":9}]`, "record 0 (index 9): no label"},
		{`[` + ok + `,` + ok + `,{"label":3,"strokes":[]}]`, "record 2 (index 0): no strokes"},
		{`[{"label":3}]`, "record 0 (index 0): no strokes"},
		{`[{"label":3,"strokes":[[[1,2]],[]]}]`, "record 0 (index 0): stroke 1 has no points"},
		{`[{"label":3,"strokes":[[[1,2,3]]]}]`, "record 0 (index 0): stroke 0 point 0 has 3 coordinates, want 2 (x, y)"},
		{`[{"label":3,"strokes":[[[1,2],[5]]]}]`, "record 0 (index 0): stroke 0 point 1 has 1 coordinate, want 2 (x, y)"},
		{`[{"label":3,"strokes":[[[1,1e999]]]}]`, "record 0: json: cannot unmarshal number 1e999"},
		{`[{"label":"3","strokes":[[[1,2]]]}]`, "record 0: json: cannot unmarshal string"},
		{`[` + ok + `,{"label":3,"strokes":[[[1,2]]],}]`, "record 1: invalid character '}'"},
		{`[` + ok, "the list does not end after 1 record: unexpected EOF"},
		{`[`, "the list does not end after 0 records: unexpected EOF"},
		{`[` + ok + `] x`, "trailing data after the list of 1 record"},
		{`{"label":3}`, "want a JSON list of digits"},
		{``, "want a JSON list of digits: EOF"},
	} {
		_, err := ReadStrokes(strings.NewReader(tc.in))
		if err == nil || !strings.HasPrefix(err.Error(), "mnist: strokes: ") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%d: got %v, want an error containing %q", i, err, tc.want)
		}
	}
	digits, err := ReadStrokes(strings.NewReader(`[` + ok + `]`))
	if err != nil || len(digits) != 1 || digits[0].Index != 5 || digits[0].Label != 3 || len(digits[0].Strokes[0]) != 2 || digits[0].Strokes[0][1] != [2]float64{3, 4} {
		t.Errorf("valid record: got %+v, %v", digits, err)
	}
	if digits, err := ReadStrokes(strings.NewReader(`[]`)); err != nil || len(digits) != 0 {
		t.Errorf("empty list: got %v, %v", digits, err)
	}
}

func TestLoadStrokesErrors(t *testing.T) {
	t.Parallel()
	missing := filepath.Join(t.TempDir(), "nope.json")
	if _, err := LoadStrokes(missing); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("missing file: got %v, want an error naming %s", err, missing)
	}
	bad := filepath.Join("testdata", "strokes-bad-label.json")
	_, err := LoadStrokes(bad)
	if want := "mnist: " + bad + ": record 1 (index 1): label 10 is not a digit 0 to 9"; err == nil || err.Error() != want {
		t.Errorf("got %v, want %q", err, want)
	}
}
