//go:build !js

package web

// The page as people use it: loading, drawing, Clear and Undo, answers
// while drawing, a phone, and a broken model file.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"inkling/mnist"
)

// checkClean fails the test if the page logged an error or an uncaught
// exception, broke its Content-Security-Policy, or asked any origin but its
// own for anything.
func (p *tab) checkClean(origin string) {
	p.tb.Helper()
	requests, errs := p.recorded()
	if len(errs) > 0 {
		p.tb.Errorf("console errors or exceptions: %q", errs)
	}
	if v := eval[[]string](p, `globalThis.__cspViolations || []`); len(v) > 0 {
		p.tb.Errorf("Content-Security-Policy violations: %q", v)
	}
	if len(requests) == 0 {
		p.tb.Error("no requests recorded: the network log is not working")
	}
	for _, u := range requests {
		if !sameOrigin(u, origin) {
			p.tb.Errorf("request to another origin: %s", u)
		}
	}
}

// inkPixels counts the visible pad's pixels with any ink.
func (p *tab) inkPixels() int {
	p.tb.Helper()
	return eval[int](p, `(() => {
  const pad = document.getElementById('pad');
  const a = pad.getContext('2d').getImageData(0, 0, pad.width, pad.height).data;
  let n = 0;
  for (let i = 3; i < a.length; i += 4) if (a[i] !== 0) n++;
  return n;
})()`)
}

// hasInkClass reports whether the pad's box says it has ink (which hides
// the "draw here" hint).
func (p *tab) hasInkClass() bool {
	p.tb.Helper()
	return eval[bool](p, `document.querySelector('.pad-box').classList.contains('has-ink')`)
}

// wantEmpty fails unless the answer is the empty one: no digit, no
// probabilities, nothing drawn.
func (p *tab) wantEmpty(when string) {
	p.tb.Helper()
	if a := p.answer(); a != (answer{State: "empty"}) {
		p.tb.Errorf("%s: answer %+v, want none (data-digit and data-probs empty, data-state empty)", when, a)
	}
	if n := p.inkPixels(); n != 0 {
		p.tb.Errorf("%s: %d inked pixels on the pad, want none", when, n)
	}
	if p.hasInkClass() {
		p.tb.Errorf("%s: .pad-box has-ink is set", when)
	}
}

// click clicks the element with a real mouse click at its centre.
func (p *tab) click(id string) {
	p.tb.Helper()
	p.do(chromedp.Click(chromedp.ID(id)))
}

// key presses a key (with Ctrl if ctrl) as a keyboard does.
func (p *tab) key(k string, ctrl bool) {
	p.tb.Helper()
	var opts []chromedp.KeyOption
	if ctrl {
		opts = append(opts, chromedp.KeyModifiers(chromedp.ModifierCtrl))
	}
	p.do(chromedp.KeyEvent(k, opts...))
}

// drawDigit draws the first held-out pen digit with the label, large and
// centred on the pad.
func (p *tab) drawDigit(label int) {
	p.tb.Helper()
	p.draw(onPad(large(digitOf(p.tb, label, 0)), p.pad()))
}

// digitOf returns the first held-out pen digit with the label and the given
// number of strokes (0: any).
func digitOf(tb testing.TB, label, strokes int) mnist.StrokeDigit {
	tb.Helper()
	for _, d := range heldOut(tb)[label] {
		if strokes == 0 || len(d.Strokes) == strokes {
			return d
		}
	}
	tb.Fatalf("no held-out %d with %d strokes", label, strokes)
	return mnist.StrokeDigit{}
}

