package site

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// testFS is a small site with the page's files and things that must never be
// served next to them.
func testFS() fstest.MapFS {
	big := func(s string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte(strings.Repeat(s, 400)), ModTime: time.Unix(1700000000, 0)}
	}
	return fstest.MapFS{
		"index.html":                big("<!doctype html><p>inkling</p>\n"),
		"web/app.js":                big("console.log('inkling');\n"),
		"web/style.css":             big("body { margin: 0 }\n"),
		"sw.js":                     big("self.addEventListener('fetch', () => {});\n"),
		"web/inkling.wasm":          big("\x00asm\x01\x00\x00\x00"),
		"web/manifest.webmanifest":  big(" "),
		"web/icon.svg":              big("<svg/>"),
		"web/shot.png":              big("\x89PNG"),
		"web/EMBED.md":              big("# embed\n"),
		"web/.hidden.js":            big("secret"),
		"web/sub/thing.js":          big("x"),
		"weights/model.bin":         big("INKL"),
		"weights/tutorial.bin":      big("INKL"),
		"weights/model.ckpt":        big("checkpoint"),
		"weights/.hidden.bin":       big("nope"),
		"weights/sub/x.bin":         big("nope"),
		"web/digits.bin":            big("digits"),
		"web/examples/blog.html":    big("<p>post</p>"),
		"go.mod":                    big("module inkling\n"),
		"wasm/main.go":              big("package main\n"),
		".git/config":               big("[core]\n"),
		"tools/serve/main.go":       big("package main\n"),
		"web/dir-only/placeholder.": big("x"),
	}
}

func get(t *testing.T, h http.Handler, method, target string, header map[string]string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(method, "http://127.0.0.1"+target, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func TestContentTypes(t *testing.T) {
	t.Parallel()
	h := Handler(testFS())
	for i, tc := range []struct{ path, want string }{
		{"/", "text/html; charset=utf-8"},
		{"/index.html", "text/html; charset=utf-8"},
		{"/web/app.js", "text/javascript; charset=utf-8"},
		{"/web/style.css", "text/css; charset=utf-8"},
		{"/web/inkling.wasm", "application/wasm"},
		{"/weights/model.bin", "application/octet-stream"},
		{"/weights/tutorial.bin", "application/octet-stream"},
		{"/web/digits.bin", "application/octet-stream"},
		{"/web/examples/blog.html", "text/html; charset=utf-8"},
		{"/web/manifest.webmanifest", "application/manifest+json"},
		{"/web/icon.svg", "image/svg+xml"},
		{"/web/shot.png", "image/png"},
		{"/web/sub/thing.js", "text/javascript; charset=utf-8"},
	} {
		res := get(t, h, "GET", tc.path, nil)
		if res.StatusCode != 200 {
			t.Errorf("%d: GET %s: status %d, want 200", i, tc.path, res.StatusCode)
			continue
		}
		if got := res.Header.Get("Content-Type"); got != tc.want {
			t.Errorf("%d: GET %s: Content-Type %q, want %q", i, tc.path, got, tc.want)
		}
	}
}

func TestIndexAtRoot(t *testing.T) {
	t.Parallel()
	fsys := testFS()
	res := get(t, Handler(fsys), "GET", "/?embed", nil)
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || !bytes.Equal(body, fsys["index.html"].Data) {
		t.Fatalf("GET /?embed: status %d, %d bytes; want 200 with index.html", res.StatusCode, len(body))
	}
	if got := res.Header.Get("Cache-Control"); got != "no-cache" {
		t.Errorf("GET /: Cache-Control %q, want no-cache", got)
	}
}

func TestNotFound(t *testing.T) {
	t.Parallel()
	h := Handler(testFS())
	for i, target := range []string{
		"/go.mod",
		"/wasm/main.go",
		"/tools/serve/main.go",
		"/.git/config",
		"/web/EMBED.md",          // not a type the page uses
		"/web/.hidden.js",        // dot files
		"/web/",                  // no listings
		"/web",                   // a folder
		"/weights/model.ckpt",    // the trainer's checkpoint: only .bin
		"/weights/.hidden.bin",   // dot files
		"/weights/sub/x.bin",     // no subfolders
		"/weights/",              // no listings
		"/web/missing.js",        // allowed, but not there
		"/web/dir-only",          // a folder
		"/../go.mod",             // traversal, plain
		"/web/../go.mod",         // traversal inside the tree
		"/web/../../etc/passwd",  // traversal out of the tree
		"/web/%2e%2e/go.mod",     // encoded dots
		"/web/%2E%2E/%2E%2E/etc", // upper case
		"/web%2f..%2fgo.mod",     // encoded slashes
		"/web/..%5cgo.mod",       // encoded backslash
		"/web\\..\\go.mod",       // backslashes
		"/./index.html",          // not a clean name
		"//index.html",           // empty element
		"/index.html/",           // trailing slash
		"/web/app.js%00.png",     // NUL
		"/INDEX.HTML",            // names are exact
	} {
		res := get(t, h, "GET", target, nil)
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("%d: GET %s: status %d, want 404", i, target, res.StatusCode)
		}
		if got := res.Header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%d: GET %s: X-Content-Type-Options %q, want nosniff", i, target, got)
		}
	}
}

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	h := Handler(testFS())
	for i, target := range []string{"/", "/web/app.js", "/web/inkling.wasm", "/weights/model.bin", "/nope"} {
		res := get(t, h, "GET", target, nil)
		if got := res.Header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%d: %s: X-Content-Type-Options %q, want nosniff", i, target, got)
		}
		if got := res.Header.Get("Content-Security-Policy"); got != CSP {
			t.Errorf("%d: %s: Content-Security-Policy %q, want %q", i, target, got, CSP)
		}
	}
}

