//go:build !js

package web

import (
	"net/http"
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
	controlled := eval[bool](p, `new Promise((done) => {
  const deadline = performance.now() + 20000;
  const wait = () => navigator.serviceWorker.controller ? done(true)
    : performance.now() > deadline ? done(false) : setTimeout(wait, 20);
  wait();
})`)
	if !controlled {
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
