package pack

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
)

// miniSite is a site shaped like inkling's, small enough to read in a test.
func miniSite() map[string][]byte {
	return map[string][]byte{
		"index.html": []byte(`<!doctype html>
<html><head>
<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'">
<link rel="stylesheet" href="web/style.css">
<link rel="icon" href="web/icon.svg" type="image/svg+xml">
<link rel="manifest" href="web/manifest.webmanifest">
<link rel="preload" href="weights/model.bin" as="fetch" crossorigin>
<script src="web/wasm_exec.js" defer></script>
<script src="./web/app.js" type="module"></script>
</head><body><a href="index.html" target="_blank">open</a> <a href="#x">x</a> <a href="https://example.com/">out</a>
</body></html>
`),
		"sw.js": []byte(`const VERSION = 'inkling-v2';
const SITE = new URL('./', self.location.href);
const FILES = ['index.html', 'web/app.js', 'web/engine.js', 'web/inkling.wasm', 'weights/model.bin'];
const TYPES = ['application/wasm', 'text/html'];
`),
		"web/app.js": []byte(`import { WEIGHTS } from './engine.js';
const SW_URL = new URL('../sw.js', import.meta.url);
const SITE_URL = new URL('../', import.meta.url);
`),
		"web/engine.js": []byte(`const SITE_URL = new URL('../', import.meta.url); // the folder of web/ and weights/
export const WEIGHTS = new URL('weights/model.bin', SITE_URL).href;
async function goClass() { if (!globalThis.Go) await import('./wasm_exec.js'); }
`),
		"web/inkling-pad.js":       []byte("import { WEIGHTS } from './engine.js';\n"),
		"web/style.css":            []byte("body { background: url('icon.svg'); }\n"),
		"web/icon.svg":             []byte("<svg xmlns='http://www.w3.org/2000/svg'/>"),
		"web/manifest.webmanifest": []byte(`{"start_url": "../index.html", "scope": "../", "icons": [{"src": "icon.svg"}]}`),
		"web/wasm_exec.js":         []byte("globalThis.Go = class { /* </script> */ };\n"),
		"web/inkling.wasm":         []byte("\x00asm\x01\x00\x00\x00"),
		"weights/model.bin":        []byte("weights one"),
		"weights/tutorial.bin":     []byte("weights two"),
	}
}

func TestMakeHosted(t *testing.T) {
	dist, res, err := Make(miniSite())
	if err != nil {
		t.Fatal(err)
	}
	v := res.Version
	if !regexp.MustCompile(`^v-[0-9a-f]{12}$`).MatchString(v) {
		t.Fatalf("version %q", v)
	}
	var names []string
	for p := range dist {
		names = append(names, p)
	}
	want := []string{"index.html", "inkling-pad.js", "inkling.html", "sw.js", v + "/web/app.js", v + "/web/engine.js",
		v + "/web/icon.svg", v + "/web/inkling-pad.js", v + "/web/inkling.wasm", v + "/web/manifest.webmanifest",
		v + "/web/style.css", v + "/web/wasm_exec.js", v + "/weights/model.bin", v + "/weights/tutorial.bin"}
	if strings.Join(sortedKeys(dist), " ") != strings.Join(want, " ") {
		t.Errorf("files\n%q, want\n%q", sortedKeys(dist), want)
	}
	for _, c := range []struct{ file, want string }{
		{"index.html", `<link rel="stylesheet" href="` + v + `/web/style.css">`},
		{"index.html", `<script src="` + v + `/web/app.js" type="module">`},
		{"index.html", `<link rel="preload" href="` + v + `/weights/model.bin"`},
		{"index.html", `<a href="index.html" target="_blank">`},
		{"sw.js", `const VERSION = 'inkling-v2-` + strings.TrimPrefix(v, "v-") + `';`},
		{"sw.js", `['index.html', '` + v + `/web/app.js', '` + v + `/web/engine.js', '` + v + `/web/inkling.wasm', '` + v + `/weights/model.bin']`},
		{"sw.js", `['application/wasm', 'text/html']`},
		{"inkling-pad.js", `export * from './` + v + `/web/inkling-pad.js';`},
		// The page's own module names ../sw.js: its ../ is the page's folder.
		{v + "/web/app.js", `new URL('../../sw.js', import.meta.url)`},
		{v + "/web/app.js", `const SITE_URL = new URL('../../', import.meta.url)`},
		// engine.js's ../ is the folder of web/ and weights/, which moved too.
		{v + "/web/engine.js", `const SITE_URL = new URL('../', import.meta.url)`},
		{v + "/web/manifest.webmanifest", `{"start_url": "../../index.html", "scope": "../../", "icons": [{"src": "icon.svg"}]}`},
		{v + "/web/style.css", `url('icon.svg')`},
	} {
		if !strings.Contains(string(dist[c.file]), c.want) {
			t.Errorf("%s lacks %s:\n%s", c.file, c.want, dist[c.file])
		}
	}

	// The same files give the same version; one changed byte, another.
	_, again, _ := Make(miniSite())
	changed := miniSite()
	changed["weights/model.bin"][0] ^= 1
	_, other, err := Make(changed)
	if err != nil {
		t.Fatal(err)
	}
	if again.Version != v || other.Version == v {
		t.Errorf("versions %s, again %s, with other weights %s", v, again.Version, other.Version)
	}
}