// The header and the page's <meta> must say the same thing.
func TestCSPMatchesIndex(t *testing.T) {
	t.Parallel()
	page, err := os.ReadFile(filepath.Join("..", "..", "..", "index.html"))
	if err != nil {
		t.Skip("no index.html:", err)
	}
	if !bytes.Contains(page, []byte(`content="`+CSP+`"`)) {
		t.Errorf("index.html does not carry the Content-Security-Policy %q", CSP)
	}
}

func TestCacheControl(t *testing.T) {
	t.Parallel()
	h := Handler(testFS())
	for i, tc := range []struct{ path, want string }{
		{"/", "no-cache"},
		{"/index.html", "no-cache"},
		{"/sw.js", "no-cache"},
		{"/web/app.js", "max-age=60"},
		{"/web/inkling.wasm", "max-age=60"},
		{"/weights/model.bin", "max-age=60"},
	} {
		res := get(t, h, "GET", tc.path, nil)
		if got := res.Header.Get("Cache-Control"); got != tc.want {
			t.Errorf("%d: %s: Cache-Control %q, want %q", i, tc.path, got, tc.want)
		}
	}
}

func TestGzip(t *testing.T) {
	t.Parallel()
	fsys := testFS()
	h := Handler(fsys)
	for i, tc := range []struct {
		path, accept string
		gzipped      bool
	}{
		{"/web/inkling.wasm", "gzip, deflate, br", true},
		{"/web/app.js", "gzip", true},
		{"/weights/model.bin", "br;q=1.0, gzip;q=0.8", true},
		{"/", "*", true},
		{"/web/style.css", "GZIP", true},
		{"/web/app.js", "", false},
		{"/web/app.js", "br", false},
		{"/web/app.js", "gzip;q=0", false},
		{"/web/app.js", "*;q=0.5, gzip;q=0", false},
		{"/web/shot.png", "gzip", false}, // compressed already
	} {
		res := get(t, h, "GET", tc.path, map[string]string{"Accept-Encoding": tc.accept})
		body, _ := io.ReadAll(res.Body)
		want := fsys[strings.TrimPrefix(tc.path, "/")]
		if tc.path == "/" {
			want = fsys["index.html"]
		}
		if got := res.Header.Get("Content-Encoding") == "gzip"; got != tc.gzipped {
			t.Errorf("%d: %s with Accept-Encoding %q: gzipped %v, want %v", i, tc.path, tc.accept, got, tc.gzipped)
			continue
		}
		if tc.gzipped {
			zr, err := gzip.NewReader(bytes.NewReader(body))
			if err != nil {
				t.Errorf("%d: %s: %v", i, tc.path, err)
				continue
			}
			if body, err = io.ReadAll(zr); err != nil {
				t.Errorf("%d: %s: %v", i, tc.path, err)
				continue
			}
		}
		if !bytes.Equal(body, want.Data) {
			t.Errorf("%d: %s: body differs from the file", i, tc.path)
		}
		if vary := res.Header.Get("Vary"); vary != "Accept-Encoding" && tc.path != "/web/shot.png" {
			t.Errorf("%d: %s: Vary %q, want Accept-Encoding", i, tc.path, vary)
		}
	}
}

