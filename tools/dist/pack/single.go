package pack

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"mime"
	"path"
	"slices"
	"strings"
)

// The single file: index.html with everything it loads inside it, for
// opening from disk (file://) with no network.

// inlineExts are the extensions of the files the page reads as data (the
// wasm, the weights, the test digits): inkling.html holds each one as
// <script type="application/octet-stream" data-inkling="PATH">, base64 of
// its gzip -9, which engine.js decodes instead of fetching.
var inlineExts = map[string]bool{".wasm": true, ".bin": true}

// Gzip9 returns data compressed with Go's compress/gzip at its best level,
// as the single file's inline data holds it.
func Gzip9(data []byte) []byte {
	var b bytes.Buffer
	w, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	w.Write(data)
	w.Close()
	return b.Bytes()
}

// sha256Source is a Content-Security-Policy source for an inline element
// with this text.
func sha256Source(text string) string {
	sum := sha256.Sum256([]byte(text))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}

// dataURL returns a data: URL of a file of the site.
func dataURL(p string, data []byte) string {
	typ := mime.TypeByExtension(path.Ext(p))
	if typ == "" {
		typ = "application/octet-stream"
	}
	if i := strings.IndexByte(typ, ';'); i >= 0 {
		typ = typ[:i]
	}
	return "data:" + typ + ";base64," + base64.StdEncoding.EncodeToString(data)
}

