package pack

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path"
	"strings"
)

// The hosted layout: index.html and sw.js stay at the top, pointing into
// v-HASH/, which holds everything else in the site's own layout (web/…,
// weights/…). See the package comment for why.

// topLevel reports whether a site path is a file at the site's top (index.html,
// sw.js), which stays at the top of dist/.
func topLevel(p string) bool { return !strings.Contains(p, "/") }

// resolveRef resolves a relative reference ref written in the site file
// from. It returns the site path it names ("." for the site's folder itself,
// a trailing slash kept for folders), and an error if it leaves the site.
func resolveRef(from, ref string) (string, error) {
	p := path.Join(path.Dir(from), ref)
	if p == ".." || strings.HasPrefix(p, "../") {
		return "", fmt.Errorf("%q points outside the site", ref)
	}
	if strings.HasSuffix(ref, "/") && p != "." {
		p += "/"
	}
	return p, nil
}

// A ref is one URL written in a file, where rewriters may change it.
type ref struct {
	value      string // as written
	start, end int    // its offsets in the file
}

// jsRefs returns the string literals of a JavaScript (or JSON) file that
// may be URLs: those without escapes.
func jsRefs(name, src string) ([]ref, error) {
	toks, err := lex(src)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var refs []ref
	for _, t := range toks {
		if t.kind != tString && t.kind != tTemplate {
			continue
		}
		if v, ok := stringValue(src[t.start:t.end]); ok {
			refs = append(refs, ref{v, t.start + 1, t.end - 1})
		}
	}
	return refs, nil
}

// htmlRefs returns the URL attributes of an HTML file.
func htmlRefs(name, src string) ([]ref, error) {
	tags, err := scanHTML(name, src)
	if err != nil {
		return nil, err
	}
	var refs []ref
	for _, t := range tags {
		for _, a := range t.attrs {
			if urlAttrs[a.name] && a.start >= 0 {
				refs = append(refs, ref{a.value, a.start, a.end})
			}
		}
	}
	return refs, nil
}

// cssRefs returns the url(…) values and @import strings of a stylesheet.
func cssRefs(src string) []ref {
	var refs []ref
	lower := strings.ToLower(src)
	for off := 0; ; {
		i := strings.Index(lower[off:], "url(")
		if i < 0 {
			break
		}
		i += off + 4
		end := strings.IndexByte(src[i:], ')')
		if end < 0 {
			break
		}
		s, e := i, i+end
		for s < e && isSpace(src[s]) {
			s++
		}
		for e > s && isSpace(src[e-1]) {
			e--
		}
		if e-s >= 2 && (src[s] == '"' || src[s] == '\'') && src[e-1] == src[s] {
			s, e = s+1, e-1
		}
		refs = append(refs, ref{src[s:e], s, e})
		off = i + end
	}
	for off := 0; ; {
		i := strings.Index(lower[off:], "@import")
		if i < 0 {
			break
		}
		i += off + len("@import")
		off = i
		j := i
		for j < len(src) && isSpace(src[j]) {
			j++
		}
		if j < len(src) && (src[j] == '"' || src[j] == '\'') {
			if end := strings.IndexByte(src[j+1:], src[j]); end >= 0 {
				refs = append(refs, ref{src[j+1 : j+1+end], j + 1, j + 1 + end})
			}
		}
	}
	return refs
}

// refsOf returns the URLs written in a text file of the site, by its type;
// nil for files that hold none the rewriters know of (images, binaries).
func refsOf(name string, data []byte) ([]ref, error) {
	switch path.Ext(name) {
	case ".js", ".mjs", ".json", ".webmanifest":
		return jsRefs(name, string(data))
	case ".html":
		return htmlRefs(name, string(data))
	case ".css":
		return cssRefs(string(data)), nil
	}
	return nil, nil
}

