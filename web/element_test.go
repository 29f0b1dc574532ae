//go:build !js

package web

// <inkling-pad> (web/inkling-pad.js) in the example post, web/examples/blog.html:
// two pads in the prose, drawn on with real mouse events.

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

const blogPath = "/web/examples/blog.html"

// column is a desktop window short enough that the post's first pad starts
// below the fold, so that loading it lazily can be seen.
var column = viewport{name: "column", width: 1000, height: 500, scale: 1}

// countJS runs before the post's scripts: it counts WebAssembly instances
// made and records every prediction event that reaches the document.
const countJS = `(() => {
  globalThis.__instances = 0;
  for (const name of ['instantiate', 'instantiateStreaming']) {
    const f = WebAssembly[name];
    WebAssembly[name] = function (...args) {
      return f.apply(this, args).then((r) => { __instances++; return r; });
    };
  }
  globalThis.__predictions = [];
  document.addEventListener('prediction', (e) => {
    __predictions.push({id: e.target.id, digit: e.detail.digit, probs: e.detail.probs.length, unsure: e.detail.unsure});
  });
})();`

// blogTab opens the example post (with countJS) and waits until both pads
// are defined and styled.
func blogTab(t *testing.T, origin string) *tab {
	t.Helper()
	p := newTab(t, column)
	p.call(func(ctx context.Context) error {
		_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: countJS})
		return err
	})
	p.url = origin + blogPath
	p.do(chromedp.Navigate(p.url))
	_, err := chromedp.Run(p.ctx, chromedp.Poll[bool](`(() => {
  const pads = [...document.querySelectorAll('inkling-pad')];
  return pads.length === 2 && pads.every((el) => el.shadowRoot && !el.shadowRoot.querySelector('.frame').hidden);
})()`, chromedp.WithPollingTimeout(20*time.Second)))
	if err != nil {
		t.Fatalf("%s: the two <inkling-pad> elements did not show: %v", p.url, err)
	}
	return p
}

// A padView is what one <inkling-pad> shows.
type padView struct {
	State       string // the element's state
	Digit       string // the answer's data-digit: "" when empty or unsure
	Answer      string // the answer's data-state: empty, unsure or sure
	Status      string // the status line, "" when hidden
	StatusError bool
	Ink         int // inked pixels on its canvas
}

func (p *tab) padView(id string) padView {
	p.tb.Helper()
	return eval[padView](p, `(() => {
  const el = document.getElementById('`+id+`'), r = el.shadowRoot;
  const a = r.querySelector('.answer'), s = r.querySelector('.status'), c = r.querySelector('canvas');
  const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let ink = 0;
  for (let i = 3; i < px.length; i += 4) if (px[i] !== 0) ink++;
  return {State: el.state, Digit: a.dataset.digit, Answer: a.dataset.state,
    Status: s.hidden ? '' : s.textContent, StatusError: s.classList.contains('error'), Ink: ink};
})()`)
}

// elementRect scrolls the pad into view and returns its canvas's content box.
func (p *tab) elementRect(id string) padRect {
	p.tb.Helper()
	return eval[padRect](p, `(() => {
  const c = document.getElementById('`+id+`').shadowRoot.querySelector('canvas');
  c.scrollIntoView({block: 'center'});
  const s = c.getBoundingClientRect(), cs = getComputedStyle(c);
  return {X: s.left + parseFloat(cs.borderLeftWidth), Y: s.top + parseFloat(cs.borderTopWidth), W: c.clientWidth, H: c.clientHeight};
})()`)
}

// waitSettled waits until the pad is ready or has failed, and returns its state.
func (p *tab) waitSettled(id string) string {
	p.tb.Helper()
	state, err := chromedp.Run(p.ctx, chromedp.Poll[string](
		`(() => { const s = document.getElementById('`+id+`').state; return (s === 'ready' || s === 'error') && s; })()`,
		chromedp.WithPollingTimeout(60*time.Second)))
	if err != nil {
		p.tb.Fatalf("#%s did not become ready or fail: %v (view %+v)", id, err, p.padView(id))
	}
	return state
}