// single builds inkling.html from the site's index.html.
func single(site map[string][]byte) ([]byte, *Single, error) {
	const name = "index.html"
	src := string(site[name])
	tags, err := scanHTML(name, src)
	if err != nil {
		return nil, nil, err
	}
	in := &Single{}
	var edits []edit
	var scriptHashes, styleHashes []string
	var csp *htmlAttr // the CSP meta's content attribute
	var entries []string
	moduleAt := -1 // where the bundled module goes: the first module script
	classic := map[string]bool{}
	fail := func(t *htmlTag, format string, args ...any) error {
		return fmt.Errorf("%s:%d: %s (inkling.html must hold everything it needs)", name, lineOf(src, t.start), fmt.Sprintf(format, args...))
	}
	file := func(t *htmlTag, ref string) (string, []byte, error) {
		p, local := localRef(ref)
		if !local {
			return "", nil, fail(t, "%s is not a file of the site", ref)
		}
		target, err := resolveRef(name, p)
		if err != nil {
			return "", nil, fail(t, "%v", err)
		}
		data, ok := site[target]
		if !ok {
			return "", nil, fail(t, "%s is not there: %s", target, hint(target))
		}
		return target, data, nil
	}

	for _, t := range tags {
		for _, a := range t.attrs {
			if a.name == "style" || strings.HasPrefix(a.name, "on") {
				return nil, nil, fail(t, "<%s %s=…>: inline style and event attributes would need 'unsafe-inline' in the Content-Security-Policy", t.name, a.name)
			}
		}
		rel, _ := t.attr("rel")
		rels := strings.Fields(strings.ToLower(rel))
		href, hasHref := t.attr("href")
		srcAttr, hasSrc := t.attr("src")
		switch {
		case t.name == "meta":
			if v, _ := t.attr("http-equiv"); strings.EqualFold(v, "content-security-policy") {
				for i, a := range t.attrs {
					if a.name == "content" && a.start >= 0 {
						csp = &t.attrs[i]
					}
				}
			}
		case t.name == "link" && hasHref:
			if _, local := localRef(href); !local {
				continue
			}
			switch {
			case slices.Contains(rels, "stylesheet"):
				p, data, err := file(t, href)
				if err != nil {
					return nil, nil, err
				}
				css, err := inlineCSS(p, string(data), site)
				if err != nil {
					return nil, nil, err
				}
				in.Styles = append(in.Styles, p)
				styleHashes = append(styleHashes, sha256Source(css))
				edits = append(edits, edit{t.start, t.end, "<style>" + css + "</style>"})
			case slices.Contains(rels, "icon") || slices.Contains(rels, "apple-touch-icon"):
				p, data, err := file(t, href)
				if err != nil {
					return nil, nil, err
				}
				for _, a := range t.attrs {
					if a.name == "href" {
						edits = append(edits, edit{a.start, a.end, dataURL(p, data)})
					}
				}
			case slices.Contains(rels, "manifest") || slices.Contains(rels, "preload") || slices.Contains(rels, "modulepreload") || slices.Contains(rels, "prefetch"):
				// An installable app, and early downloads, mean nothing here.
				edits = append(edits, edit{t.start, t.end, ""})
			default:
				return nil, nil, fail(t, "<link rel=%q href=%q>: the single file does not know how to inline it", rel, href)
			}
		case t.name == "script":
			typ, _ := t.attr("type")
			switch {
			case typ == "module" && hasSrc:
				p, _, err := file(t, srcAttr)
				if err != nil {
					return nil, nil, err
				}
				entries = append(entries, p)
				if moduleAt < 0 {
					moduleAt = t.start
				}
				edits = append(edits, edit{t.start, t.closeEnd, ""})
			case typ == "module":
				return nil, nil, fail(t, "an inline module script: the bundler takes modules from files")
			case (typ == "" || strings.Contains(typ, "javascript")) && hasSrc:
				p, data, err := file(t, srcAttr)
				if err != nil {
					return nil, nil, err
				}
				code, err := escapeScript(p, string(data))
				if err != nil {
					return nil, nil, err
				}
				classic[p] = true
				in.Scripts = append(in.Scripts, p)
				scriptHashes = append(scriptHashes, sha256Source(code))
				edits = append(edits, edit{t.start, t.closeEnd, "<script>" + code + "</script>"})
			case typ == "" || strings.Contains(typ, "javascript"):
				scriptHashes = append(scriptHashes, sha256Source(src[t.contentStart:t.contentEnd]))
			}
		case t.name == "style":
			styleHashes = append(styleHashes, sha256Source(src[t.contentStart:t.contentEnd]))
		default:
			for _, a := range t.attrs {
				p, local := localRef(a.value)
				if !urlAttrs[a.name] || !local {
					continue
				}
				target, err := resolveRef(name, p)
				if err != nil {
					return nil, nil, fail(t, "%v", err)
				}
				switch {
				case target == name && t.name == "a":
					// The page itself: the single file, without its query
					// (an ?embed link opens the full page).
					edits = append(edits, edit{a.start, a.end, "?"})
				case t.name == "img" && a.name == "src":
					if _, data, err := file(t, a.value); err != nil {
						return nil, nil, err
					} else {
						edits = append(edits, edit{a.start, a.end, dataURL(target, data)})
					}
				default:
					return nil, nil, fail(t, "<%s %s=%q>: another file of the site", t.name, a.name, a.value)
				}
			}
		}
	}
	if moduleAt < 0 {
		return nil, nil, fmt.Errorf("%s: no <script type=\"module\" src=…>: nothing to bundle", name)
	}
	b, err := bundle(mapFS(site), entries)
	if err != nil {
		return nil, nil, err
	}
	in.Modules = b.order
	var module strings.Builder
	for _, s := range b.scripts {
		if classic[s] {
			continue
		}
		// A plain script the modules import dynamically, and the page does
		// not load itself: it runs first, as a classic script.
		code, err := escapeScript(s, string(site[s]))
		if err != nil {
			return nil, nil, err
		}
		in.Scripts = append(in.Scripts, s)
		scriptHashes = append(scriptHashes, sha256Source(code))
		module.WriteString("<script>" + code + "</script>\n")
	}
	code, err := escapeScript("the bundled module", b.code)
	if err != nil {
		return nil, nil, err
	}
	in.Bundle = code
	scriptHashes = append(scriptHashes, sha256Source(code))
	module.WriteString(`<script type="module">` + code + "</script>")
	edits = append(edits, edit{moduleAt, moduleAt, module.String()})

	// The data, at the end of the body: the module runs once the document
	// is parsed, and the page can show itself before.
	var data strings.Builder
	for _, p := range sortedKeys(site) {
		if !inlineExts[path.Ext(p)] {
			continue
		}
		in.Data = append(in.Data, p)
		fmt.Fprintf(&data, "<script type=\"application/octet-stream\" data-inkling=\"%s\">%s</script>\n",
			p, base64.StdEncoding.EncodeToString(Gzip9(site[p])))
	}
	bodyEnd := strings.LastIndex(strings.ToLower(src), "</body")
	if bodyEnd < 0 {
		bodyEnd = len(src)
	}
	edits = append(edits, edit{bodyEnd, bodyEnd, data.String()})

	if csp == nil {
		return nil, nil, fmt.Errorf("%s: no <meta http-equiv=\"Content-Security-Policy\">: inkling.html takes the page's policy and replaces 'self' with the hashes of what it inlines", name)
	}
	edits = append(edits, edit{csp.start, csp.end, singleCSP(csp.value, scriptHashes, styleHashes)})
	return []byte(applyEdits(src, edits)), in, nil
}

