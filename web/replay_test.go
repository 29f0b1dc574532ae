//go:build !js

package web

// Real pen digits replayed on the page with real input, as their writers
// wrote them, and the page's answers counted.

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"inkling/mnist"
)

var perClass = flag.Int("perclass", 100, "pen digits of each class that TestPenReplay writes in each placement (the floors hold for 100)")

// replayFloor is the accuracy below which TestPenReplay fails, per placement
// and viewport (with -perclass 100, the default). The floors sit a little
// under what the page measured with the weights/model.bin trained by
// `make train` on 2026-11-29 (sha256 0f035c11…; the measurement is beside each
// value, and the replay gives the same counts run after run), so that a model
// or page change that loses accuracy fails. Raise them when better weights land.
var replayFloor = map[string]float64{
	"large-desktop":  0.982, // measured 0.990 (990/1000)
	"small-desktop":  0.980, // measured 0.988 (988/1000)
	"corner-desktop": 0.980, // measured 0.989 (989/1000)
	"large-phone":    0.976, // measured 0.987 (296/300, touch)
}

// phonePerClass is how many digits of each class the phone replay writes.
const phonePerClass = 30

// The target for every placement (issue [browser-tests]); a placement below
// it is reported in the log, and fails only below its floor.
const replayTarget = 0.97

// A replayResult is one placement's outcome.
type replayResult struct {
	Placement  string         `json:"placement"`
	Viewport   string         `json:"viewport"` // desktop (1280×800) or phone (360×740, 3×)
	Input      string         `json:"input"`    // mouse (desktop) or touch (phone)
	Digits     int            `json:"digits"`
	Correct    int            `json:"correct"`
	Accuracy   float64        `json:"accuracy"`
	Unsure     int            `json:"unsure"`   // data-digit empty with ink: the page said it was not sure
	NoDigit    int            `json:"no_digit"` // no answer at all (no ink seen)
	PerClass   [10]float64    `json:"per_class_accuracy"`
	Confusions []confusion    `json:"confusions"` // most common first
	Seconds    float64        `json:"seconds"`
	counts     map[[2]int]int // (label, answer) → count; answer -1 unsure, -2 no digit
}

// A confusion is how often a digit was read as another (or as nothing).
type confusion struct {
	Label  int    `json:"label"`
	Answer string `json:"answer"` // a digit, "unsure" or "none"
	Count  int    `json:"count"`
}

// TestPenReplay writes a deterministic sample of held-out pen digits on the
// page, in each placement, and checks the page's accuracy.
func TestPenReplay(t *testing.T) {
	t.Parallel()
	browser(t) // skips (fails in CI) here, once, if Chromium or the page is missing
	digits := sample(t, *perClass)
	origin := serve(t, nil)
	var mu sync.Mutex
	var results []replayResult
	// Each placement with the mouse on the desktop, and the large one with
	// a finger on the phone too, each in its own tab, in parallel. The phone
	// writes 30 digits of each class (spread over the same writers), not 100: it
	// draws at three device pixels to the CSS pixel, which doubles its time
	// (measured alone on all 1,000: 80 s against the desktop's 42 s), and its
	// answers match the desktop's (on all 1,000: 990 right on both, confused
	// the same ways, 4→6, 9→7, 1→7, 0→9, 8→7, 9→3, and one 9 unsure on the
	// phone).
	type run struct {
		pl     placement
		vp     viewport
		digits []mnist.StrokeDigit
	}
	var runs []run
	for _, pl := range placements {
		runs = append(runs, run{pl, desktop, digits})
	}
	runs = append(runs, run{placements[0], phone, sample(t, min(*perClass, phonePerClass))})
	t.Run("replay", func(t *testing.T) {
		for _, r := range runs {
			t.Run(r.pl.name+"-"+r.vp.name, func(t *testing.T) {
				t.Parallel()
				res := replay(t, origin, r.vp, r.pl, r.digits)
				mu.Lock()
				results = append(results, res)
				mu.Unlock()
			})
		}
	})
	order := func(r replayResult) int {
		return slices.IndexFunc(runs, func(x run) bool { return x.pl.name == r.Placement && x.vp.name == r.Viewport })
	}
	slices.SortFunc(results, func(a, b replayResult) int { return order(a) - order(b) })
	if *perClass != 100 {
		t.Logf("-perclass %d: the floors, set for 100, are not checked", *perClass)
	}
	for _, r := range results {
		name := r.Placement + " (" + r.Input + ")"
		t.Logf("%-15s %d/%d = %.2f%% (unsure %d, no digit %d) in %.0fs; per class %s; most confused: %s",
			name, r.Correct, r.Digits, 100*r.Accuracy, r.Unsure, r.NoDigit, r.Seconds,
			percentList(r.PerClass[:]), confusionList(r.Confusions, 8))
		if r.Accuracy < replayTarget {
			t.Logf("%s: %.2f%% is below the %.0f%% target", name, 100*r.Accuracy, 100*replayTarget)
		}
		if floor := replayFloor[r.Placement+"-"+r.Viewport]; *perClass == 100 && r.Accuracy < floor {
			t.Errorf("%s: accuracy %.2f%% is below the floor %.2f%%", name, 100*r.Accuracy, 100*floor)
		}
	}
	model := modelSum(t)
	t.Logf("weights/model.bin sha256 %s", model)
	writeReport(t, "pen-replay.json", map[string]any{
		"test":         "TestPenReplay",
		"date":         time.Now().UTC().Format(time.RFC3339),
		"model_sha256": model,
		"sample": fmt.Sprintf("%d per class (phone: %d) from writers %d-%d of data/%s, spread evenly over each class",
			*perClass, min(*perClass, phonePerClass), firstHeldOut, lastHeldOut, mnist.StrokesFile),
		"input": fmt.Sprintf("strokes resampled to %g-%g CSS px steps; mouse on %dx%d, touch on %dx%d at %gx",
			minGap, maxGap, desktop.width, desktop.height, phone.width, phone.height, phone.scale),
		"target":     replayTarget,
		"floors":     replayFloor,
		"placements": results,
	})
}