func TestMakeSingle(t *testing.T) {
	site := miniSite()
	dist, res, err := Make(site)
	if err != nil {
		t.Fatal(err)
	}
	html := string(dist["inkling.html"])
	csp := regexp.MustCompile(`content="(default-src[^"]*)"`).FindStringSubmatch(html)
	if csp == nil {
		t.Fatalf("no CSP in\n%s", html)
	}
	if want := "default-src 'none'; script-src 'wasm-unsafe-eval' 'sha256-"; !strings.HasPrefix(csp[1], want) {
		t.Errorf("CSP %q, want it to start %q", csp[1], want)
	}
	if strings.Contains(csp[1], "'self'") || strings.Contains(csp[1], "unsafe-inline") {
		t.Errorf("CSP %q", csp[1])
	}
	// Every inline script and style is allowed by its hash, and nothing else.
	tags, err := scanHTML("inkling.html", html)
	if err != nil {
		t.Fatal(err)
	}
	var hashes []string
	data := map[string][]byte{}
	for _, tag := range tags {
		if tag.name != "script" && tag.name != "style" {
			continue
		}
		if typ, _ := tag.attr("type"); typ == "application/octet-stream" {
			name, _ := tag.attr("data-inkling")
			raw, err := base64.StdEncoding.DecodeString(html[tag.contentStart:tag.contentEnd])
			if err != nil {
				t.Fatal(name, err)
			}
			zr, err := gzip.NewReader(bytes.NewReader(raw))
			if err != nil {
				t.Fatal(name, err)
			}
			data[name], _ = io.ReadAll(zr)
			continue
		}
		if _, ok := tag.attr("src"); ok {
			t.Errorf("inkling.html still loads %s", html[tag.start:tag.end])
		}
		hashes = append(hashes, sha256Source(html[tag.contentStart:tag.contentEnd]))
	}
	got := regexp.MustCompile(`'sha256-[^']+'`).FindAllString(csp[1], -1)
	sort.Strings(got)
	sort.Strings(hashes)
	if strings.Join(got, " ") != strings.Join(hashes, " ") {
		t.Errorf("CSP hashes %q, inline elements' %q", got, hashes)
	}
	for _, name := range []string{"web/inkling.wasm", "weights/model.bin", "weights/tutorial.bin"} {
		if !bytes.Equal(data[name], site[name]) {
			t.Errorf("inline %s decodes to %q, want %q", name, data[name], site[name])
		}
	}
	for _, want := range []string{
		`<link rel="icon" href="data:image/svg+xml;base64,`,
		`background: url('data:image/svg+xml;base64,`,
		`<a href="?" target="_blank">open</a>`, // the page itself, without ?embed
		`/* <\/script> */`,
		`const { WEIGHTS } = __inkling_web_engine_js;`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("inkling.html lacks %s:\n%s", want, html)
		}
	}
	for _, gone := range []string{"manifest", "preload", "web/wasm_exec.js\""} {
		if strings.Contains(html, gone) {
			t.Errorf("inkling.html still has %s", gone)
		}
	}
	if got := strings.Join(res.Single.Modules, " "); got != "web/engine.js web/app.js" {
		t.Errorf("modules %s", got)
	}
}

