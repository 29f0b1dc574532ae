//go:build !js

package web

// The learn section (web/learn.js, issue #10): see inside, why this answer,
// a real test digit, teaching it your handwriting, the tutorial's weights
// against the shipped ones, and a link to the drawing.

import (
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// Held-out pen digits that the tests below need, found by drawing every
// held-out digit (large, centred) through the shipped and the tutorial
// weights; each test checks first that its digit still does what it is
// chosen for, so new weights fail loudly rather than test nothing.
var (
	// misread: read wrongly by the shipped weights (a 4 whose closed top
	// reads as 6).
	misread = penDigit{label: 4, index: 57}
	// hookedNine: a 9 with a hook, read as 9 by the shipped weights and as 3
	// by the tutorial's (MNIST only).
	hookedNine = penDigit{label: 9, index: 9}
)

// A penDigit names a held-out pen digit: the index-th of its label's (see
// heldOut).
type penDigit struct{ label, index int }

// drawPen draws the held-out pen digit, large and centred, with the tab's
// pointer.
func (p *tab) drawPen(d penDigit) {
	p.tb.Helper()
	p.draw(onPad(large(heldOut(p.tb)[d.label][d.index]), p.pad()))
}

// learnTab opens the page and waits until the learn section is ready (its
// kept examples read and taught again).
func learnTab(tb testing.TB, vp viewport, pageURL string) *tab {
	tb.Helper()
	p := readyTab(tb, vp, pageURL)
	p.waitLearn()
	return p
}

func (p *tab) waitLearn() {
	p.tb.Helper()
	if _, err := chromedp.Run(p.ctx, chromedp.Poll[bool](`document.getElementById('learn').dataset.ready === 'true'`,
		chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		p.tb.Fatalf("the learn section did not become ready: %v", err)
	}
	if hidden := eval[bool](p, `document.getElementById('learn').hidden`); hidden {
		p.tb.Fatal("#learn is still hidden")
	}
}

// openPart opens one of the learn section's <details> from the keyboard:
// its summary focused, Enter pressed.
func (p *tab) openPart(id string) {
	p.tb.Helper()
	if eval[bool](p, `document.getElementById('`+id+`').open`) {
		return
	}
	eval[bool](p, `(document.querySelector('#`+id+` > summary').focus(), document.activeElement === document.querySelector('#`+id+` > summary'))`)
	p.key(kb.Enter, false)
	if !eval[bool](p, `document.getElementById('`+id+`').open`) {
		p.tb.Fatalf("#%s did not open", id)
	}
}

// clickCSS clicks the first element matching a CSS selector.
func (p *tab) clickCSS(sel string) {
	p.tb.Helper()
	p.do(chromedp.ScrollIntoView(chromedp.CSS(sel)), chromedp.Click(chromedp.CSS(sel)))
}

// text returns the text of the element with the id.
func (p *tab) text(id string) string {
	p.tb.Helper()
	return eval[string](p, `document.getElementById('`+id+`').textContent`)
}

// waitFor polls a JavaScript condition, failing the test with what after
// timeout.
func (p *tab) waitFor(cond, what string) {
	p.tb.Helper()
	if _, err := chromedp.Run(p.ctx, chromedp.Poll[bool]("!!("+cond+")", chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		p.tb.Fatalf("waiting for %s: %v", what, err)
	}
}

// seenJS is JavaScript for the 28×28 image the page shows as what the
// network sees (#seen), as a Uint8Array: the current answer's input.
const seenJS = `(() => { const d = document.getElementById('seen').getContext('2d').getImageData(0, 0, 28, 28).data;
  const a = new Uint8Array(784); for (let i = 0; i < 784; i++) a[i] = d[4 * i]; return a; })()`

// canvasSum is JavaScript for the sum of a canvas's RGB values (0 when blank).
func canvasSum(id string) string {
	return `(() => { const c = document.getElementById('` + id + `'); const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let s = 0; for (let i = 0; i < d.length; i += 4) s += d[i] + d[i + 1] + d[i + 2]; return s; })()`
}

// digitOfAnswer is the answer's top digit, sure or not, or -1.
func digitOfAnswer(a answer) int {
	if a.Probs == "" {
		return -1
	}
	var best int
	var bestP float64 = -1
	for d, s := range strings.Split(strings.Trim(a.Probs, "[]"), ",") {
		if v, err := strconv.ParseFloat(s, 64); err == nil && v > bestP {
			best, bestP = d, v
		}
	}
	return best
}

func TestLearn(t *testing.T) {
	t.Parallel()
	browser(t) // skips (fails in CI) here, once, if Chromium or the page is missing
	origin := serve(t, nil)
	home := origin + "/"

	// See inside: closed at first and costing nothing; once open, the four
	// grids show exactly what inkling.inside computes for the drawing, and
	// follow it; the preprocessing's steps end in the image the network sees.
	t.Run("inside", func(t *testing.T) {
		t.Parallel()
		p := learnTab(t, desktop, home)
		if eval[bool](p, `document.getElementById('learn-inside').open`) {
			t.Error("#learn-inside is open at first; it should be closed")
		}
		p.drawDigit(3)
		if s := eval[int](p, canvasSum("learn-conv")); s != 0 {
			t.Errorf("the feature maps were drawn (sum %d) while the part is closed", s)
		}
		p.openPart("learn-inside")
		check := func(when string) {
			t.Helper()
			// Opening paints at the <details>' toggle event, a task later.
			p.waitFor(canvasSum("learn-conv")+` > 0`, "the feature maps")
			// Each grid against inkling.inside of the image the page shows as
			// what the network sees, scaled as learn.js documents: a map's
			// value over the largest magnitude, in grey (tolerance 1 of 255).
			bad := eval[map[string]int](p, `(() => {
  const r = inkling.inside(`+seenJS+`, 0);
  const grid = (id, vals, count, h, w, cols) => {
    const c = document.getElementById(id);
    const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let max = 1e-9; for (const v of vals) max = Math.max(max, Math.abs(v));
    let bad = 0;
    const gap = w > 1 ? 1 : 0;
    for (let k = 0; k < count; k++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      const i = 4 * ((Math.floor(k / cols) * (h + gap) + y) * c.width + (k % cols) * (w + gap) + x);
      if (Math.abs(px[i] - 255 * vals[k * h * w + y * w + x] / max) > 1) bad++;
    }
    return bad;
  };
  // The filters: orange (red > blue) for positive weights, blue for negative.
  const f = document.getElementById('learn-filters');
  const fp = f.getContext('2d').getImageData(0, 0, f.width, f.height).data;
  let fmax = 0; for (const v of r.filters) fmax = Math.max(fmax, Math.abs(v));
  let fbad = 0;
  for (let k = 0; k < r.cout; k++) for (let y = 0; y < r.kh; y++) for (let x = 0; x < r.kw; x++) {
    const v = r.filters[(k * r.kh + y) * r.kw + x];
    const i = 4 * ((Math.floor(k / 8) * (r.kh + 1) + y) * f.width + (k % 8) * (r.kw + 1) + x);
    if (Math.abs(v) > 0.1 * fmax && Math.sign(fp[i] - fp[i + 2]) !== Math.sign(v)) fbad++;
  }
  return {
    shape: r.cout === 32 && r.kh === 3 && r.oh === 26 && r.qh === 13 && r.dense.length === 100 ? 0 : 1,
    conv: grid('learn-conv', r.conv, r.cout, r.oh, r.ow, 8),
    pooled: grid('learn-pooled', r.pooled, r.cout, r.qh, r.qw, 8),
    dense: grid('learn-dense', r.dense, 100, 1, 1, 20),
    filters: fbad,
    convLit: r.conv.filter((v) => v > 0).length,
  };
})()`)
			if bad["convLit"] == 0 {
				t.Fatalf("%s: inkling.inside found no active feature: %v", when, bad)
			}
			for _, k := range []string{"shape", "conv", "pooled", "dense", "filters"} {
				if bad[k] != 0 {
					t.Errorf("%s: %s: %d pixels differ from inkling.inside's values", when, k, bad[k])
				}
			}
			// Step 5 is the network's input, four pixels to one.
			if n := eval[int](p, `(() => { const s = `+seenJS+`; const d = document.getElementById('learn-step5').getContext('2d').getImageData(0, 0, 112, 112).data;
  let bad = 0; for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) if (d[4 * ((4 * y + 1) * 112 + 4 * x + 1)] !== s[28 * y + x]) bad++; return bad; })()`); n != 0 {
				t.Errorf("%s: step 5 differs from the image the network sees in %d pixels", when, n)
			}
			for _, id := range []string{"learn-step1", "learn-step2", "learn-step3", "learn-step4", "learn-raw"} {
				if eval[int](p, canvasSum(id)) == 0 {
					t.Errorf("%s: #%s is blank", when, id)
				}
			}
			if note := p.text("learn-raw-note"); !strings.ContainsAny(note, "0123456789") {
				t.Errorf("%s: the note on skipping the preprocessing gives no digit: %q", when, note)
			}
		}
		check("a 3")
		conv3 := eval[int](p, canvasSum("learn-conv"))
		p.click("clear")
		if s := eval[int](p, canvasSum("learn-conv")); s != 0 {
			t.Errorf("after Clear the feature maps still show something (sum %d)", s)
		}
		p.drawDigit(7)
		check("then a 7")
		if eval[int](p, canvasSum("learn-conv")) == conv3 {
			t.Error("the feature maps are the same for a 3 and a 7")
		}
		p.checkClean(origin)
	})

	// On a phone (360 px) and a desktop, every part open: nothing is wider
	// than the screen.
	for _, vp := range []viewport{phone, desktop} {
		t.Run("layout-"+vp.name, func(t *testing.T) {
			t.Parallel()
			p := learnTab(t, vp, home)
			p.drawDigit(2)
			for _, id := range []string{"learn-teach", "learn-inside", "learn-why", "learn-try", "learn-compare", "learn-share"} {
				p.openPart(id)
			}
			wide := eval[[]string](p, `(() => {
  const out = [];
  if (document.documentElement.scrollWidth > innerWidth) out.push('the page: ' + document.documentElement.scrollWidth + ' px');
  for (const e of document.querySelectorAll('#learn *')) {
    const r = e.getBoundingClientRect();
    if (r.width > 0 && (r.left < -1 || r.right > innerWidth + 1)) out.push((e.id || e.tagName) + ': ' + Math.round(r.left) + '..' + Math.round(r.right));
  }
  return out;
})()`)
			if len(wide) > 0 {
				t.Errorf("wider than the %d px screen: %q", vp.width, wide)
			}
			// The feature maps are big enough to see: at least one CSS pixel
			// per map pixel.
			if w := eval[float64](p, `document.getElementById('learn-conv').getBoundingClientRect().width`); w < 215 {
				t.Errorf("the feature maps are %.0f px wide, less than their 215 pixels", w)
			}
			p.checkClean(origin)
		})
	}

	// Why this answer: the occlusion map, red where the answer comes from,
	// and how long inkling.occlusion takes in Chromium.
	t.Run("why", func(t *testing.T) {
		t.Parallel()
		p := learnTab(t, desktop, home)
		p.drawDigit(7)
		p.openPart("learn-why")
		p.waitFor(canvasSum("learn-why-map")+` > 0`, "the occlusion map")
		// The reddest pixels lie on or next to the ink of the image the
		// network sees.
		far := eval[int](p, `(() => {
  const s = `+seenJS+`;
  const d = document.getElementById('learn-why-map').getContext('2d').getImageData(0, 0, 28, 28).data;
  const red = []; for (let i = 0; i < 784; i++) red.push([d[4 * i] - d[4 * i + 2], i]);
  red.sort((a, b) => b[0] - a[0]);
  let far = 0;
  for (const [, i] of red.slice(0, 20)) {
    const x = i % 28, y = Math.floor(i / 28);
    let near = false;
    for (let dy = -3; dy <= 3; dy++) for (let dx = -3; dx <= 3; dx++) { const yy = y + dy, xx = x + dx; if (yy >= 0 && yy < 28 && xx >= 0 && xx < 28 && s[28 * yy + xx] > 64) near = true; }
    if (!near) far++;
  }
  return far;
})()`)
		if far > 2 {
			t.Errorf("%d of the 20 reddest pixels of the occlusion map are more than 3 px from the ink", far)
		}
		// The time of one call, median of 9, on the drawn 7.
		ms := eval[[]float64](p, `(() => { const x = `+seenJS+`; const t = [];
  for (let i = 0; i < 9; i++) { const s = performance.now(); inkling.occlusion(x, 0); t.push(performance.now() - s); }
  return t.sort((a, b) => a - b); })()`)
		t.Logf("inkling.occlusion in Chromium: median %.1f ms (min %.1f, max %.1f) of %d calls", ms[len(ms)/2], ms[0], ms[len(ms)-1], len(ms))
		// "Well under a second" (issue #10); a generous bound for a busy
		// 2-core machine.
		if ms[len(ms)/2] > 500 {
			t.Errorf("inkling.occlusion takes %.0f ms (median), more than 500", ms[len(ms)/2])
		}
		p.checkClean(origin)
	})

	// A real test digit: web/digits.bin is fetched only when asked for; the
	// digit shown is one of its records, with its label, and the answer is
	// the network's.
	t.Run("try", func(t *testing.T) {
		t.Parallel()
		file, err := os.ReadFile(filepath.Join(repoRoot(t), "web", "digits.bin"))
		if err != nil {
			t.Fatal(err)
		}
		p := learnTab(t, desktop, home)
		if p.asked("/web/digits.bin") {
			t.Error("web/digits.bin was downloaded before it was asked for")
		}
		p.openPart("learn-try")
		seenIdx := map[int]bool{}
		for round := range 6 {
			eval[bool](p, `(delete document.getElementById('learn-try-note').dataset.index, true)`)
			p.clickCSS("#learn-try-button")
			p.waitFor(`document.getElementById('learn-try-note').dataset.index !== undefined`, "a test digit")
			d := eval[map[string]string](p, `({...document.getElementById('learn-try-note').dataset})`)
			i, _ := strconv.Atoi(d["index"])
			seenIdx[i] = true
			rec := file[i*785 : (i+1)*785]
			if d["label"] != strconv.Itoa(int(rec[0])) {
				t.Errorf("%d: record %d's label is %d, the page says %s", round, i, rec[0], d["label"])
			}
			// The page shows the record's image as what the network sees, and
			// the network's answer to it.
			same := eval[bool](p, `(() => { const s = `+seenJS+`; const r = `+jsBytes(rec[1:])+`; return s.every((v, i) => v === r[i]); })()`)
			if !same {
				t.Errorf("%d: the image shown is not record %d of web/digits.bin", round, i)
			}
			want := eval[int](p, `inkling.classify(`+jsBytes(rec[1:])+`, 0).digit`)
			if got := digitOfAnswer(p.answer()); got != want || d["digit"] != strconv.Itoa(want) {
				t.Errorf("%d: record %d: the page shows %d (note %s), inkling.classify says %d", round, i, got, d["digit"], want)
			}
			if note := p.text("learn-try-note"); !strings.Contains(note, "a "+d["label"]) {
				t.Errorf("%d: the note %q does not give the true label %s", round, note, d["label"])
			}
			if p.inkPixels() == 0 {
				t.Errorf("%d: the pad shows nothing", round)
			}
		}
		if !p.asked("/web/digits.bin") {
			t.Error("no request for web/digits.bin")
		}
		if len(seenIdx) < 3 {
			t.Errorf("six clicks showed only %d different digits", len(seenIdx))
		}
		// Drawing again returns to strokes.
		p.drawDigit(1)
		if a := p.answer(); a.Digit != "1" {
			t.Errorf("a 1 drawn after the test digits reads %+v", a)
		}
		p.checkClean(origin)
	})

	// Teach it your handwriting: a digit it reads wrongly, taught, is read
	// right; the lesson and the tally outlast a reload; Forget undoes both.
	// web/inkling.wasm must offer teach and reset (wasm/main.go's impl);
	// one that does not fails here, after the page's fallback is checked:
	// it says that it cannot learn, and still counts answers and keeps the
	// example.
	t.Run("teach", func(t *testing.T) {
		t.Parallel()
		p := learnTab(t, desktop, home)
		learns := eval[bool](p, `typeof inkling.teach === 'function' && typeof inkling.reset === 'function'`)
		if !learns {
			t.Error("web/inkling.wasm has no inkling.teach/reset: the learning itself cannot be tested (the page's fallback is checked below)")
			if note := p.text("learn-cannot"); !strings.Contains(note, "cannot learn") {
				t.Errorf("the teach part does not say it cannot learn: %q", note)
			}
		}
		p.drawPen(misread)
		before := p.answer()
		if digitOfAnswer(before) == misread.label {
			t.Fatalf("held-out %d #%d is read right (%+v): choose a digit the weights get wrong", misread.label, misread.index, before)
		}
		want := strconv.Itoa(misread.label)
		taught := before // what the misread digit should read as after teaching
		chartHidden := func() bool { return eval[bool](p, `document.getElementById('learn-chart-figure').hidden`) }
		if !chartHidden() {
			t.Error("the learning chart shows before any lesson")
		}
		p.clickCSS(`#learn-teach .learn-digit[data-digit="` + want + `"]`)
		if learns {
			if _, err := p.pollAnswer(`a.digit === '`+want+`'`, 10*time.Second); err != nil {
				t.Fatalf("after teaching it is a %s, the page reads %+v", want, p.answer())
			}
			taught = p.answer()
			p.waitFor(`document.getElementById('learn-chart').dataset.p`, "the learning chart")
			steps := eval[string](p, `document.getElementById('learn-chart').dataset.steps`)
			if steps == "" || steps == "0" {
				t.Errorf("the chart shows %q steps", steps)
			}
			t.Logf("taught in %s steps, p(%s) = %s", steps, want, eval[string](p, `document.getElementById('learn-chart').dataset.p`))
			if chartHidden() {
				t.Error("the learning chart is hidden after a lesson")
			}
		} else {
			p.waitFor(`document.getElementById('learn-teach-note').textContent.includes('cannot learn')`, "the note that it cannot learn")
			if a := p.answer(); a != before {
				t.Errorf("with no teach the answer changed from %+v to %+v", before, a)
			}
		}
		p.waitFor(`document.getElementById('learn-tally').textContent.includes('0 right, 1 wrong; 1 example')`, "the tally to count a wrong answer and keep the example")
		// The verdict is given once per drawing.
		if !eval[bool](p, `document.getElementById('learn-right').disabled`) {
			t.Error("the Right button is still enabled after the verdict")
		}
		// Another drawing, read right, counted right.
		p.click("clear")
		p.drawDigit(0)
		if a := p.answer(); a.Digit != "0" {
			t.Fatalf("a held-out 0 reads %+v after teaching", a)
		}
		// By keyboard: the button, disabled once pressed, hands the focus
		// to the note rather than dropping it to the page.
		eval[bool](p, `(document.getElementById('learn-right').focus(), document.activeElement.id === 'learn-right')`)
		p.key("\r", false) // Enter
		p.waitFor(`document.getElementById('learn-tally').textContent.includes('1 right, 1 wrong')`, "the tally to count a right answer")
		if focus := eval[string](p, `document.activeElement.id`); focus != "learn-teach-note" {
			t.Errorf("after Right by keyboard the focus is on %q, want the teach note", focus)
		}

		// Reload: the example is taught again and the tally kept.
		p.openReady(home)
		p.waitLearn()
		if n := eval[int](p, `new Promise((ok, no) => { const r = indexedDB.open('inkling-learn'); r.onsuccess = () => { const q = r.result.transaction('examples').objectStore('examples').count(); q.onsuccess = () => ok(q.result); q.onerror = no; }; r.onerror = no; })`); n != 1 {
			t.Errorf("IndexedDB keeps %d examples, want 1", n)
		}
		p.drawPen(misread)
		if a := p.answer(); a != taught {
			t.Errorf("after a reload the taught %s reads %+v, want %+v", want, a, taught)
		}
		if tally := p.text("learn-tally"); !strings.Contains(tally, "1 right, 1 wrong; 1 example") {
			t.Errorf("after a reload the tally is %q", tally)
		}

		// Forget: the shipped weights' answer again, nothing kept.
		p.clickCSS("#learn-reset")
		p.waitFor(`document.getElementById('learn-tally').textContent.includes('0 right, 0 wrong; 0 examples')`, "the tally to be reset")
		if !chartHidden() {
			t.Error("the learning chart still shows after Forget")
		}
		if a := p.answer(); a != before {
			t.Errorf("after Forget the digit reads %+v, want the shipped weights' %+v", a, before)
		}
		p.openReady(home)
		p.waitLearn()
		p.drawPen(misread)
		if a := p.answer(); a != before {
			t.Errorf("after Forget and a reload the digit reads %+v, want %+v", a, before)
		}
		if learns {
			// What re-teaching costs at load with the most examples the page
			// teaches (learn.js's MAX_TAUGHT, 100): the drawing, 100 times.
			ms := eval[[]float64](p, `(() => { const x = `+seenJS+`; const n = 100; const xs = new Uint8Array(n * 784); const ys = new Uint8Array(n).fill(`+want+`);
  for (let i = 0; i < n; i++) xs.set(x, i * 784);
  const t = []; for (let k = 0; k < 3; k++) { const s = performance.now(); const r = inkling.teach(xs, ys, 0); t.push(r.ok ? performance.now() - s : -1); }
  inkling.reset(0); return t.sort((a, b) => a - b); })()`)
			t.Logf("inkling.teach of 100 examples in Chromium: median %.0f ms (min %.0f, max %.0f)", ms[1], ms[0], ms[2])
			if ms[0] < 0 {
				t.Error("inkling.teach refused 100 examples")
			}
		}
		p.checkClean(origin)
	})

	// Forget while the chart still shows a lesson step by step: the chart
	// stays blank and the note says what Forget did.
	t.Run("forget-while-learning", func(t *testing.T) {
		t.Parallel()
		p := learnTab(t, desktop, home)
		if !eval[bool](p, `typeof inkling.teach === 'function'`) {
			t.Fatal("web/inkling.wasm has no inkling.teach: nothing is animated")
		}
		p.drawPen(misread)
		p.clickCSS(`#learn-teach .learn-digit[data-digit="` + strconv.Itoa(misread.label) + `"]`)
		p.waitFor(`document.getElementById('learn-chart').dataset.p`, "the learning chart")
		p.clickCSS("#learn-reset")
		p.waitFor(`document.getElementById('learn-tally').textContent.includes('0 right, 0 wrong; 0 examples')`, "the tally to be reset")
		// Longer than the lesson's animation: about 60 ms a step.
		eval[bool](p, `new Promise((done) => setTimeout(() => done(true), 60 * Number(document.getElementById('learn-chart').dataset.steps) + 200))`)
		if s := eval[int](p, `(() => { const c = document.getElementById('learn-chart'); const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let s = 0; for (let i = 3; i < d.length; i += 4) s += d[i]; return s; })()`); s != 0 {
			t.Errorf("after Forget the learning chart was drawn on (alpha sum %d)", s)
		}
		if note := p.text("learn-teach-note"); !strings.Contains(note, "Back to the shipped weights") {
			t.Errorf("after Forget the note says %q", note)
		}
		p.checkClean(origin)
	})

	// Why real data matters: the tutorial's weights, fetched only when
	// chosen, read the hooked 9 as a 3; the shipped ones as a 9.
	t.Run("compare", func(t *testing.T) {
		t.Parallel()
		p := learnTab(t, desktop, home)
		p.drawPen(hookedNine)
		if a := p.answer(); a.Digit != "9" {
			t.Fatalf("the shipped weights read the hooked 9 as %+v", a)
		}
		if p.asked("/weights/tutorial.bin") {
			t.Error("weights/tutorial.bin was downloaded before it was chosen")
		}
		p.openPart("learn-compare")
		// Tutorial chosen, then shipped again before its weights have come:
		// once they have, the shipped weights still answer.
		eval[bool](p, `(() => { const radio = (v) => document.querySelector('#learn-compare input[value="' + v + '"]');
  radio('tutorial').click(); radio('shipped').click(); return true; })()`)
		eval[bool](p, `import('./web/engine.js').then((e) => e.model(e.TUTORIAL_URL)).then(() => new Promise((done) => setTimeout(() => done(true), 50)))`)
		if a, m := p.answer(), eval[string](p, `document.getElementById('learn').dataset.model`); a.Digit != "9" || m != "shipped" {
			t.Errorf("tutorial then shipped chosen while the tutorial's weights loaded: the answer %+v, #learn's data-model %q; want the shipped weights' 9", a, m)
		}
		p.clickCSS(`#learn-compare input[value="tutorial"]`)
		if _, err := p.pollAnswer(`a.digit === '3'`, 20*time.Second); err != nil {
			t.Fatalf("with the tutorial's weights the hooked 9 reads %+v, want 3", p.answer())
		}
		if !p.asked("/weights/tutorial.bin") {
			t.Error("no request for weights/tutorial.bin")
		}
		p.waitFor(`document.getElementById('learn-compare-note').textContent.includes('Shipped weights: 9')`, "the note with both answers")
		if note := p.text("learn-compare-note"); !strings.Contains(note, "Tutorial weights: 3") {
			t.Errorf("the note %q does not give the tutorial's 3", note)
		}
		// A new drawing is read by the tutorial's weights too.
		p.click("clear")
		p.drawPen(hookedNine)
		if a := p.answer(); a.Digit != "3" {
			t.Errorf("drawn again with the tutorial's weights: %+v, want 3", a)
		}
		p.clickCSS(`#learn-compare input[value="shipped"]`)
		if _, err := p.pollAnswer(`a.digit === '9'`, 5*time.Second); err != nil {
			t.Errorf("back to the shipped weights the hooked 9 reads %+v", p.answer())
		}
		p.checkClean(origin)
	})

	// The tutorial's weights missing on the server: the note says so, and
	// the shipped weights' button is checked again, as they still answer.
	t.Run("compare-missing", func(t *testing.T) {
		t.Parallel()
		origin := serve(t, func(h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/weights/tutorial.bin" {
					http.NotFound(w, r)
					return
				}
				h.ServeHTTP(w, r)
			})
		})
		p := learnTab(t, desktop, origin+"/")
		p.drawPen(hookedNine)
		p.openPart("learn-compare")
		p.clickCSS(`#learn-compare input[value="tutorial"]`)
		p.waitFor(`document.getElementById('learn-compare-note').textContent.includes('404')`, "the note that weights/tutorial.bin is missing")
		if checked := eval[string](p, `document.querySelector('#learn-compare input:checked').value`); checked != "shipped" {
			t.Errorf("after the tutorial's weights failed to load, the %q button is checked, want shipped", checked)
		}
		if a := p.answer(); a.Digit != "9" {
			t.Errorf("after the tutorial's weights failed to load, the hooked 9 reads %+v", a)
		}
	})

	// Share: the link redraws the same strokes in a new tab, with the same
	// answer; a damaged link is ignored.
	t.Run("share", func(t *testing.T) {
		t.Parallel()
		p := learnTab(t, desktop, home)
		p.drawDigit(4)
		first := p.answer()
		p.openPart("learn-share")
		link := eval[string](p, `document.getElementById('learn-link').value`)
		frag, ok := strings.CutPrefix(link, home+"#d=")
		if !ok || frag == "" {
			t.Fatalf("link %q, want %s#d=…", link, home)
		}
		t.Logf("a 4 of %d strokes: a link of %d characters", len(digitOf(t, 4, 0).Strokes), len(link))
		if len(link) > 2000 {
			t.Errorf("the link is %d characters long", len(link))
		}
		q := learnTab(t, desktop, link)
		a := q.answer()
		if a.Digit != first.Digit || digitOfAnswer(a) != digitOfAnswer(first) {
			t.Errorf("the link reads %+v, the drawing %+v", a, first)
		}
		if got := eval[string](q, `document.getElementById('learn-link').value`); got != link {
			t.Errorf("the opened link's drawing links to %q, want the same %q", got, link)
		}
		// The same image, up to the points' quantisation (1/255 of the pad).
		mine := eval[[]int](p, `Array.from(`+seenJS+`)`)
		theirs := eval[[]int](q, `Array.from(`+seenJS+`)`)
		sum := 0
		for i := range mine {
			sum += max(mine[i]-theirs[i], theirs[i]-mine[i])
		}
		mean := float64(sum) / 784
		t.Logf("the linked drawing's 28×28 image differs by %.2f (of 255) a pixel on average", mean)
		if mean > 3 {
			t.Errorf("the linked drawing's 28×28 image differs by %.1f a pixel on average", mean)
		}
		p.checkClean(origin)
		q.checkClean(origin)

		// A damaged or foreign fragment draws nothing, and breaks nothing.
		for _, bad := range []string{"#d=!!!", "#d=AAAA", "#d=Ag", "#x=1"} {
			r := learnTab(t, desktop, home+bad)
			r.wantEmpty(bad)
			r.checkClean(origin)
		}
	})

	// Both languages: the section's words follow the language switch.
	t.Run("language", func(t *testing.T) {
		t.Parallel()
		p := learnTab(t, desktop, home)
		if h := eval[string](p, `document.querySelector('#learn h2').textContent`); h != "Learn how it reads" {
			t.Errorf("English heading %q", h)
		}
		p.click("lang")
		if h := eval[string](p, `document.querySelector('#learn h2').textContent`); h != "了解它如何辨識" {
			t.Errorf("after the switch the heading is %q", h)
		}
		if l := eval[string](p, `document.querySelector('#learn-teach .learn-digit[data-digit="7"]').getAttribute('aria-label')`); l != "不對，這是 7" {
			t.Errorf("digit button's label %q", l)
		}
		p.checkClean(origin)
	})
}

// jsBytes is a JavaScript Uint8Array literal of b.
func jsBytes(b []byte) string {
	var s strings.Builder
	s.WriteString("new Uint8Array([")
	for i, v := range b {
		if i > 0 {
			s.WriteByte(',')
		}
		s.WriteString(strconv.Itoa(int(v)))
	}
	s.WriteString("])")
	return s.String()
}