func TestHead(t *testing.T) {
	t.Parallel()
	fsys := testFS()
	res := get(t, Handler(fsys), "HEAD", "/web/inkling.wasm", nil)
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || len(body) != 0 {
		t.Fatalf("HEAD: status %d with %d bytes of body, want 200 and none", res.StatusCode, len(body))
	}
	if got, want := res.Header.Get("Content-Length"), len(fsys["web/inkling.wasm"].Data); got != strconv.Itoa(want) {
		t.Errorf("HEAD: Content-Length %s, want %d", got, want)
	}
	if got := res.Header.Get("Content-Type"); got != "application/wasm" {
		t.Errorf("HEAD: Content-Type %q", got)
	}
}

func TestMethods(t *testing.T) {
	t.Parallel()
	h := Handler(testFS())
	for i, m := range []string{"POST", "PUT", "DELETE", "OPTIONS"} {
		res := get(t, h, m, "/", nil)
		if res.StatusCode != http.StatusMethodNotAllowed || res.Header.Get("Allow") != "GET, HEAD" {
			t.Errorf("%d: %s /: status %d, Allow %q; want 405 and GET, HEAD", i, m, res.StatusCode, res.Header.Get("Allow"))
		}
	}
}

func TestETagRevalidation(t *testing.T) {
	t.Parallel()
	h := Handler(testFS())
	for i, accept := range []string{"", "gzip"} {
		first := get(t, h, "GET", "/web/app.js", map[string]string{"Accept-Encoding": accept})
		etag := first.Header.Get("ETag")
		if etag == "" {
			t.Fatalf("%d: no ETag", i)
		}
		again := get(t, h, "GET", "/web/app.js", map[string]string{"Accept-Encoding": accept, "If-None-Match": etag})
		if again.StatusCode != http.StatusNotModified {
			t.Errorf("%d: If-None-Match %s: status %d, want 304", i, etag, again.StatusCode)
		}
	}
}

// A file that changes on disk is served anew, and its ETag changes.
func TestReloadsChangedFiles(t *testing.T) {
	t.Parallel()
	fsys := testFS()
	h := Handler(fsys)
	before := get(t, h, "GET", "/web/app.js", nil).Header.Get("ETag")
	fsys["web/app.js"] = &fstest.MapFile{Data: []byte("console.log(2)\n"), ModTime: time.Unix(1800000000, 0)}
	res := get(t, h, "GET", "/web/app.js", nil)
	body, _ := io.ReadAll(res.Body)
	if string(body) != "console.log(2)\n" || res.Header.Get("ETag") == before {
		t.Errorf("after a change: body %q, ETag %s (was %s)", body, res.Header.Get("ETag"), before)
	}
}

// Through os.Root, a symbolic link inside the tree cannot reach outside it.
func TestNewRefusesEscapingLinks(t *testing.T) {
	t.Parallel()
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "secret.js"), []byte("secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "web"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "index.html"), []byte("<p>hi"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "secret.js"), filepath.Join(dir, "web", "secret.js")); err != nil {
		t.Skip("no symlinks:", err)
	}
	h, err := New(dir)
	if err != nil {
		t.Fatal(err)
	}
	if res := get(t, h, "GET", "/", nil); res.StatusCode != 200 {
		t.Errorf("GET /: status %d, want 200", res.StatusCode)
	}
	if res := get(t, h, "GET", "/web/secret.js", nil); res.StatusCode == 200 {
		t.Errorf("GET /web/secret.js through a link out of the tree: status 200")
	}
}

func TestMissing(t *testing.T) {
	t.Parallel()
	fsys := testFS()
	delete(fsys, "web/inkling.wasm")
	msgs := Missing(fsys)
	if len(msgs) != 2 || !strings.HasPrefix(msgs[0], "web/inkling.wasm not found: run `make serve`") ||
		!strings.HasPrefix(msgs[1], "web/wasm_exec.js not found") {
		t.Errorf("Missing = %q", msgs)
	}
}

func TestAcceptsGzip(t *testing.T) {
	t.Parallel()
	for i, tc := range []struct {
		header string
		want   bool
	}{
		{"", false},
		{"gzip", true},
		{"x-gzip", true},
		{" gzip ; q=0.001", true},
		{"gzip;q=0", false},
		{"gzip; q=0.000", false},
		{"deflate, br", false},
		{"*", true},
		{"*;q=0", false},
		{"identity, *;q=0.1", true},
		{"gzip;q=0, *", false},
	} {
		if got := acceptsGzip(tc.header); got != tc.want {
			t.Errorf("%d: acceptsGzip(%q) = %v, want %v", i, tc.header, got, tc.want)
		}
	}
}