func TestPage(t *testing.T) {
	t.Parallel()
	browser(t) // skips (fails in CI) here, once, if Chromium or the page is missing
	origin := serve(t, nil)
	page := origin + "/"

	t.Run("ready", func(t *testing.T) {
		t.Parallel()
		p := readyTab(t, desktop, page)
		if hidden := eval[bool](p, `document.getElementById('status').hidden`); !hidden {
			t.Errorf("#status is shown on a ready page: %q", eval[string](p, `document.getElementById('status').textContent`))
		}
		// A blank pad, nothing drawn yet: no digit.
		p.wantEmpty("blank pad")
		for _, want := range []string{"/web/app.js", "/web/inkling.wasm", "/weights/model.bin"} {
			if !p.asked(want) {
				requests, _ := p.recorded()
				t.Errorf("no request for %s among %q", want, requests)
			}
		}
		p.checkClean(origin)
	})

	t.Run("clear", func(t *testing.T) {
		t.Parallel()
		p := readyTab(t, desktop, page)
		for i, clear := range []func(){
			func() { p.click("clear") },
			func() { p.key(kb.Escape, false) },
		} {
			p.drawDigit(3)
			if a := p.answer(); a.State == "empty" || a.Probs == "" {
				t.Fatalf("%d: a 3 was drawn but the page shows no answer: %+v", i, a)
			}
			if !p.hasInkClass() || p.inkPixels() == 0 {
				t.Errorf("%d: a 3 was drawn but the pad shows no ink", i)
			}
			clear()
			p.wantEmpty([]string{"after #clear", "after Escape"}[i])
		}
		p.checkClean(origin)
	})

	t.Run("speck", func(t *testing.T) {
		t.Parallel()
		p := readyTab(t, desktop, page)
		r := p.pad()
		c := pt{r.X + r.W/2, r.Y + r.H/2}
		// A tap: a dot of the page's pen.
		p.draw([][]pt{{c}})
		if a := p.answer(); a.Digit != "" || a.State != "empty" {
			t.Errorf("a tap: answer %+v, want no digit", a)
		}
		// A tiny scribble, 3 CSS pixels long.
		p.draw([][]pt{{c, {c.X + 3, c.Y + 1}}})
		if a := p.answer(); a.Digit != "" || a.State != "empty" {
			t.Errorf("a speck: answer %+v, want no digit", a)
		}
		if p.inkPixels() == 0 {
			t.Error("the speck is not shown on the pad")
		}
		p.checkClean(origin)
	})

	t.Run("undo", func(t *testing.T) {
		t.Parallel()
		p := readyTab(t, desktop, page)
		rect := p.pad()
		four := onPad(large(digitOf(t, 4, 2)), rect)
		p.draw(four[:1])
		one := p.answer()
		p.draw(four[1:])
		both := p.answer()
		if one.Probs == "" || both.Probs == "" || one.Probs == both.Probs {
			t.Fatalf("a two-stroke 4: the answers after stroke 1 (%+v) and 2 (%+v) should differ", one, both)
		}
		p.click("undo")
		if a := p.answer(); a != one {
			t.Errorf("after #undo: %+v, want the first stroke's answer %+v", a, one)
		}
		p.draw(four[1:])
		if a := p.answer(); a != both {
			t.Errorf("the second stroke again: %+v, want %+v", a, both)
		}
		p.key("z", true)
		if a := p.answer(); a != one {
			t.Errorf("after Ctrl+Z: %+v, want the first stroke's answer %+v", a, one)
		}
		p.key("z", true)
		p.wantEmpty("after undoing both strokes")
		p.click("undo") // nothing left to undo
		p.wantEmpty("after #undo on a blank pad")
		p.checkClean(origin)
	})

	// The answer shows while a stroke is being drawn, before the pointer
	// goes up: the moves come one animation frame apart, as from a hand.
	t.Run("live", func(t *testing.T) {
		t.Parallel()
		p := readyTab(t, desktop, page)
		rect := p.pad()
		shown := false
		for _, label := range []int{0, 2, 3, 6} {
			pts := resample(onPad(large(digitOf(t, label, 1)), rect)[0])
			half := len(pts) / 2
			p.stroke(pts[:half+1], keepDown)
			// Half way along the stroke, an answer is already there.
			mid, err := p.pollAnswer(`a.state !== 'empty'`, 5*time.Second)
			if err != nil {
				t.Fatalf("a %d, half drawn with the button held: no answer shown (%v)", label, err)
			}
			p.stroke(pts[half:], keepDown)
			// The whole stroke, the button still held: wait for a digit
			// (an unsure answer shows none, so do not wait forever).
			before, err := p.pollAnswer(`a.digit !== ''`, 3*time.Second)
			if err != nil {
				before = p.answer()
			}
			p.lift(pts[len(pts)-1])
			after := p.answer()
			t.Logf("a %d: half way %q (%s), before the pointer went up %q (%s), after %q (%s)", label, mid.Digit, mid.State, before.Digit, before.State, after.Digit, after.State)
			p.click("clear")
			shown = before.Digit != ""
			if shown {
				break // one is enough; the others are there in case a digit is unsure
			}
		}
		if !shown {
			t.Error("no digit was shown before the pointer went up, for any of 4 single-stroke digits")
		}
		p.checkClean(origin)
	})

	// A stroke that leaves the pad and is released outside it ends there;
	// the next stroke draws.
	t.Run("outside", func(t *testing.T) {
		t.Parallel()
		p := readyTab(t, desktop, page)
		r := p.pad()
		y := r.Y + r.H/2
		p.draw([][]pt{{{r.X + r.W*0.3, y}, {r.X + r.W*0.7, y}, {r.X + r.W + 60, y}}})
		first := p.answer()
		if first.Probs == "" {
			t.Fatalf("a stroke released outside the pad: no answer (%+v); the stroke did not end", first)
		}
		p.draw([][]pt{{{r.X + r.W/2, r.Y + r.H*0.2}, {r.X + r.W/2, r.Y + r.H*0.8}}})
		if a := p.answer(); a.Probs == "" || a.Probs == first.Probs {
			t.Errorf("the stroke after one released outside the pad was not drawn: %+v", a)
		}
		p.checkClean(origin)
	})

	// On a phone a finger draws on the pad; the page does not scroll.
	t.Run("phone", func(t *testing.T) {
		t.Parallel()
		p := readyTab(t, phone, page)
		rect := p.pad()
		scrollable := eval[bool](p, `document.scrollingElement.scrollHeight > innerHeight + 50`)
		if !scrollable {
			// Then a finger that scrolled could not move the page either,
			// and the check below would pass without testing anything.
			t.Fatal("the page fits the phone's screen, so this test cannot tell drawing from scrolling")
		}
		y0 := eval[float64](p, `scrollY`)
		p.draw(onPad(large(digitOf(t, 2, 0)), rect))
		// A stroke from the bottom of the pad to the top: a finger that
		// scrolled would move the page by about the pad's height.
		p.draw([][]pt{{{rect.X + rect.W*0.9, rect.Y + rect.H*0.95}, {rect.X + rect.W*0.9, rect.Y + rect.H*0.05}}})
		if y := eval[float64](p, `scrollY`); y != y0 {
			t.Errorf("drawing scrolled the page from %v to %v", y0, y)
		}
		if a := p.answer(); a.Probs == "" {
			t.Errorf("no answer after drawing with a finger: %+v", a)
		}
		if !p.hasInkClass() || p.inkPixels() == 0 {
			t.Error("no ink on the pad after drawing with a finger")
		}
		p.checkClean(origin)
	})

	// A model file that is not the right one: the page says so and draws no
	// conclusions.
	for _, c := range []struct {
		name string
		want string // in #status
		wrap func(http.Handler) http.Handler
	}{
		{"flipped", "model.bin", serveModel(t, func(b []byte) []byte {
			for i := range b {
				b[i] ^= 0xFF
			}
			return b
		})},
		{"one-byte", "model.bin", serveModel(t, func(b []byte) []byte {
			b[len(b)/2] ^= 0x01
			return b
		})},
		{"truncated", "model.bin", serveModel(t, func(b []byte) []byte { return b[:len(b)*2/3] })},
		{"404", "404", func(h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/weights/model.bin" {
					http.NotFound(w, r)
					return
				}
				h.ServeHTTP(w, r)
			})
		}},
	} {
		t.Run("model-"+c.name, func(t *testing.T) {
			t.Parallel()
			o := serve(t, c.wrap)
			p := newTab(t, desktop)
			if state := p.open(o + "/"); state != "error" {
				t.Fatalf("data-ready=%q, want error", state)
			}
			status := eval[struct {
				Text   string
				Hidden bool
				Error  bool
			}](p, `(() => { const s = document.getElementById('status'); return {Text: s.textContent, Hidden: s.hidden, Error: s.classList.contains('error')}; })()`)
			t.Logf("#status: %s", status.Text)
			if status.Hidden || !status.Error {
				t.Errorf("#status hidden=%v error=%v, want shown as an error", status.Hidden, status.Error)
			}
			if !strings.Contains(status.Text, c.want) || len(status.Text) < 40 {
				t.Errorf("#status %q does not explain (want a sentence naming %q)", status.Text, c.want)
			}
			for _, junk := range []string{"undefined", "[object", "NaN", "null"} {
				if strings.Contains(status.Text, junk) {
					t.Errorf("#status %q contains %q", status.Text, junk)
				}
			}
			p.drawDigit(7)
			if a := p.answer(); a.Digit != "" || a.Probs != "" {
				t.Errorf("without a model the page answered %+v", a)
			}
		})
	}
}

