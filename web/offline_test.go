//go:build !js

package web

import (
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
)

// TestOffline loads the page once, then cuts the server off (every request
// is dropped, as with no network) and opens the page again: the service
// worker's copies must bring it to ready, and a drawn digit must be read.
func TestOffline(t *testing.T) {
	t.Parallel()
	var offline atomic.Bool
	var dropped atomic.Int64
	url := serve(t, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if offline.Load() {
				dropped.Add(1)
				panic(http.ErrAbortHandler) // drop the connection
			}
			h.ServeHTTP(w, r)
		})
	}) + "/"
	p := readyTab(t, desktop, url)
	// The worker installs (keeping every file the page needs) before it
	// activates and takes control of the page.
	if !eval[bool](p, waitControlledJS) {
		t.Fatal("no service worker took control of the page within 20 s")
	}

	offline.Store(true)
	if state := p.open(url); state != "true" {
		status := eval[string](p, `document.getElementById('status').textContent`)
		t.Fatalf("offline, the page is not ready: data-ready=%q, status %q", state, status)
	}
	if dropped.Load() == 0 {
		t.Fatal("the page asked the server for nothing: this test did not test offline use")
	}
	p.drawDigit(4)
	if a := p.answer(); a.Digit != "4" {
		t.Errorf("offline, a held-out 4 reads %+v", a)
	}
	t.Logf("offline: ready from the service worker's copies; %d requests to the server were dropped", dropped.Load())
}

// TestServiceWorkerCache checks what the service worker keeps: the app shell
// at install, the on-demand files (the tutorial's weights, the test digits)
// only once used, and, after a new deploy (a sw.js with another VERSION), a
// fresh cache with the old one gone, on-demand files included.
func TestServiceWorkerCache(t *testing.T) {
	t.Parallel()
	var offline, deployed atomic.Bool
	url := serve(t, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if offline.Load() {
				panic(http.ErrAbortHandler)
			}
			if r.URL.Path == "/sw.js" && deployed.Load() {
				b, err := os.ReadFile(filepath.Join(repoRoot(t), "sw.js"))
				if err != nil {
					http.Error(w, err.Error(), http.StatusInternalServerError)
					return
				}
				b = versionRE.ReplaceAll(b, []byte("const VERSION = 'inkling-next-deploy';"))
				w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
				w.Header().Set("Cache-Control", "no-cache")
				w.Write(b)
				return
			}
			h.ServeHTTP(w, r)
		})
	}) + "/"
	p := readyTab(t, desktop, url)
	if !eval[bool](p, waitControlledJS) {
		t.Fatal("no service worker took control of the page within 20 s")
	}
	kept := func() cacheState { return eval[cacheState](p, cacheStateJS) }
	first := kept()
	if len(first.Names) != 1 {
		t.Fatalf("caches %q, want one inkling- cache", first.Names)
	}
	for _, f := range []string{"/index.html", "/web/app.js", "/web/engine.js", "/web/pad.js", "/web/inkling.wasm", "/weights/model.bin"} {
		if !slices.Contains(first.Paths, f) {
			t.Errorf("%s is not kept after the first visit (kept: %q)", f, first.Paths)
		}
	}
	// Every file the first visit asked for (the page itself as
	// /index.html): a module left out of sw.js's FILES stops the page
	// offline, unless the browser's HTTP cache happens to have it.
	origin := strings.TrimSuffix(url, "/")
	requests, _ := p.recorded()
	for _, u := range requests {
		path, ok := strings.CutPrefix(u, origin)
		if !ok || path == "/sw.js" {
			continue
		}
		path, _, _ = strings.Cut(path, "?")
		if path == "/" {
			path = "/index.html"
		}
		if !slices.Contains(first.Paths, path) {
			t.Errorf("the first visit asked for %s, which is not kept (sw.js's FILES)", path)
		}
	}
	for _, f := range []string{"/weights/tutorial.bin", "/web/digits.bin"} {
		if slices.Contains(first.Paths, f) {
			t.Errorf("%s is kept before it was used: it would be part of every first visit", f)
		}
	}

	// Used once, the tutorial's weights are kept and work offline.
	size := eval[int](p, `fetch('weights/tutorial.bin').then((r) => r.arrayBuffer()).then((b) => b.byteLength)`)
	if size < 1000 {
		t.Fatalf("weights/tutorial.bin: %d bytes", size)
	}
	if now := kept(); !slices.Contains(now.Paths, "/weights/tutorial.bin") {
		t.Errorf("weights/tutorial.bin is not kept after it was used (kept: %q)", now.Paths)
	}
	offline.Store(true)
	if got := eval[int](p, `fetch('weights/tutorial.bin').then((r) => r.arrayBuffer()).then((b) => b.byteLength)`); got != size {
		t.Errorf("offline, weights/tutorial.bin gives %d bytes, want %d", got, size)
	}
	offline.Store(false)

	// A new deploy: the new worker fills a new cache and drops the old.
	deployed.Store(true)
	next := eval[cacheState](p, `(async () => {
  await (await navigator.serviceWorker.getRegistration()).update();
  const deadline = performance.now() + 20000;
  // Only the names while waiting: caches.open of a name the new worker is
  // deleting would make that cache again, empty (and fail the test).
  for (;;) {
    const names = (await caches.keys()).filter((n) => n.startsWith('inkling-'));
    if ((names.length === 1 && names[0] === 'inkling-next-deploy') || performance.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return await (`+cacheStateJS+`);
})()`)
	if len(next.Names) != 1 || next.Names[0] != "inkling-next-deploy" {
		t.Fatalf("after a deploy with a new VERSION, caches %q, want only inkling-next-deploy", next.Names)
	}
	for _, f := range first.Paths {
		if !slices.Contains(next.Paths, f) {
			t.Errorf("after the deploy, %s is not kept", f)
		}
	}
	if slices.Contains(next.Paths, "/weights/tutorial.bin") {
		t.Error("after the deploy, the old weights/tutorial.bin is still kept")
	}
}

// versionRE finds sw.js's VERSION.
var versionRE = regexp.MustCompile(`const VERSION = '[^']*';`)

// waitControlledJS waits up to 20 s for a service worker to control the page.
const waitControlledJS = `new Promise((done) => {
  const deadline = performance.now() + 20000;
  const wait = () => navigator.serviceWorker.controller ? done(true)
    : performance.now() > deadline ? done(false) : setTimeout(wait, 20);
  wait();
})`

// A cacheState is the page's caches: their names, and the paths the first
// inkling- cache keeps.
type cacheState struct {
	Names []string
	Paths []string
}

const cacheStateJS = `(async () => {
  const names = (await caches.keys()).filter((n) => n.startsWith('inkling-'));
  const paths = names.length ? (await (await caches.open(names[0])).keys()).map((r) => new URL(r.url).pathname) : [];
  return {Names: names, Paths: paths};
})()`