// replaceRefs returns data with each ref for which f returns a new value
// rewritten.
func replaceRefs(data []byte, refs []ref, f func(ref) (string, bool, error)) ([]byte, error) {
	var edits []edit
	for _, r := range refs {
		v, ok, err := f(r)
		if err != nil {
			return nil, err
		}
		if ok {
			edits = append(edits, edit{r.start, r.end, v})
		}
	}
	if len(edits) == 0 {
		return data, nil
	}
	return []byte(applyEdits(string(data), edits)), nil
}

// relocate rewrites a file that moves from the site's top into v-HASH/ (one
// folder deeper): its relative references to the top — to index.html or
// sw.js, which stay there — get one more "../".
//
// The site's folder itself ("../" from web/) is ambiguous: engine.js means
// the folder that holds web/ and weights/, which moves too; app.js means the
// page's folder, the service worker's scope, which does not. A file that
// names a top-level file is taken to be the page's own, and its references
// to the folder are re-pointed as well; in other files they stay.
func relocate(name string, data []byte, site map[string][]byte) ([]byte, error) {
	refs, err := refsOf(name, data)
	if err != nil || refs == nil {
		return data, err
	}
	type hit struct {
		ref  ref
		root bool // names the site's folder, not a file in it
	}
	var hits []hit
	pageOwn := false
	for _, r := range refs {
		p, ok := localRef(r.value)
		if !ok || !strings.HasPrefix(p, "../") && !strings.HasPrefix(p, "./../") {
			continue
		}
		target, err := resolveRef(name, p)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, lineOf(string(data), r.start), err)
		}
		switch {
		case target == "." || target == "./":
			hits = append(hits, hit{r, true})
		case topLevel(target):
			if _, ok := site[target]; !ok {
				return nil, fmt.Errorf("%s:%d: %q names %s, which the site does not have", name, lineOf(string(data), r.start), r.value, target)
			}
			hits = append(hits, hit{r, false})
			pageOwn = true
		}
	}
	var edits []edit
	for _, h := range hits {
		if h.root && !pageOwn {
			continue
		}
		edits = append(edits, edit{h.ref.start, h.ref.end, "../" + strings.TrimPrefix(h.ref.value, "./")})
	}
	if len(edits) == 0 {
		return data, nil
	}
	return []byte(applyEdits(string(data), edits)), nil
}

// version returns the name of the folder for the files: v- and the first 12
// hex digits of a SHA-256 over every path and content, top-level files
// included, so that any change to what is shipped gives a new name.
func version(files map[string][]byte) string {
	h := sha256.New()
	for _, p := range sortedKeys(files) {
		fmt.Fprintf(h, "%s\x00%d\x00", p, len(files[p]))
		h.Write(files[p])
	}
	return "v-" + hex.EncodeToString(h.Sum(nil))[:12]
}

// pointInto rewrites a top-level file's references to the site's files so
// that they point into dir (the version folder); a reference to a file the
// site does not have is an error, with what to do. With anyString, refs are
// all the string literals of a script (sw.js), and one that is not under a
// folder of the site is not taken for a path ('application/wasm').
func pointInto(name string, data []byte, refs []ref, dir string, site map[string][]byte, anyString bool) ([]byte, error) {
	return replaceRefs(data, refs, func(r ref) (string, bool, error) {
		p, ok := localRef(r.value)
		if !ok {
			return "", false, nil
		}
		target, err := resolveRef(name, p)
		if err != nil {
			return "", false, fmt.Errorf("%s:%d: %w", name, lineOf(string(data), r.start), err)
		}
		if topLevel(strings.TrimSuffix(target, "/")) {
			return "", false, nil
		}
		if _, ok := site[target]; !ok && !strings.HasSuffix(target, "/") {
			if anyString && !looksLikeSitePath(target, site) {
				return "", false, nil
			}
			return "", false, fmt.Errorf("%s:%d: %q names %s, which is not there: %s", name, lineOf(string(data), r.start), r.value, target, hint(target))
		}
		return dir + "/" + strings.TrimPrefix(r.value, "./"), true, nil
	})
}