// serveModel returns a wrapper that serves weights/model.bin changed by f.
func serveModel(tb testing.TB, f func([]byte) []byte) func(http.Handler) http.Handler {
	return func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/weights/model.bin" {
				h.ServeHTTP(w, r)
				return
			}
			b, err := os.ReadFile(filepath.Join(repoRoot(tb), "weights", "model.bin"))
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			w.Header().Set("Content-Type", "application/octet-stream")
			w.Header().Set("Cache-Control", "no-store")
			w.Write(f(b))
		})
	}
}

// TestPageObject checks the page object app.js gives learn.js (and exports):
// the drawing, onAnswer, setStrokes, readInk, the language, showDigit and
// setModel.
func TestPageObject(t *testing.T) {
	t.Parallel()
	p := readyTab(t, desktop, serve(t, nil)+"/")
	eval[bool](p, `import('./web/app.js').then((m) => {
  globalThis.__page = m.page;
  globalThis.__answers = [];
  m.page.onAnswer((r) => __answers.push({digit: r.digit, noInk: !!r.noInk, probs: r.probs ? Array.from(r.probs) : [], input: r.input ? Array.from(r.input) : [], label: r.label ?? null}));
  return true;
})`)
	type got struct {
		Digit int       `json:"digit"`
		NoInk bool      `json:"noInk"`
		Probs []float64 `json:"probs"`
		Input []int     `json:"input"`
		Label *int      `json:"label"`
	}
	answers := func() []got { return eval[[]got](p, `__answers`) }

	// One answer at the end of a stroke, none while it is drawn.
	p.draw(onPad(large(digitOf(t, 3, 1)), p.pad()))
	a := answers()
	if len(a) != 1 || a[0].Digit != 3 || len(a[0].Probs) != 10 || len(a[0].Input) != 784 {
		t.Fatalf("after drawing a one-stroke 3: onAnswer got %d answers, want one, a 3 with 10 probabilities and the 784 inputs", len(a))
	}
	drawn := a[0]
	strokes := eval[[][][2]float64](p, `__page.strokes()`)
	if len(strokes) == 0 {
		t.Fatal("page.strokes() is empty after drawing")
	}
	for _, s := range strokes {
		for _, q := range s {
			if q[0] < 0 || q[0] > 1 || q[1] < 0 || q[1] > 1 {
				t.Fatalf("page.strokes() has the point %v, outside 0..1", q)
			}
		}
	}
	if ok := eval[bool](p, `(() => { const r = __page.readInk(); return r.width === inkling.side && r.height === inkling.side && r.rgba.length === 4 * r.width * r.height; })()`); !ok {
		t.Error("page.readInk() is not {rgba, width, height} of inkling.side pixels")
	}

	p.click("clear")
	if a := answers(); len(a) != 2 || !a[1].NoInk || a[1].Digit != -1 {
		t.Errorf("after Clear: answers %+v, want a second one, {digit: -1, noInk: true}", a)
	}
	eval[bool](p, `(__page.setStrokes(`+mustJSON(t, strokes)+`), true)`)
	if a := answers(); len(a) != 3 || a[2].Digit != 3 || !slices.Equal(a[2].Probs, drawn.Probs) {
		t.Errorf("setStrokes with the drawing: %d answers, the last %d %v; want 3, the drawn 3's %v", len(a), a[len(a)-1].Digit, a[len(a)-1].Probs, drawn.Probs)
	}
	if d := p.answer().Digit; d != "3" || p.inkPixels() == 0 {
		t.Errorf("after setStrokes: #prediction %q, %d inked pixels; want 3, drawn", d, p.inkPixels())
	}

	// The language.
	lang := eval[[]string](p, `(() => {
  let heard = 0;
  __page.onLanguage(() => heard++);
  document.getElementById('lang').click();
  const r = [__page.lang(), __page.text('undo'), String(heard)];
  document.getElementById('lang').click();
  return r;
})()`)
	if !slices.Equal(lang, []string{"zh-Hant", "復原", "1"}) {
		t.Errorf("after switching the language: lang, text('undo'), onLanguage calls = %q, want zh-Hant, 復原, 1", lang)
	}

	// setModel: another model's answer for the same drawing, and back.
	tutorial := eval[int](p, `import('./web/engine.js').then((e) => e.model(e.TUTORIAL_URL)).then((m) => m.id)`)
	if tutorial == 0 {
		t.Fatal("weights/tutorial.bin loaded as model 0, the shipped weights' id")
	}
	n := len(answers())
	eval[bool](p, `(__page.setModel(`+fmt.Sprint(tutorial)+`), true)`)
	a = answers()
	if len(a) != n+1 || slices.Equal(a[n].Probs, drawn.Probs) || len(a[n].Probs) != 10 {
		t.Errorf("setModel(%d): %d new answers, the last %v; want one, with other probabilities than model 0's %v", tutorial, len(a)-n, a[len(a)-1].Probs, drawn.Probs)
	}
	eval[bool](p, `(__page.setModel(0), true)`)
	if a := answers(); !slices.Equal(a[len(a)-1].Probs, drawn.Probs) {
		t.Errorf("setModel(0): %v, want model 0's %v again", a[len(a)-1].Probs, drawn.Probs)
	}

	// showDigit: the 28×28 image the network saw, shown on the pad and read
	// by classify, returned and given to onAnswer with its input and label;
	// drawing again returns to strokes.
	n = len(answers())
	if d := eval[int](p, `__page.showDigit(Uint8Array.from(`+mustJSON(t, drawn.Input)+`), 3).digit`); d != 3 {
		t.Errorf("showDigit(a 3's input, 3) returned the digit %d, want 3", d)
	}
	shown := eval[struct{ Digit, Label string }](p, `(() => { const d = document.getElementById('prediction').dataset; return {Digit: d.digit, Label: d.label}; })()`)
	if shown.Digit != "3" || shown.Label != "3" {
		t.Errorf("showDigit(a 3's input, 3): #prediction digit %q label %q, want 3 and 3", shown.Digit, shown.Label)
	}
	if a := answers(); len(a) != n+1 || a[n].Digit != 3 || a[n].Label == nil || *a[n].Label != 3 || !slices.Equal(a[n].Input, drawn.Input) {
		t.Errorf("showDigit(a 3's input, 3): %d new answers, want one, the 3 with its label 3 and input", len(a)-n)
	}
	n = len(answers())
	if len(eval[[]any](p, `__page.strokes()`)) != 0 || p.inkPixels() == 0 || !p.hasInkClass() {
		t.Errorf("showDigit: the strokes should be gone and the image on the pad (%d inked pixels)", p.inkPixels())
	}
	p.draw(onPad(large(digitOf(t, 7, 1)), p.pad()))
	if d := eval[struct{ Digit, Label string }](p, `(() => { const d = document.getElementById('prediction').dataset; return {Digit: d.digit, Label: d.label}; })()`); d.Digit != "7" || d.Label != "" {
		t.Errorf("drawing after showDigit: #prediction %+v, want 7 with no label", d)
	}
	if a := answers(); len(a) != n+1 || a[n].Digit != 7 {
		t.Errorf("after showDigit and drawing a one-stroke 7: %d new answers, want one, the 7", len(a)-n)
	}
	p.checkClean(p.origin())
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestPageWords checks that the English words index.html carries, which show
// until app.js runs, are i18n.js's: the text of every [data-i18n] element and
// the aria-label of every [data-i18n-label] one.
func TestPageWords(t *testing.T) {
	t.Parallel()
	p := readyTab(t, desktop, serve(t, nil)+"/")
	differ := eval[[]string](p, `Promise.all([fetch('index.html').then((r) => r.text()), import('./web/i18n.js')]).then(([html, {STRINGS}]) => {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  const out = [];
  const els = doc.querySelectorAll('[data-i18n], [data-i18n-label]');
  for (const el of els) {
    if (el.dataset.i18n && el.textContent !== STRINGS.en[el.dataset.i18n]) out.push(el.dataset.i18n + ': ' + el.textContent);
    if (el.dataset.i18nLabel && el.getAttribute('aria-label') !== STRINGS.en[el.dataset.i18nLabel]) out.push(el.dataset.i18nLabel + ': ' + el.getAttribute('aria-label'));
  }
  return els.length > 5 ? out : ['only ' + els.length + ' elements with data-i18n'];
})`)
	for _, d := range differ {
		t.Errorf("index.html differs from i18n.js's English: %s", d)
	}
}