// replay writes every digit in the placement on a fresh page and returns the
// counts.
func replay(t *testing.T, origin string, vp viewport, pl placement, digits []mnist.StrokeDigit) replayResult {
	start := time.Now()
	p := readyTab(t, vp, origin+"/")
	rect := p.pad()
	res := replayResult{Placement: pl.name, Viewport: vp.name, Input: "mouse", Digits: len(digits), counts: map[[2]int]int{}}
	if vp.mobile {
		res.Input = "touch"
	}
	var right, seen [10]int
	for i, d := range digits {
		cx, cy := pl.centre(i)
		p.draw(onPad(place(d, pl.height, cx, cy), rect))
		// Read the answer, then Clear, as a person would before the next digit.
		a := eval[answer](p, `(() => { const a = `+answerJS+`; document.getElementById('clear').click(); return a; })()`)
		got := -2
		switch {
		case a.Digit != "":
			got = int(a.Digit[0] - '0')
		case a.State == "unsure":
			got = -1
			res.Unsure++
		default:
			res.NoDigit++
		}
		seen[d.Label]++
		if got == d.Label {
			right[d.Label]++
			res.Correct++
		} else {
			res.counts[[2]int{d.Label, got}]++
		}
	}
	res.Accuracy = float64(res.Correct) / float64(res.Digits)
	for c := range right {
		if seen[c] > 0 {
			res.PerClass[c] = float64(right[c]) / float64(seen[c])
		}
	}
	for k, n := range res.counts {
		ans := fmt.Sprint(k[1])
		switch k[1] {
		case -1:
			ans = "unsure"
		case -2:
			ans = "none"
		}
		res.Confusions = append(res.Confusions, confusion{k[0], ans, n})
	}
	slices.SortFunc(res.Confusions, func(a, b confusion) int {
		return cmp.Or(b.Count-a.Count, a.Label-b.Label, strings.Compare(a.Answer, b.Answer))
	})
	res.Seconds = time.Since(start).Seconds()
	if _, errs := p.recorded(); len(errs) > 0 {
		t.Errorf("errors while replaying: %q", errs)
	}
	return res
}

func percentList(v []float64) string {
	parts := make([]string, len(v))
	for i, x := range v {
		parts[i] = fmt.Sprintf("%d:%.0f%%", i, 100*x)
	}
	return strings.Join(parts, " ")
}

func confusionList(c []confusion, n int) string {
	var parts []string
	for _, x := range c[:min(n, len(c))] {
		parts = append(parts, fmt.Sprintf("%d→%s ×%d", x.Label, x.Answer, x.Count))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// modelSum returns the SHA-256 of weights/model.bin, in hex.
func modelSum(tb testing.TB) string {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot(tb), "weights", "model.bin"))
	if err != nil {
		tb.Fatal(err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// writeReport writes v as JSON to $INKLING_REPORT_DIR/name, if that is set.
func writeReport(tb testing.TB, name string, v any) {
	tb.Helper()
	dir := os.Getenv("INKLING_REPORT_DIR")
	if dir == "" {
		return
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		tb.Fatal(err)
	}
	tb.Logf("wrote %s", path)
}