// count returns how many requests the tab made for URLs ending in suffix.
func (p *tab) count(suffix string) int {
	requests, _ := p.recorded()
	n := 0
	for _, u := range requests {
		if strings.HasSuffix(u, suffix) {
			n++
		}
	}
	return n
}

// A predictionEvent is one `prediction` event, as countJS records it.
type predictionEvent struct {
	ID     string `json:"id"`
	Digit  int    `json:"digit"`
	Probs  int    `json:"probs"` // how many probabilities
	Unsure bool   `json:"unsure"`
}

func TestElement(t *testing.T) {
	t.Parallel()
	browser(t)
	origin := serve(t, nil)

	// Both pads draw and read on their own, each with its model, with one Go
	// instance, one download of each file, none before a pad is in view.
	t.Run("blog", func(t *testing.T) {
		t.Parallel()
		p := blogTab(t, origin)
		top := eval[float64](p, `document.getElementById('first').getBoundingClientRect().top - innerHeight`)
		if top < 150 {
			t.Fatalf("the first pad starts %.0f px below the fold at %dx%d: too little to tell lazy loading from eager", top, column.width, column.height)
		}
		// Time for IntersectionObserver's first report (it comes with a
		// rendering update) and for anything eager to start.
		eval[bool](p, `new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(() => done(true), 300))))`)
		for _, f := range []string{"inkling.wasm", "model.bin", "wasm_exec.js"} {
			if n := p.count(f); n != 0 {
				t.Errorf("%s was requested %d times before any pad was in view", f, n)
			}
		}
		for _, id := range []string{"first", "second"} {
			if v := p.padView(id); v.State != "idle" {
				t.Errorf("#%s before it is in view: state %q, want idle", id, v.State)
			}
		}

		want := map[string]string{"first": "3", "second": "7"}
		for _, id := range []string{"first", "second"} {
			rect := p.elementRect(id)
			if state := p.waitSettled(id); state != "ready" {
				t.Fatalf("#%s: state %q: %+v", id, state, p.padView(id))
			}
			label := int(want[id][0] - '0')
			p.draw(onPad(large(digitOf(t, label, 0)), rect))
			if v := p.padView(id); v.Digit != want[id] || v.Ink == 0 {
				t.Errorf("#%s: a held-out %d reads %+v", id, label, v)
			}
		}
		// Drawing on the second left the first alone.
		if v := p.padView("first"); v.Digit != "3" {
			t.Errorf("#first after drawing on #second: %+v, want its 3", v)
		}
		events := eval[[]predictionEvent](p, `__predictions`)
		last := map[string]predictionEvent{}
		for _, e := range events {
			last[e.ID] = e
		}
		for id, d := range want {
			if e, ok := last[id]; !ok || e.Digit != int(d[0]-'0') || e.Probs != 10 {
				t.Errorf("#%s: last prediction event %+v (of %+v), want digit %s with 10 probabilities", id, e, events, d)
			}
		}

		// One Go instance, shared: each file once (the second pad has the
		// tutorial's weights), and both pads call the same globalThis.inkling.
		for _, f := range []string{"/web/inkling.wasm", "/weights/model.bin", "/weights/tutorial.bin", "/web/wasm_exec.js"} {
			if n := p.count(f); n != 1 {
				t.Errorf("%s requested %d times, want once", f, n)
			}
		}
		if n := eval[int](p, `__instances`); n != 1 {
			t.Errorf("%d WebAssembly instances, want 1", n)
		}
		calls := eval[int](p, `(() => {
  const api = globalThis.inkling, predict = api.predict;
  let n = 0;
  api.predict = (...a) => { n++; return predict.apply(api, a); };
  for (const id of ['first', 'second']) document.getElementById(id).strokes = document.getElementById(id).strokes;
  api.predict = predict;
  return n;
})()`)
		if calls != 2 {
			t.Errorf("redrawing both pads made %d calls to globalThis.inkling.predict, want 2 (one each)", calls)
		}

		// Keyboard: Escape in the first pad clears it, only it.
		eval[bool](p, `(document.getElementById('first').shadowRoot.querySelector('canvas').focus(), true)`)
		p.key(kb.Escape, false)
		if v := p.padView("first"); v.Answer != "empty" || v.Ink != 0 {
			t.Errorf("#first after Escape: %+v, want empty", v)
		}
		if v := p.padView("second"); v.Digit != "7" {
			t.Errorf("#second after Escape in #first: %+v, want its 7", v)
		}
		if e := eval[predictionEvent](p, `__predictions.at(-1)`); e.ID != "first" || e.Digit != -1 || e.Probs != 0 {
			t.Errorf("after Escape: prediction event %+v, want #first with digit -1 and no probabilities", e)
		}
		// The same drawing on both: two models, two answers.
		p.draw(onPad(large(digitOf(t, 3, 0)), p.elementRect("first")))
		if differ := eval[bool](p, `(() => {
  const a = document.getElementById('first'), b = document.getElementById('second');
  b.strokes = a.strokes;
  return b.prediction.probs.length === 10 && JSON.stringify(a.prediction.probs) !== JSON.stringify(b.prediction.probs);
})()`); !differ {
			t.Error("the same drawing on both pads gave the same probabilities: #second does not use its model attribute's weights")
		}
		// The second pad's Clear button, clicked with the mouse.
		c := eval[pt](p, `(() => {
  const b = document.getElementById('second').shadowRoot.querySelector('button.clear');
  b.scrollIntoView({block: 'center'});
  const r = b.getBoundingClientRect();
  return {X: r.left + r.width / 2, Y: r.top + r.height / 2};
})()`)
		p.draw([][]pt{{c}})
		if v := p.padView("second"); v.Answer != "empty" || v.Ink != 0 {
			t.Errorf("#second after its Clear button: %+v, want empty", v)
		}
		p.checkClean(origin)
	})

	// The pad's words are there for a screen reader.
	t.Run("labels", func(t *testing.T) {
		t.Parallel()
		p := blogTab(t, origin)
		names := eval[[]string](p, `(() => {
  const r = document.getElementById('first').shadowRoot;
  const c = r.querySelector('canvas');
  return [c.getAttribute('aria-label'), String(c.tabIndex), r.querySelector('button.undo').textContent,
    r.querySelector('button.clear').textContent, r.querySelector('.bars').getAttribute('aria-label'),
    r.querySelector('.bars li').getAttribute('aria-label'), r.querySelector('[aria-live]') ? 'live' : ''];
})()`)
		want := []string{"Drawing pad: draw one digit from 0 to 9", "0", "Undo", "Clear", "Probability of each digit", "0: 0%", "live"}
		for i := range want {
			if i >= len(names) || names[i] != want[i] {
				t.Errorf("accessible names %q, want %q", names, want)
				break
			}
		}
	})

	// A model attribute that points at a file that is not a model: the
	// message names that file, not the page's weights/model.bin.
	t.Run("refused-model", func(t *testing.T) {
		t.Parallel()
		p := blogTab(t, origin)
		eval[bool](p, `(document.getElementById('second').setAttribute('model', '../../web/icon.svg'), true)`)
		p.elementRect("second")
		if state := p.waitSettled("second"); state != "error" {
			t.Fatalf("#second with web/icon.svg as its model: state %q, want error", state)
		}
		if v := p.padView("second"); !v.StatusError || !strings.Contains(v.Status, "The weights in web/icon.svg were refused") {
			t.Errorf("#second's status %+v: want the weights in web/icon.svg refused", v)
		}
	})

	// A model attribute that points at a missing file: that pad says so,
	// the other works.
	t.Run("missing-model", func(t *testing.T) {
		t.Parallel()
		p := blogTab(t, origin)
		eval[bool](p, `(document.getElementById('second').setAttribute('model', '../../weights/missing.bin'), true)`)
		p.elementRect("second")
		if state := p.waitSettled("second"); state != "error" {
			t.Fatalf("#second with a missing model: state %q, want error", state)
		}
		v := p.padView("second")
		t.Logf("#second: %s", v.Status)
		if !v.StatusError || !strings.Contains(v.Status, "weights/missing.bin") || !strings.Contains(v.Status, "404") {
			t.Errorf("#second's status %+v: want an error naming weights/missing.bin and HTTP 404", v)
		}
		for _, junk := range []string{"undefined", "[object", "NaN", "null"} {
			if strings.Contains(v.Status, junk) {
				t.Errorf("#second's status %q contains %q", v.Status, junk)
			}
		}
		rect := p.elementRect("first")
		if state := p.waitSettled("first"); state != "ready" {
			t.Fatalf("#first beside a failed pad: state %q: %+v", state, p.padView("first"))
		}
		p.draw(onPad(large(digitOf(t, 4, 0)), rect))
		if v := p.padView("first"); v.Digit != "4" || v.Status != "" {
			t.Errorf("#first beside a failed pad reads %+v, want 4 and no status", v)
		}
		rect = p.elementRect("second")
		p.draw(onPad(large(digitOf(t, 4, 0)), rect))
		if v := p.padView("second"); v.Answer != "empty" || v.Digit != "" {
			t.Errorf("#second without a model answered: %+v", v)
		}
	})

	// theme= overrides the reader's setting, per pad.
	t.Run("theme", func(t *testing.T) {
		t.Parallel()
		p := blogTab(t, origin)
		colours := eval[[]string](p, `(() => {
  const ink = (id, theme) => {
    const el = document.getElementById(id);
    el.setAttribute('theme', theme);
    return getComputedStyle(el.shadowRoot.querySelector('canvas')).color;
  };
  return [ink('first', 'dark'), ink('second', 'light')];
})()`)
		if colours[0] != "rgb(244, 242, 236)" || colours[1] != "rgb(17, 17, 17)" {
			t.Errorf("ink colours with theme=dark and theme=light: %q, want rgb(244, 242, 236) and rgb(17, 17, 17)", colours)
		}
	})
}

