//go:build !js

package web

// The browser tests' harness: what they need, one shared headless Chromium,
// the project's own server started in-process, and tabs that record what the
// page does (console, exceptions, requests).
//
// Needs: Chromium ($CHROME_PATH, else `chromium` on PATH), a built
// web/inkling.wasm and web/wasm_exec.js (`make wasm`) and weights/model.bin.
// When one is missing the tests skip and say why; with CI=true they fail
// instead, so that CI cannot pass by skipping.

import (
	"context"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/remote"

	"inkling/tools/serve/site"
)

// inCI reports whether the tests run in CI, where a missing prerequisite is a
// failure, not a reason to skip.
func inCI() bool { return os.Getenv("CI") == "true" }

// need skips the test with msg, or fails it in CI.
func need(tb testing.TB, msg string) {
	tb.Helper()
	if inCI() {
		tb.Fatalf("%s (CI=true: failing instead of skipping)", msg)
	}
	tb.Skip(msg)
}

// repoRoot is the repository's root, the folder above this package.
func repoRoot(tb testing.TB) string {
	tb.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		tb.Fatal(err)
	}
	return root
}

// chromePath finds Chromium: $CHROME_PATH, else chromium on PATH.
func chromePath() (string, error) {
	if p := os.Getenv("CHROME_PATH"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("CHROME_PATH=%s: %w", p, err)
		}
		return p, nil
	}
	p, err := exec.LookPath("chromium")
	if err != nil {
		return "", fmt.Errorf("no chromium on PATH and CHROME_PATH is not set (apt-get install chromium)")
	}
	return p, nil
}

// checkSite reports the files the page needs that the repository lacks, and
// notes (in the log) a web/inkling.wasm older than the Go code it is built
// from, which would test yesterday's build.
func checkSite(tb testing.TB, root string) {
	tb.Helper()
	if msgs := site.Missing(os.DirFS(root)); len(msgs) > 0 {
		need(tb, "the page cannot run: "+strings.Join(msgs, "; ")+" (run make wasm)")
	}
	wasm, err := os.Stat(filepath.Join(root, "web", "inkling.wasm"))
	if err != nil {
		return
	}
	var newer string
	for _, dir := range []string{"wasm", "nn", "mnist"} {
		filepath.WalkDir(filepath.Join(root, dir), func(path string, d fs.DirEntry, err error) error {
			if err != nil || newer != "" || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return nil
			}
			if info, err := d.Info(); err == nil && info.ModTime().After(wasm.ModTime()) {
				newer, _ = filepath.Rel(root, path)
			}
			return nil
		})
	}
	if newer != "" {
		staleNote.Do(func() {
			tb.Logf("note: web/inkling.wasm is older than %s: run make wasm to test the current code", newer)
		})
	}
}

var staleNote sync.Once

// The shared browser: started by the first test that needs it, stopped by
// TestMain.
var shared struct {
	once   sync.Once
	ctx    context.Context // a chromedp context whose browser is running
	cancel func()
	dir    string // its --user-data-dir
	port   string // its debugging port
	err    error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.cancel != nil {
		shared.cancel()
	}
	if shared.dir != "" {
		os.RemoveAll(shared.dir)
	}
	os.Exit(code)
}

// browserOptions are the command-line options the tests start Chromium with.
func browserOptions(chrome, userDataDir string) []chromedp.ExecAllocatorOption {
	return append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chrome),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.UserDataDir(userDataDir),
		// A debugging port (chromedp then talks over a websocket rather than
		// a pipe) lets inputConn open a second connection to a tab.
		remote.WebSocket,
		chromedp.Flag("remote-debugging-port", "0"),
	)
}

// startBrowser starts a headless Chromium with a fresh profile in dir and
// returns a context holding it; cancel stops it.
func startBrowser(chrome, dir string) (context.Context, func(), error) {
	actx, acancel := chromedp.NewExecAllocator(context.Background(), browserOptions(chrome, dir)...)
	ctx, cancel := chromedp.NewContext(actx)
	if err := chromedp.Do(ctx); err != nil { // starts the browser, with no deadline
		cancel()
		acancel()
		return nil, nil, fmt.Errorf("starting %s: %w", chrome, err)
	}
	return ctx, func() { cancel(); acancel() }, nil
}

// debuggingPort reads the port Chromium listens on from its profile.
func debuggingPort(userDataDir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(userDataDir, "DevToolsActivePort"))
	if err != nil {
		return "", fmt.Errorf("chromium's debugging port: %w", err)
	}
	port, _, _ := strings.Cut(string(b), "\n")
	return strings.TrimSpace(port), nil
}

// browser returns the shared browser, starting it on first use, or skips
// (fails in CI) when the browser or the page's files are missing.
func browser(tb testing.TB) context.Context {
	tb.Helper()
	chrome, err := chromePath()
	if err != nil {
		need(tb, "browser tests need Chromium: "+err.Error())
	}
	checkSite(tb, repoRoot(tb))
	shared.once.Do(func() {
		shared.dir, shared.err = os.MkdirTemp("", "inkling-chromium-")
		if shared.err == nil {
			shared.ctx, shared.cancel, shared.err = startBrowser(chrome, shared.dir)
		}
		if shared.err == nil {
			shared.port, shared.err = debuggingPort(shared.dir)
		}
	})
	if shared.err != nil {
		tb.Fatal(shared.err)
	}
	return shared.ctx
}

