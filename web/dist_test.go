//go:build !js

package web

// dist/ (make dist, tools/dist) in Chromium, built into a temporary folder:
// hosted under a sub-path by a plain static file server (no CSP header, no
// special header at all), the single file from file:// with the network
// blocked, and the hosted page offline and across a new deploy.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"inkling/tools/dist/pack"
)

// distPath is where the tests host dist/: a blog's sub-folder.
const distPath = "/blog/inkling/"

// buildDist builds dist/ from the repository into a temporary folder, after
// edit (if not nil) has changed the site's files, and returns the folder and
// the version folder's name.
func buildDist(t *testing.T, edit func(files map[string][]byte)) (string, string) {
	t.Helper()
	files, err := pack.Read(os.DirFS(repoRoot(t)))
	if err != nil {
		need(t, "make dist cannot build: "+err.Error())
	}
	if edit != nil {
		edit(files)
	}
	dist, res, err := pack.Make(files)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "dist")
	if err := pack.Write(out, dist); err != nil {
		t.Fatal(err)
	}
	return out, res.Version
}

// A staticHost serves a dist/ folder at distPath as a static host would,
// with no header beyond the content's type, length and modification time. It
// can be switched to another folder (a new deploy) or cut off (every request
// dropped, as with no network).
//
// With fileServer it is net/http's FileServer, which answers .../index.html
// with a redirect to .../ (as Cloudflare Pages and Netlify do); without, it
// serves index.html under both names, with an ETag, as GitHub Pages does.
type staticHost struct {
	fileServer bool
	origin     string
	dir        atomic.Pointer[string]
	offline    atomic.Bool
	dropped    atomic.Int64
	mu         sync.Mutex
	paths      []string // every path asked for, by the page or its worker
	extra      map[string]string
}

func newStaticHost(t *testing.T, fileServer bool, dir string, extra map[string]string) *staticHost {
	h := &staticHost{fileServer: fileServer, extra: extra}
	h.dir.Store(&dir)
	srv := httptest.NewServer(http.HandlerFunc(h.serve))
	t.Cleanup(srv.Close)
	h.origin = srv.URL
	return h
}

func (h *staticHost) serve(w http.ResponseWriter, r *http.Request) {
	if h.offline.Load() {
		h.dropped.Add(1)
		panic(http.ErrAbortHandler) // drop the connection
	}
	h.mu.Lock()
	h.paths = append(h.paths, r.URL.Path)
	h.mu.Unlock()
	if body, ok := h.extra[r.URL.Path]; ok {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(body))
		return
	}
	if !strings.HasPrefix(r.URL.Path, distPath) {
		http.NotFound(w, r)
		return
	}
	if h.fileServer {
		http.StripPrefix(strings.TrimSuffix(distPath, "/"), http.FileServer(http.Dir(*h.dir.Load()))).ServeHTTP(w, r)
		return
	}
	name := strings.TrimPrefix(r.URL.Path, distPath)
	if name == "" || strings.HasSuffix(name, "/") {
		name += "index.html"
	}
	f, err := http.Dir(*h.dir.Load()).Open("/" + name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil || info.IsDir() {
		http.NotFound(w, r)
		return
	}
	// An ETag from the content, as GitHub Pages sends: the two builds of
	// TestDistUpdate are made within a second, so Last-Modified alone would
	// call the second index.html unmodified.
	data, err := io.ReadAll(f)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	sum := sha256.Sum256(data)
	w.Header().Set("ETag", `"`+hex.EncodeToString(sum[:8])+`"`)
	http.ServeContent(w, r, name, info.ModTime(), bytes.NewReader(data))
}

// outside returns the URLs, of those the tab asked for, that are not in
// dist's folder (data: and blob: URLs fetch nothing and are not counted).
func outside(requests []string, folder string) []string {
	var out []string
	for _, u := range requests {
		if !strings.HasPrefix(u, folder) && !strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "blob:") {
			out = append(out, u)
		}
	}
	return out
}

// waitControlled waits until a service worker controls the page.
func (p *tab) waitControlled() {
	p.tb.Helper()
	controlled := eval[bool](p, `new Promise((done) => {
  const deadline = performance.now() + 20000;
  const wait = () => navigator.serviceWorker.controller ? done(true)
    : performance.now() > deadline ? done(false) : setTimeout(wait, 20);
  wait();
})`)
	if !controlled {
		p.tb.Fatal("no service worker took control of the page within 20 s")
	}
}