// TestEngineInline serves a page that carries web/inkling.wasm, the weights
// and web/digits.bin inline, as dist/inkling.html does (base64 of gzip -9 in
// <script type="application/octet-stream" data-inkling="NAME">): engine.js
// must decode them and fetch none of them.
func TestEngineInline(t *testing.T) {
	t.Parallel()
	browser(t)
	root := repoRoot(t)
	var page strings.Builder
	page.WriteString(`<!doctype html><html lang="en"><meta charset="utf-8"><title>inline</title>
<link rel="icon" href="../icon.svg" type="image/svg+xml">
<script type="module" src="../inkling-pad.js"></script>
<inkling-pad id="pad"></inkling-pad>
`)
	sizes := map[string]int{}
	for _, name := range []string{"web/inkling.wasm", "weights/model.bin", "weights/tutorial.bin"} {
		raw, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		sizes[name] = len(raw)
		var gz bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
		zw.Write(raw)
		zw.Close()
		// Line breaks in the base64, as a tool wrapping long lines might leave.
		b64 := base64.StdEncoding.EncodeToString(gz.Bytes())
		fmt.Fprintf(&page, "<script type=\"application/octet-stream\" data-inkling=%q>\n", name)
		for len(b64) > 0 {
			n := min(len(b64), 76)
			page.WriteString(b64[:n] + "\n")
			b64 = b64[n:]
		}
		page.WriteString("</script>\n")
	}
	origin := serve(t, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/web/examples/inline.html" {
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				io.WriteString(w, page.String())
				return
			}
			h.ServeHTTP(w, r)
		})
	})
	p := newTab(t, desktop)
	p.url = origin + "/web/examples/inline.html"
	p.do(chromedp.Navigate(p.url))
	rect := p.elementRect("pad")
	if state := p.waitSettled("pad"); state != "ready" {
		t.Fatalf("with inline data: state %q: %+v", state, p.padView("pad"))
	}
	p.draw(onPad(large(digitOf(t, 2, 0)), rect))
	if v := p.padView("pad"); v.Digit != "2" {
		t.Errorf("with inline data, a held-out 2 reads %+v", v)
	}
	got := eval[int](p, `import('../engine.js').then((e) => e.asset('weights/tutorial.bin')).then((b) => b.byteLength)`)
	if got != sizes["weights/tutorial.bin"] {
		t.Errorf("asset('weights/tutorial.bin') from inline data: %d bytes, want %d", got, sizes["weights/tutorial.bin"])
	}
	for _, f := range []string{"inkling.wasm", ".bin"} {
		if n := p.count(f); n != 0 {
			t.Errorf("%d requests for *%s: the inline copies were not used", n, f)
		}
	}
	p.checkClean(origin)
}
