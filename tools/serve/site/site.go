// Package site serves inkling's static page — index.html, sw.js, web/** and
// the model files weights/*.bin, and nothing else — the way a careful static
// host would: exact MIME types, gzip when the client takes it, nosniff, the
// page's Content-Security-Policy, and caching that lets updates show up.
//
// Only an allowlist is served: "/" and "/index.html" (the page), files under
// "/web/" whose extension has a known type and whose path has no dot-file
// element, "/sw.js", and "/weights/NAME.bin" (the shipped and the tutorial's
// weights; not the trainer's checkpoints, weights/*.ckpt, nor anything in a
// subfolder or a dot file). Everything else, including any path that
// is not a clean slash-separated name (fs.ValidPath: no "..", ".", empty
// elements or backslashes), is 404. Reads go through an fs.FS; give it one
// from os.Root (see New) so that symbolic links cannot lead out of the tree.
//
// The handler is what `go run ./tools/serve` runs, and what browser tests
// start in-process with httptest.NewServer(site.Handler(fsys)).
package site

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log"
	"net/http"
	"os"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
)

// CSP is the Content-Security-Policy of the page. index.html carries the same
// policy in a <meta> element, so the page is just as strict on any static host.
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " +
	"img-src 'self' data:; connect-src 'self'; worker-src 'self'; manifest-src 'self'; " +
	"base-uri 'none'; form-action 'none'; object-src 'none'"

// types maps the extensions the page uses to their Content-Type. A file under
// web/ with any other extension is not served.
var types = map[string]string{
	".html":        "text/html; charset=utf-8",
	".js":          "text/javascript; charset=utf-8",
	".mjs":         "text/javascript; charset=utf-8",
	".css":         "text/css; charset=utf-8",
	".json":        "application/json",
	".webmanifest": "application/manifest+json",
	".wasm":        "application/wasm",
	".bin":         "application/octet-stream",
	".svg":         "image/svg+xml",
	".png":         "image/png",
	".ico":         "image/x-icon",
	".txt":         "text/plain; charset=utf-8",
}

// incompressible lists the types that are compressed already.
var incompressible = map[string]bool{".png": true}

// Allowed reports whether name, a path relative to the site root as accepted
// by fs.ValidPath, is one of the files the site serves.
func Allowed(name string) bool {
	if !fs.ValidPath(name) || strings.ContainsAny(name, "\\\x00") {
		return false
	}
	switch {
	case name == "index.html", name == "sw.js":
		return true
	case strings.HasPrefix(name, "weights/"):
		file := strings.TrimPrefix(name, "weights/")
		return path.Ext(file) == ".bin" && !strings.Contains(file, "/") && !strings.HasPrefix(file, ".")
	case strings.HasPrefix(name, "web/"):
		for _, elem := range strings.Split(name, "/") {
			if strings.HasPrefix(elem, ".") {
				return false
			}
		}
		_, ok := types[path.Ext(name)]
		return ok
	}
	return false
}

// resolve maps a decoded URL path to the name of an allowed file.
func resolve(urlPath string) (string, bool) {
	if urlPath == "/" {
		return "index.html", true
	}
	name, ok := strings.CutPrefix(urlPath, "/")
	if !ok || !Allowed(name) {
		return "", false
	}
	return name, true
}

// cacheControl says how long a browser may reuse a response without asking.
// The page and the service worker are always revalidated so that a new
// version shows up on the next load; the rest is cached briefly (every
// response carries an ETag, so a revalidation costs a 304, not a download).
func cacheControl(name string) string {
	if name == "index.html" || name == "sw.js" {
		return "no-cache"
	}
	return "max-age=60"
}

// New serves the site rooted at dir through an os.Root, so that nothing
// outside dir can be reached, not even by a symbolic link.
func New(dir string) (http.Handler, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return Handler(root.FS()), nil
}

// Handler serves the allowlisted files of fsys. Files are read when first
// asked for and again whenever their size or modification time changes, so a
// rebuilt web/inkling.wasm is served without restarting.
func Handler(fsys fs.FS) http.Handler {
	return &handler{fsys: fsys, files: make(map[string]*file)}
}

type handler struct {
	fsys  fs.FS
	mu    sync.Mutex
	files map[string]*file
}