// TestDistHosted serves dist/ under a sub-path with a plain file server: the
// page becomes ready with no console error or CSP violation, reads a drawn
// digit, and asks for nothing outside its folder; a blog post elsewhere on
// the site shows an <inkling-pad> from dist/inkling-pad.js, the name that
// stays the same across builds.
func TestDistHosted(t *testing.T) {
	t.Parallel()
	browser(t)
	dir, v := buildDist(t, nil)
	post := `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>a post</title>
<link rel="icon" href="data:,">
<script type="module" src="` + distPath + `inkling-pad.js"></script></head>
<body><p>Draw a digit:</p><inkling-pad id="pad"></inkling-pad></body></html>`
	host := newStaticHost(t, true, dir, map[string]string{"/post.html": post})
	folder := host.origin + distPath

	p := readyTab(t, desktop, folder)
	p.drawDigit(4)
	if a := p.answer(); a.Digit != "4" {
		t.Errorf("a held-out 4 reads %+v", a)
	}
	p.checkClean(host.origin)
	requests, _ := p.recorded()
	if out := outside(requests, folder); len(out) > 0 {
		t.Errorf("requests outside %s: %q", distPath, out)
	}
	var versioned int
	for _, u := range requests {
		if strings.HasPrefix(u, folder+v+"/") {
			versioned++
		}
	}
	if versioned == 0 {
		t.Errorf("no request went into the version folder %s: %q", v, requests)
	}
	// The server's side too, which also sees the service worker's requests.
	p.waitControlled()
	host.mu.Lock()
	for _, path := range host.paths {
		if !strings.HasPrefix(path, distPath) {
			t.Errorf("the server was asked for %s, outside %s", path, distPath)
		}
	}
	host.mu.Unlock()

	// Offline after this one visit. This host answers index.html with a
	// redirect to the folder, and a browser opens no page from a redirected
	// response: the worker must have kept a plain copy.
	host.offline.Store(true)
	before := host.dropped.Load()
	if state := p.open(folder); state != "true" {
		t.Errorf("offline after one visit: data-ready=%q, status %q", state, eval[string](p, `document.getElementById('status').textContent`))
	} else if p.drawDigit(4); p.answer().Digit != "4" {
		t.Errorf("offline after one visit, a held-out 4 reads %+v", p.answer())
	}
	if host.dropped.Load() == before {
		t.Error("the page asked the server for nothing while offline: this did not test offline use")
	}
	host.offline.Store(false)

	t.Run("element", func(t *testing.T) {
		p := newTab(t, desktop)
		p.url = host.origin + "/post.html"
		p.do(chromedp.Navigate(p.url))
		state, err := chromedp.Run(p.ctx, chromedp.Poll[string](
			`(() => { const s = document.getElementById('pad').state; return (s === 'ready' || s === 'error') && s; })()`,
			chromedp.WithPollingTimeout(30*time.Second)))
		if err != nil || state != "ready" {
			_, errs := p.recorded()
			t.Fatalf("<inkling-pad> from %sinkling-pad.js: state %q (%v), errors %q", distPath, state, err, errs)
		}
		requests, errs := p.recorded()
		if len(errs) > 0 {
			t.Errorf("console errors or exceptions: %q", errs)
		}
		if out := outside(requests, folder); len(out) != 1 || out[0] != p.url {
			t.Errorf("requests other than the post and %s: %q", distPath, out)
		}
	})
}

// TestDistSingleFile opens dist/inkling.html from a file:// URL with every
// http(s) request blocked: it becomes ready, reads a drawn digit, breaks no
// part of its Content-Security-Policy, and asks for nothing but itself; with
// ?embed too.
func TestDistSingleFile(t *testing.T) {
	t.Parallel()
	browser(t)
	dir, _ := buildDist(t, nil)
	p := newTab(t, desktop)
	p.call(func(ctx context.Context) error {
		_, err := chromedp.Call(ctx, network.SetBlockedURLs, network.SetBlockedURLsParams{URLPatterns: []*network.BlockPattern{
			{URLPattern: "http://*:*/*", Block: true}, {URLPattern: "https://*:*/*", Block: true},
		}})
		return err
	})
	file := "file://" + filepath.ToSlash(filepath.Join(dir, "inkling.html"))
	p.openReady(file)
	p.drawDigit(4)
	if a := p.answer(); a.Digit != "4" {
		t.Errorf("a held-out 4 reads %+v", a)
	}
	requests, errs := p.recorded()
	if len(errs) > 0 {
		t.Errorf("console errors or exceptions: %q", errs)
	}
	if v := eval[[]string](p, `globalThis.__cspViolations || []`); len(v) > 0 {
		t.Errorf("Content-Security-Policy violations: %q", v)
	}
	if !eval[bool](p, simdJS) {
		t.Error("inkling.html reads digits without its WebAssembly SIMD kernels (see web/engine.js simdImports)")
	}
	for _, u := range requests {
		if u != file && !strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "blob:") {
			t.Errorf("inkling.html asked for %s", u)
		}
	}
	// The iframe form works from the file too.
	p.openReady(file + "?embed")
	if !eval[bool](p, `document.documentElement.classList.contains('embed')`) {
		t.Error("inkling.html?embed does not show the embedded form")
	}
}