// singleCSP turns the page's policy into the single file's: 'self' (which
// from file:// would mean other local files) goes, the inline scripts and
// styles are allowed by their SHA-256, images may be data: URLs, and a
// directive left with no source is 'none'. 'unsafe-inline' is dropped too.
func singleCSP(policy string, scripts, styles []string) string {
	var out []string
	seen := map[string]bool{}
	for _, d := range strings.Split(policy, ";") {
		f := strings.Fields(d)
		if len(f) == 0 {
			continue
		}
		dir := strings.ToLower(f[0])
		seen[dir] = true
		var srcs []string
		for _, s := range f[1:] {
			if s != "'self'" && s != "'unsafe-inline'" && s != "'none'" {
				srcs = append(srcs, s)
			}
		}
		switch dir {
		case "script-src":
			srcs = append(srcs, scripts...)
		case "style-src":
			srcs = append(srcs, styles...)
		case "img-src":
			if !slices.Contains(srcs, "data:") {
				srcs = append(srcs, "data:")
			}
		}
		if len(srcs) == 0 {
			srcs = []string{"'none'"}
		}
		out = append(out, dir+" "+strings.Join(srcs, " "))
	}
	if !seen["script-src"] {
		out = append(out, "script-src "+strings.Join(scripts, " "))
	}
	if !seen["style-src"] && len(styles) > 0 {
		out = append(out, "style-src "+strings.Join(styles, " "))
	}
	return strings.Join(out, "; ")
}

// inlineCSS returns a stylesheet for a <style> element: its url(…) files
// become data: URLs; an @import, or "</style", is an error.
func inlineCSS(name, css string, site map[string][]byte) (string, error) {
	if strings.Contains(strings.ToLower(css), "@import") {
		return "", fmt.Errorf("%s: @import: inline the imported stylesheet by hand, or link it from index.html", name)
	}
	if i := strings.Index(strings.ToLower(css), "</style"); i >= 0 {
		return "", fmt.Errorf("%s:%d: </style would end the inline <style> early", name, lineOf(css, i))
	}
	out, err := replaceRefs([]byte(css), cssRefs(css), func(r ref) (string, bool, error) {
		p, local := localRef(r.value)
		if !local {
			return "", false, nil
		}
		target, err := resolveRef(name, p)
		if err != nil {
			return "", false, fmt.Errorf("%s:%d: %w", name, lineOf(css, r.start), err)
		}
		data, ok := site[target]
		if !ok {
			return "", false, fmt.Errorf("%s:%d: url(%s): %s is not there", name, lineOf(css, r.start), r.value, target)
		}
		return dataURL(target, data), true, nil
	})
	return string(out), err
}
