package pack

import (
	"fmt"
	"strings"
)

// The HTML scanner finds the tags of the site's own pages and where their
// attribute values are, so that the rewriters can change a value in place
// and leave every other byte as it was. It reads the HTML the project
// writes (quoted or bare attribute values, comments, raw-text elements such
// as <script> and <style>), not every document a browser would accept.

// An htmlTag is one start tag, with the raw text that follows it when it is
// a <script> or a <style> (up to its end tag).
type htmlTag struct {
	name       string // lower case
	start, end int    // the tag's offsets, "<" to ">" included
	attrs      []htmlAttr
	// For <script> and <style>: the content's offsets, and the end of the
	// end tag.
	contentStart, contentEnd, closeEnd int
}

// An htmlAttr is one attribute; for one without a value, start == end == -1.
type htmlAttr struct {
	name       string // lower case
	value      string // as written (the site's pages use no character references in URLs)
	start, end int    // the value's offsets, quotes excluded
}

// attr returns the value of the attribute name, and whether it is there.
func (t *htmlTag) attr(name string) (string, bool) {
	for _, a := range t.attrs {
		if a.name == name {
			return a.value, true
		}
	}
	return "", false
}

// scanHTML returns the start tags of an HTML document, in order.
func scanHTML(name, src string) ([]*htmlTag, error) {
	var tags []*htmlTag
	lower := strings.ToLower(src)
	fail := func(at int, format string, args ...any) ([]*htmlTag, error) {
		return nil, fmt.Errorf("%s:%d: %s", name, lineOf(src, at), fmt.Sprintf(format, args...))
	}
	for i := 0; i < len(src); {
		lt := strings.IndexByte(src[i:], '<')
		if lt < 0 {
			break
		}
		i += lt
		switch {
		case strings.HasPrefix(src[i:], "<!--"):
			end := strings.Index(src[i+4:], "-->")
			if end < 0 {
				return fail(i, "a comment is never closed")
			}
			i += 4 + end + 3
			continue
		case strings.HasPrefix(src[i:], "<!"), strings.HasPrefix(src[i:], "</"), strings.HasPrefix(src[i:], "<?"):
			end := strings.IndexByte(src[i:], '>')
			if end < 0 {
				return fail(i, "a tag is never closed")
			}
			i += end + 1
			continue
		case i+1 >= len(src) || !isLetter(src[i+1]):
			i++ // a lone "<" in text
			continue
		}
		t := &htmlTag{start: i}
		j := i + 1
		for j < len(src) && !isSpace(src[j]) && src[j] != '>' && src[j] != '/' {
			j++
		}
		t.name = lower[i+1 : j]
		for {
			for j < len(src) && (isSpace(src[j]) || src[j] == '/') {
				j++
			}
			if j >= len(src) {
				return fail(i, "<%s is never closed", t.name)
			}
			if src[j] == '>' {
				j++
				break
			}
			a := htmlAttr{start: -1, end: -1}
			k := j
			for k < len(src) && !isSpace(src[k]) && src[k] != '>' && src[k] != '=' && src[k] != '/' {
				k++
			}
			a.name = lower[j:k]
			j = k
			for j < len(src) && isSpace(src[j]) {
				j++
			}
			if j < len(src) && src[j] == '=' {
				j++
				for j < len(src) && isSpace(src[j]) {
					j++
				}
				if j < len(src) && (src[j] == '"' || src[j] == '\'') {
					q := src[j]
					end := strings.IndexByte(src[j+1:], q)
					if end < 0 {
						return fail(j, "the value of %s is never closed", a.name)
					}
					a.start, a.end = j+1, j+1+end
					j = a.end + 1
				} else {
					a.start = j
					for j < len(src) && !isSpace(src[j]) && src[j] != '>' {
						j++
					}
					a.end = j
				}
				a.value = src[a.start:a.end]
			}
			t.attrs = append(t.attrs, a)
		}
		t.end = j
		i = j
		if t.name == "script" || t.name == "style" {
			end := strings.Index(lower[j:], "</"+t.name)
			if end < 0 {
				return fail(t.start, "<%s> is never closed", t.name)
			}
			t.contentStart, t.contentEnd = j, j+end
			gt := strings.IndexByte(src[t.contentEnd:], '>')
			if gt < 0 {
				return fail(t.contentEnd, "</%s is never closed", t.name)
			}
			t.closeEnd = t.contentEnd + gt + 1
			i = t.closeEnd
		}
		tags = append(tags, t)
	}
	return tags, nil
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }

// urlAttrs are the attributes whose value is a URL.
var urlAttrs = map[string]bool{"src": true, "href": true, "poster": true, "data": true, "action": true}

// localRef classifies a URL written in the site: ok is true for a relative
// reference to a file of the site (no scheme, no leading slash, not just a
// fragment), and p is that reference without its query and fragment.
func localRef(ref string) (p string, ok bool) {
	if ref == "" || strings.HasPrefix(ref, "#") || strings.HasPrefix(ref, "/") || strings.HasPrefix(ref, "?") {
		return "", false
	}
	if i := strings.IndexAny(ref, ":/?#"); i >= 0 && ref[i] == ':' {
		return "", false // a scheme: https:, data:, mailto:, …
	}
	if i := strings.IndexAny(ref, "?#"); i >= 0 {
		ref = ref[:i]
	}
	return ref, true
}