// TestDistUpdate hosts one build, visits it, and opens it again with the
// server cut off (the service worker's copies must bring it to ready and read
// a digit); then deploys a second build whose weights differ (the tutorial's
// in place of the shipped ones), and opens the page again: it must run the
// new version folder only, the worker must keep only the new cache, and
// offline again it must read a digit with the new weights.
func TestDistUpdate(t *testing.T) {
	t.Parallel()
	browser(t)
	dirA, vA := buildDist(t, nil)
	dirB, vB := buildDist(t, func(files map[string][]byte) {
		w, ok := files["weights/tutorial.bin"]
		if !ok {
			t.Fatal("weights/tutorial.bin is missing: this test deploys it as the new weights/model.bin (git checkout -- weights/tutorial.bin)")
		}
		files["weights/model.bin"] = w
	})
	if vA == vB {
		t.Fatalf("two builds with different weights have the same version folder %s", vA)
	}
	host := newStaticHost(t, false, dirA, nil)
	folder := host.origin + distPath

	// loaded returns the version folders of every file the page loaded.
	loaded := func(p *tab) []string {
		return eval[[]string](p, `(() => {
  const seen = new Set();
  for (const e of performance.getEntriesByType('resource')) {
    const m = e.name.match(/\/(v-[0-9a-f]+)\//);
    if (m) seen.add(m[1]);
  }
  return [...seen].sort();
})()`)
	}
	// kept returns the worker's caches and the URLs they hold, relative to
	// the folder.
	kept := func(p *tab) map[string][]string {
		return eval[map[string][]string](p, `(async () => {
  const out = {};
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    out[name] = (await cache.keys()).map((r) => r.url.slice(`+"`"+folder+"`"+`.length));
  }
  return out;
})()`)
	}
	offline := func(p *tab, when string) answer {
		t.Helper()
		host.offline.Store(true)
		defer host.offline.Store(false)
		before := host.dropped.Load()
		if state := p.open(folder); state != "true" {
			status := eval[string](p, `document.getElementById('status').textContent`)
			t.Fatalf("%s, offline: data-ready=%q, status %q", when, state, status)
		}
		p.drawDigit(4)
		a := p.answer()
		if a.Digit != "4" {
			t.Errorf("%s, offline: a held-out 4 reads %+v", when, a)
		}
		if host.dropped.Load() == before {
			t.Errorf("%s: the page asked the server for nothing while offline: this did not test offline use", when)
		}
		return a
	}

	p := readyTab(t, desktop, folder)
	p.waitControlled()
	a := offline(p, "after one visit")
	if got := loaded(p); len(got) != 1 || got[0] != vA {
		t.Errorf("the first build's page loaded from the version folders %q, want only %s", got, vA)
	}

	// A new deploy: the server has only the second build.
	host.dir.Store(&dirB)
	p.openReady(folder)
	if got := loaded(p); len(got) != 1 || got[0] != vB {
		t.Errorf("after the deploy, the page loaded from the version folders %q, want only %s", got, vB)
	}
	// Wait on the caches' names alone: kept opens each cache, and opening one
	// the new worker is deleting would make it again, empty.
	deadline := time.Now().Add(20 * time.Second)
	for {
		names := eval[[]string](p, `caches.keys()`)
		if len(names) == 1 && strings.HasSuffix(names[0], strings.TrimPrefix(vB, "v-")) || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	caches := kept(p)
	if len(caches) != 1 || !strings.HasSuffix(firstKey(caches), strings.TrimPrefix(vB, "v-")) {
		t.Fatalf("20 s after the deploy the worker's caches are %v, want only the one for %s", caches, vB)
	}
	for _, u := range caches[firstKey(caches)] {
		if u != "index.html" && !strings.HasPrefix(u, vB+"/") {
			t.Errorf("the new cache holds %s, which is not the new build's", u)
		}
	}
	b := offline(p, "after the deploy")
	if got := loaded(p); len(got) != 1 || got[0] != vB {
		t.Errorf("after the deploy, offline, the page loaded from the version folders %q, want only %s", got, vB)
	}
	if a.Probs == b.Probs {
		t.Errorf("the same 4 gives the same probabilities before and after the deploy (%s): the new weights are not in use", a.Probs)
	}
}

func firstKey(m map[string][]string) string {
	for k := range m {
		return k
	}
	return ""
}