// serve starts the project's server on a free loopback port, with wrap (if
// not nil) around it, and returns its origin.
func serve(tb testing.TB, wrap func(http.Handler) http.Handler) string {
	tb.Helper()
	h, err := site.New(repoRoot(tb))
	if err != nil {
		tb.Fatal(err)
	}
	if wrap != nil {
		h = wrap(h)
	}
	srv := httptest.NewServer(h) // 127.0.0.1, a free port
	tb.Cleanup(srv.Close)
	return srv.URL
}

// A viewport is a device to emulate.
type viewport struct {
	name          string
	width, height int64
	scale         float64
	mobile        bool // mobile emulation with touch input
}

var (
	desktop = viewport{name: "desktop", width: 1280, height: 800, scale: 1}
	phone   = viewport{name: "phone", width: 360, height: 740, scale: 3, mobile: true}
)

// instrument runs in every document before the page's scripts. It records
// Content-Security-Policy violations and when html[data-ready] became
// "true" (__readyAt, from navigation start); keeps a reference to the Go instance
// that wasm_exec.js makes (the page keeps its own in a closure), so that
// tests can read the WebAssembly memory's size; and notes the canvases the
// page makes, so that tests can find its hidden ink canvas (the pixels
// predict reads). It changes nothing the page does.
const instrument = `(() => {
  globalThis.__inklingCanvases = [];
  const createElement = Document.prototype.createElement;
  Document.prototype.createElement = function (name, ...rest) {
    const el = createElement.call(this, name, ...rest);
    if (String(name).toLowerCase() === 'canvas') __inklingCanvases.push(el);
    return el;
  };
  new MutationObserver(() => {
    if (globalThis.__readyAt === undefined && document.documentElement.dataset.ready === 'true') globalThis.__readyAt = performance.now();
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-ready'] });
  globalThis.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    __cspViolations.push(e.violatedDirective + ' blocked ' + (e.blockedURI || '(inline)') + ' at ' + e.sourceFile + ':' + e.lineNumber);
  });
  let Go;
  Object.defineProperty(globalThis, 'Go', {
    configurable: true,
    get() { return Go; },
    set(cls) {
      Go = cls;
      const run = cls.prototype.run;
      cls.prototype.run = function (instance) { globalThis.__inklingGo = this; return run.call(this, instance); };
    },
  });
})();`

// A tab is one page in its own browser context (its own cache, storage and
// service workers), with a record of its console errors, uncaught
// exceptions and requests.
type tab struct {
	tb  testing.TB
	ctx context.Context
	vp  viewport
	in  *inputConn // made by draw on first use
	url string     // the page last opened

	cancel context.CancelFunc

	mu       sync.Mutex
	requests []string // every URL the page asked for
	errors   []string // console errors, exceptions, browser log errors
}

// newTab opens a tab with the viewport; it closes when the test ends.
func newTab(tb testing.TB, vp viewport) *tab {
	tb.Helper()
	p := &tab{tb: tb, vp: vp}
	ctx, cancel := chromedp.NewContext(browser(tb), chromedp.WithNewBrowserContext(), chromedp.WithListener(p.listen))
	tb.Cleanup(p.close)
	p.ctx, p.cancel = ctx, cancel
	opts := []chromedp.EmulateViewportOption{chromedp.EmulateScale(vp.scale)}
	if vp.mobile {
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	p.do(chromedp.EmulateViewport(vp.width, vp.height, opts...),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: instrument})
			return err
		}))
	return p
}

// close closes the tab and its browser context.
func (p *tab) close() {
	if p.in != nil {
		p.in.conn.Close()
		p.in = nil
	}
	p.cancel()
}

// listen records events; it runs in the tab's event loop, so it only
// appends.
func (p *tab) listen(ev any) {
	var rec *[]string
	var s string
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		rec, s = &p.requests, ev.Request.URL
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		s = "exception: " + d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			s += " " + d.Exception.Description
		}
		rec = &p.errors
	case *runtime.EventConsoleAPICalled:
		if ev.Type != runtime.ConsoleAPICalledTypeError && ev.Type != runtime.ConsoleAPICalledTypeAssert {
			return
		}
		var parts []string
		for _, a := range ev.Args {
			if a.Value != nil {
				parts = append(parts, string(a.Value))
			} else {
				parts = append(parts, a.Description)
			}
		}
		rec, s = &p.errors, "console."+string(ev.Type)+": "+strings.Join(parts, " ")
	case *log.EventEntryAdded:
		if ev.Entry.Level != log.EntryLevelError {
			return
		}
		rec, s = &p.errors, "log "+string(ev.Entry.Source)+": "+ev.Entry.Text+" "+ev.Entry.URL
	default:
		return
	}
	p.mu.Lock()
	*rec = append(*rec, s)
	p.mu.Unlock()
}