// file is one file's content as last read, with its ETag and, made on first
// demand, its gzip encoding.
type file struct {
	mod  time.Time
	size int64
	raw  []byte
	etag string

	gzOnce sync.Once
	gz     []byte
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Content-Security-Policy", CSP)
	hdr.Set("Referrer-Policy", "no-referrer")

	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		hdr.Set("Allow", "GET, HEAD")
		http.Error(w, "405 method not allowed", http.StatusMethodNotAllowed)
		return
	}
	name, ok := resolve(r.URL.Path)
	if !ok {
		http.NotFound(w, r)
		return
	}
	f, err := h.load(name)
	if errors.Is(err, fs.ErrNotExist) {
		http.NotFound(w, r)
		return
	}
	if err != nil {
		log.Printf("site: %s: %v", name, err)
		http.Error(w, "500 cannot read "+name, http.StatusInternalServerError)
		return
	}

	ext := path.Ext(name)
	hdr.Set("Content-Type", types[ext])
	hdr.Set("Cache-Control", cacheControl(name))
	body, etag := f.raw, f.etag
	if !incompressible[ext] {
		hdr.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r.Header.Get("Accept-Encoding")) {
			if gz := f.gzipped(); len(gz) < len(f.raw) {
				body, etag = gz, strings.TrimSuffix(f.etag, `"`)+`-gzip"`
				hdr.Set("Content-Encoding", "gzip")
			}
		}
	}
	hdr.Set("ETag", etag)
	http.ServeContent(w, r, name, f.mod, bytes.NewReader(body))
}

// load returns the current content of the named file, reading it again only
// when its size or modification time has changed.
func (h *handler) load(name string) (*file, error) {
	info, err := fs.Stat(h.fsys, name)
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fs.ErrNotExist
	}
	h.mu.Lock()
	f := h.files[name]
	h.mu.Unlock()
	if f != nil && f.size == info.Size() && f.mod.Equal(info.ModTime()) {
		return f, nil
	}
	raw, err := fs.ReadFile(h.fsys, name)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(raw)
	f = &file{
		mod:  info.ModTime(),
		size: info.Size(),
		raw:  raw,
		etag: `"` + hex.EncodeToString(sum[:12]) + `"`,
	}
	h.mu.Lock()
	h.files[name] = f
	h.mu.Unlock()
	return f, nil
}

// gzipped returns the gzip encoding of the file, made once.
func (f *file) gzipped() []byte {
	f.gzOnce.Do(func() {
		var buf bytes.Buffer
		zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		if err != nil {
			panic("site: " + err.Error()) // only for a bad level
		}
		zw.Write(f.raw) // writes to a bytes.Buffer do not fail
		zw.Close()
		f.gz = buf.Bytes()
	})
	return f.gz
}

// acceptsGzip reports whether an Accept-Encoding header value admits gzip:
// "gzip" or "*" listed with a q-value above zero (RFC 9110, section 12.5.3).
func acceptsGzip(header string) bool {
	star := false
	for _, item := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(item, ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		if coding != "gzip" && coding != "x-gzip" && coding != "*" {
			continue
		}
		ok := qualityAboveZero(params)
		if coding == "*" {
			star = ok
			continue
		}
		return ok
	}
	return star
}

// qualityAboveZero reads the q parameter of one Accept-Encoding item; a
// missing or unreadable q counts as 1.
func qualityAboveZero(params string) bool {
	for _, p := range strings.Split(params, ";") {
		k, v, _ := strings.Cut(p, "=")
		if strings.TrimSpace(strings.ToLower(k)) != "q" {
			continue
		}
		q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		return err != nil || q > 0
	}
	return true
}

// A Need is a file the page needs in order to work, with what to do when it
// is missing.
type Need struct {
	Name string
	Hint string
}

// Needs lists the files without which the page cannot recognise anything.
var Needs = []Need{
	{"index.html", "run from the repository root or pass -dir"},
	{"web/app.js", "run from the repository root or pass -dir"},
	{"web/inkling.wasm", "run `make serve`, which builds it"},
	{"web/wasm_exec.js", "run `make serve`, which copies it from $(go env GOROOT)/lib/wasm"},
	{"weights/model.bin", "train the model with `go run ./tools/train`; until then the page says it cannot load the weights"},
}

// Missing returns one message for each needed file that fsys does not have.
func Missing(fsys fs.FS) []string {
	var msgs []string
	for _, n := range Needs {
		if _, err := fs.Stat(fsys, n.Name); err != nil {
			msgs = append(msgs, fmt.Sprintf("%s not found: %s", n.Name, n.Hint))
		}
	}
	return msgs
}