func TestMakeErrors(t *testing.T) {
	for i, c := range []struct {
		edit func(map[string][]byte)
		want string
	}{
		{func(s map[string][]byte) { delete(s, "web/style.css") }, `index.html:4: "web/style.css" names web/style.css, which is not there: restore it`},
		{func(s map[string][]byte) { delete(s, "weights/model.bin") }, "weights/model.bin, which is not there: the weights are committed: git checkout -- weights/model.bin"},
		{func(s map[string][]byte) { s["sw.js"] = []byte("const FILES = [];") }, "sw.js: no `const VERSION = '…';` found"},
		{func(s map[string][]byte) { s["sw.js"] = append(s["sw.js"], "const MORE = ['web/gone.js'];"...) }, `sw.js:5: "web/gone.js" names web/gone.js, which is not there`},
		{func(s map[string][]byte) { s["web/app.js"] = []byte("const u = new URL('../../x', import.meta.url);") }, `web/app.js:1: "../../x" points outside the site`},
		{func(s map[string][]byte) {
			s["web/app.js"] = []byte("const u = new URL('../gone.html', import.meta.url);")
		}, `web/app.js:1: "../gone.html" names gone.html, which the site does not have`},
		{func(s map[string][]byte) {
			s["index.html"] = bytes.Replace(s["index.html"], []byte("<body>"), []byte(`<body><p style="color: red">`), 1)
		}, "index.html:10: <p style=…>: inline style and event attributes would need 'unsafe-inline'"},
		{func(s map[string][]byte) {
			s["index.html"] = bytes.Replace(s["index.html"], []byte("<body>"), []byte(`<body><a href="web/icon.svg">`), 1)
		}, `index.html:10: <a href="web/icon.svg">: another file of the site (inkling.html must hold everything it needs)`},
		{func(s map[string][]byte) { s["web/style.css"] = []byte("@import 'more.css';") }, "web/style.css: @import"},
		{func(s map[string][]byte) {
			s["index.html"] = bytes.Replace(s["index.html"], []byte("</head>"), []byte(`<script src="https://cdn.example/x.js"></script></head>`), 1)
		}, "index.html:10: https://cdn.example/x.js is not a file of the site (inkling.html must hold everything it needs)"},
		{func(s map[string][]byte) {
			s["index.html"] = regexp.MustCompile(`<meta http-equiv[^>]*>`).ReplaceAll(s["index.html"], nil)
		}, `no <meta http-equiv="Content-Security-Policy">`},
	} {
		site := miniSite()
		c.edit(site)
		_, _, err := Make(site)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%d: error %v, want one containing %q", i, err, c.want)
		}
	}
}

func TestRead(t *testing.T) {
	fsys := fstest.MapFS{}
	for p, d := range miniSite() {
		fsys[p] = &fstest.MapFile{Data: d}
	}
	fsys["README.md"] = &fstest.MapFile{Data: []byte("not shipped")}
	fsys["weights/model.ckpt"] = &fstest.MapFile{Data: []byte("not shipped")}
	fsys["web/page_test.go"] = &fstest.MapFile{Data: []byte("not shipped")}
	fsys["web/.hidden.js"] = &fstest.MapFile{Data: []byte("not shipped")}
	fsys["weights/.hidden.bin"] = &fstest.MapFile{Data: []byte("not shipped")}
	files, err := Read(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(miniSite()) {
		t.Errorf("read %q, want the %d files of the site", sortedKeys(files), len(miniSite()))
	}

	delete(fsys, "web/inkling.wasm")
	delete(fsys, "web/wasm_exec.js")
	_, err = Read(fsys)
	for _, want := range []string{"web/inkling.wasm not found: run make wasm", "web/wasm_exec.js not found: run make wasm"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("without the wasm: error %v, want one containing %q", err, want)
		}
	}
}

// TestBuildInside builds twice into a folder of the site itself: the second
// build must not take the first one's files for the site's.
func TestBuildInside(t *testing.T) {
	dir := t.TempDir()
	for p, d := range miniSite() {
		f := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f, d, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(dir, "web", "dist")
	first, err := Build(dir, out)
	if err != nil {
		t.Fatal(err)
	}
	second, err := Build(dir, out)
	if err != nil {
		t.Fatal(err)
	}
	if first.Version != second.Version || len(first.Files) != len(second.Files) {
		t.Errorf("the second build differs: %s with %d files, then %s with %d", first.Version, len(first.Files), second.Version, len(second.Files))
	}
}

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "dist")
	if err := Write(out, map[string][]byte{"index.html": []byte("one"), "v-1/web/a.js": []byte("a")}); err != nil {
		t.Fatal(err)
	}
	// A second build replaces the first as a whole.
	if err := Write(out, map[string][]byte{"index.html": []byte("two"), "v-2/web/a.js": []byte("b")}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(out, "index.html")); string(b) != "two" {
		t.Errorf("index.html holds %q after the second build", b)
	}
	if _, err := os.Stat(filepath.Join(out, "v-1")); err == nil {
		t.Error("the first build's v-1 is still there")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("beside dist/: %v, want nothing left over", entries)
	}
	// A folder with anything else in it is not replaced.
	if err := os.WriteFile(filepath.Join(out, "notes.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := Write(out, map[string][]byte{"index.html": []byte("three")})
	if err == nil || !strings.Contains(err.Error(), "holds notes.txt, which make dist does not write: refusing to replace the folder") {
		t.Errorf("error %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(out, "notes.txt")); string(b) != "mine" {
		t.Error("notes.txt is gone")
	}
}