// recorded returns copies of the requests and errors seen so far.
func (p *tab) recorded() (requests, errors []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.requests...), append([]string(nil), p.errors...)
}

// asked reports whether the page has requested a URL ending in path.
func (p *tab) asked(path string) bool {
	requests, _ := p.recorded()
	return slices.ContainsFunc(requests, func(u string) bool { return strings.HasSuffix(u, path) })
}

// do runs actions in the tab, failing the test on error.
func (p *tab) do(steps ...chromedp.Action[chromedp.Void]) {
	p.tb.Helper()
	if err := chromedp.Do(p.ctx, steps...); err != nil {
		p.tb.Fatal(err)
	}
}

// call runs f with the tab's context, failing the test on error.
func (p *tab) call(f func(ctx context.Context) error) {
	p.tb.Helper()
	if err := f(p.ctx); err != nil {
		p.tb.Fatal(err)
	}
}

// eval evaluates a JavaScript expression in the tab (awaiting a promise) and
// decodes its value.
func eval[T any](p *tab, expr string) T {
	p.tb.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		p.tb.Fatalf("evaluating %.200s: %v", expr, err)
	}
	return v
}

// open navigates to the page and waits until it is ready or has failed, and
// returns html[data-ready].
func (p *tab) open(pageURL string) string {
	p.tb.Helper()
	p.url = pageURL
	p.do(chromedp.Navigate(pageURL))
	state, err := chromedp.Run(p.ctx, chromedp.Poll[string](
		`document.documentElement.dataset.ready !== 'loading' && document.documentElement.dataset.ready`,
		chromedp.WithPollingInterval(5*time.Millisecond), chromedp.WithPollingTimeout(60*time.Second)))
	if err != nil {
		status := eval[string](p, `document.getElementById('status').textContent`)
		p.tb.Fatalf("%s: page not ready (status %q): %v", pageURL, status, err)
	}
	return state
}

// openReady opens the page and fails the test unless it becomes ready.
func (p *tab) openReady(pageURL string) {
	p.tb.Helper()
	if state := p.open(pageURL); state != "true" {
		status := eval[string](p, `document.getElementById('status').textContent`)
		_, errs := p.recorded()
		p.tb.Fatalf("%s: data-ready=%q, status %q, errors %q", pageURL, state, status, errs)
	}
}

// readyTab opens a tab with the viewport on the page and fails the test
// unless the page becomes ready.
func readyTab(tb testing.TB, vp viewport, pageURL string) *tab {
	tb.Helper()
	p := newTab(tb, vp)
	p.openReady(pageURL)
	return p
}

// origin returns the origin of the page last opened.
func (p *tab) origin() string {
	u, err := url.Parse(p.url)
	if err != nil {
		p.tb.Fatal(err)
	}
	return u.Scheme + "://" + u.Host
}

// A padRect is the drawing pad's box in CSS pixels of the viewport.
type padRect struct{ X, Y, W, H float64 }

// pad returns the pad's box, scrolled into view.
func (p *tab) pad() padRect {
	p.tb.Helper()
	return eval[padRect](p, `(() => {
  const pad = document.getElementById('pad');
  const r = pad.getBoundingClientRect();
  if (r.top < 0 || r.bottom > innerHeight) { pad.scrollIntoView({block: 'center'}); }
  const s = pad.getBoundingClientRect();
  // the content box: inside the border, where pointer positions map to the drawing
  const cs = getComputedStyle(pad);
  const bl = parseFloat(cs.borderLeftWidth), bt = parseFloat(cs.borderTopWidth);
  return {X: s.left + bl, Y: s.top + bt, W: pad.clientWidth, H: pad.clientHeight};
})()`)
}

// answer is what #prediction shows.
type answer struct {
	Digit string `json:"digit"` // data-digit: "" when empty or unsure
	Probs string `json:"probs"` // data-probs
	State string `json:"state"` // data-state: empty, unsure or sure
}

// answerJS is JavaScript for what #prediction shows, as an answer.
const answerJS = `(() => { const d = document.getElementById('prediction').dataset; return {digit: d.digit, probs: d.probs, state: d.state}; })()`

func (p *tab) answer() answer {
	p.tb.Helper()
	return eval[answer](p, answerJS)
}

// pollAnswer waits up to timeout for an answer a for which the JavaScript
// condition cond holds, and returns it.
func (p *tab) pollAnswer(cond string, timeout time.Duration) (answer, error) {
	return chromedp.Run(p.ctx, chromedp.Poll[answer](`(() => { const a = `+answerJS+`; return (`+cond+`) && a; })()`,
		chromedp.WithPollingTimeout(timeout)))
}

// sameOrigin reports whether a request URL is on origin (or is data:/blob:,
// which fetch nothing from anywhere).
func sameOrigin(raw, origin string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	switch u.Scheme {
	case "data", "blob":
		return true
	}
	return u.Scheme+"://"+u.Host == origin
}