// looksLikeSitePath reports whether p is under one of the site's folders
// (web/…, weights/…), for strings in sw.js that may or may not be paths.
func looksLikeSitePath(p string, site map[string][]byte) bool {
	first, _, ok := strings.Cut(p, "/")
	if !ok {
		return false
	}
	for q := range site {
		if strings.HasPrefix(q, first+"/") {
			return true
		}
	}
	return false
}

// hint says what to do about a missing file of the site.
func hint(p string) string {
	switch {
	case strings.HasSuffix(p, ".wasm") || path.Base(p) == "wasm_exec.js":
		return "run make wasm (make dist runs it first), which builds web/inkling.wasm and copies the matching web/wasm_exec.js"
	case strings.HasPrefix(p, "weights/"):
		return "the weights are committed: git checkout -- " + p + ", or train them (make train, make tutorial)"
	}
	return "restore it, or remove the reference"
}

// workerVersion rewrites sw.js's `const VERSION = '…'` to end in -HASH, so
// that each build's worker keeps its own cache and deletes the others.
func workerVersion(data []byte, hash string) ([]byte, error) {
	src := string(data)
	toks, err := lex(src)
	if err != nil {
		return nil, fmt.Errorf("sw.js: %w", err)
	}
	for i := 0; i+3 < len(toks); i++ {
		if src[toks[i].start:toks[i].end] == "const" && src[toks[i+1].start:toks[i+1].end] == "VERSION" &&
			src[toks[i+2].start:toks[i+2].end] == "=" && toks[i+3].kind == tString {
			t := toks[i+3]
			v, ok := stringValue(src[t.start:t.end])
			if !ok {
				break
			}
			q := src[t.start : t.start+1]
			return []byte(src[:t.start] + q + v + "-" + hash + q + src[t.end:]), nil
		}
	}
	return nil, fmt.Errorf("sw.js: no `const VERSION = '…';` found: make dist gives each build its own cache by changing it, so the worker must keep its cache's name there")
}

// hosted returns the files of the hosted dist/ (paths relative to it), and
// the version folder's name.
func hosted(site map[string][]byte) (map[string][]byte, string, error) {
	moved := map[string][]byte{}
	for _, p := range sortedKeys(site) {
		if topLevel(p) {
			continue
		}
		data, err := relocate(p, site[p], site)
		if err != nil {
			return nil, "", err
		}
		moved[p] = data
	}
	all := map[string][]byte{}
	for p, d := range moved {
		all[p] = d
	}
	for p, d := range site {
		if topLevel(p) {
			all[p] = d
		}
	}
	v := version(all)

	out := map[string][]byte{}
	for p, d := range moved {
		out[v+"/"+p] = d
	}
	page := site["index.html"]
	refs, err := htmlRefs("index.html", string(page))
	if err != nil {
		return nil, "", err
	}
	if out["index.html"], err = pointInto("index.html", page, refs, v, site, false); err != nil {
		return nil, "", err
	}
	worker, err := workerVersion(site["sw.js"], strings.TrimPrefix(v, "v-"))
	if err != nil {
		return nil, "", err
	}
	if refs, err = jsRefs("sw.js", string(worker)); err != nil {
		return nil, "", err
	}
	if out["sw.js"], err = pointInto("sw.js", worker, refs, v, site, true); err != nil {
		return nil, "", err
	}
	if _, ok := site["web/inkling-pad.js"]; ok {
		out["inkling-pad.js"] = []byte(fmt.Sprintf(`// <inkling-pad>: this build's web/inkling-pad.js, under a name that stays the
// same from one build to the next. Blog posts load this file:
//   <script type="module" src="…/inkling-pad.js"></script>
export * from './%s/web/inkling-pad.js';
`, v))
	}
	// Other top-level files of the site, if any, are copied as they are.
	for p, d := range site {
		if _, done := out[p]; !done && topLevel(p) {
			out[p] = d
		}
	}
	return out, v, nil
}
