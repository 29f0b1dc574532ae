package pack

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// A token is one lexical element of JavaScript source: what the bundler and
// the rewriter need to tell code from strings, comments, templates and
// regular expressions. It is not a parser: it knows enough of the grammar to
// find where each token ends, and no more.
type token struct {
	kind       tokenKind
	start, end int  // byte offsets in the source
	nl         bool // a line break comes between this token and the one before
}

type tokenKind int

const (
	tIdent    tokenKind = iota // identifiers and keywords
	tNumber                    // 12, 0x1f, 1e-3, 10n
	tString                    // '…' or "…"
	tTemplate                  // `…` with no substitution
	tTmplHead                  // `…${
	tTmplMid                   // }…${
	tTmplTail                  // }…`
	tRegexp                    // /…/flags
	tPunct                     // ( ) [ ] { } ; , . ... => and every operator character
)

// A lexError says where the source could not be read as JavaScript.
type lexError struct {
	line int
	msg  string
}

func (e *lexError) Error() string { return fmt.Sprintf("line %d: %s", e.line, e.msg) }

// lineOf returns the 1-based line of offset off in src.
func lineOf(src string, off int) int { return strings.Count(src[:off], "\n") + 1 }

// keywordsBeforeExpr are the keywords after which a slash starts a regular
// expression rather than a division.
var keywordsBeforeExpr = map[string]bool{
	"return": true, "typeof": true, "instanceof": true, "in": true, "of": true, "new": true,
	"delete": true, "void": true, "throw": true, "case": true, "do": true, "else": true,
	"yield": true, "await": true, "extends": true,
}

// lex splits src into tokens, skipping white space and comments.
func lex(src string) ([]token, error) {
	var toks []token
	// braces holds, for each open brace, whether it opened a template
	// substitution (${), so that its } resumes the template.
	var braces []bool
	nl := false
	i := 0
	fail := func(at int, format string, args ...any) ([]token, error) {
		return nil, &lexError{lineOf(src, at), fmt.Sprintf(format, args...)}
	}
	for i < len(src) {
		c := src[i]
		if r, size := utf8.DecodeRuneInString(src[i:]); r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029' {
			nl = true
			i += size
			continue
		} else if r == ' ' || r == '\t' || r == '\f' || r == '\v' || r == '\u00a0' || r == '\ufeff' {
			i += size
			continue
		}
		switch {
		case strings.HasPrefix(src[i:], "//"):
			for i < len(src) && src[i] != '\n' && src[i] != '\r' {
				i++
			}
			continue
		case strings.HasPrefix(src[i:], "/*"):
			end := strings.Index(src[i+2:], "*/")
			if end < 0 {
				return fail(i, "a /* comment is never closed")
			}
			if strings.ContainsAny(src[i:i+2+end], "\n\r") {
				nl = true
			}
			i += 2 + end + 2
			continue
		}
		t := token{start: i, nl: nl}
		nl = false
		switch {
		case isIdentStart(c):
			t.kind = tIdent
			i++
			for i < len(src) && isIdentPart(src[i]) {
				i++
			}
		case c >= '0' && c <= '9' || c == '.' && i+1 < len(src) && src[i+1] >= '0' && src[i+1] <= '9':
			t.kind = tNumber
			i++
			for i < len(src) {
				d := src[i]
				if isIdentPart(d) || d == '.' {
					i++
				} else if (d == '+' || d == '-') && (src[i-1] == 'e' || src[i-1] == 'E') && !strings.HasPrefix(strings.ToLower(src[t.start:]), "0x") {
					i++
				} else {
					break
				}
			}
		case c == '\'' || c == '"':
			t.kind = tString
			end, ok := stringEnd(src, i)
			if !ok {
				return fail(i, "a string is never closed")
			}
			i = end
		case c == '`':
			end, subst, ok := templateEnd(src, i+1)
			if !ok {
				return fail(i, "a template literal is never closed")
			}
			t.kind = tTemplate
			if subst {
				t.kind = tTmplHead
				braces = append(braces, true)
			}
			i = end
		case c == '}' && len(braces) > 0 && braces[len(braces)-1]:
			braces = braces[:len(braces)-1]
			end, subst, ok := templateEnd(src, i+1)
			if !ok {
				return fail(i, "a template literal is never closed")
			}
			t.kind = tTmplTail
			if subst {
				t.kind = tTmplMid
				braces = append(braces, true)
			}
			i = end
		case c == '/' && regexAllowed(src, toks):
			t.kind = tRegexp
			end, ok := regexpEnd(src, i+1)
			if !ok {
				return fail(i, "a regular expression is never closed")
			}
			i = end
		default:
			t.kind = tPunct
			switch {
			case strings.HasPrefix(src[i:], "..."):
				i += 3
			case strings.HasPrefix(src[i:], "=>"), strings.HasPrefix(src[i:], "?."):
				i += 2
			case c == '{':
				braces = append(braces, false)
				i++
			case c == '}':
				if len(braces) > 0 {
					braces = braces[:len(braces)-1]
				}
				i++
			case c < 0x80:
				i++
			default:
				return fail(i, "unexpected character %q", []rune(src[i:])[0])
			}
		}
		t.end = i
		toks = append(toks, t)
	}
	return toks, nil
}

func isIdentStart(c byte) bool {
	return c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80 || c == '\\'
}

func isIdentPart(c byte) bool { return isIdentStart(c) || c >= '0' && c <= '9' }

// stringEnd returns the offset just past the string literal starting at i.
func stringEnd(src string, i int) (int, bool) {
	q := src[i]
	for j := i + 1; j < len(src); j++ {
		switch src[j] {
		case '\\':
			j++
		case q:
			return j + 1, true
		case '\n', '\r':
			return 0, false
		}
	}
	return 0, false
}

// templateEnd scans template text from i to its closing backquote (subst
// false) or to the ${ of a substitution (subst true), and returns the offset
// just past it.
func templateEnd(src string, i int) (end int, subst, ok bool) {
	for j := i; j < len(src); j++ {
		switch {
		case src[j] == '\\':
			j++
		case src[j] == '`':
			return j + 1, false, true
		case src[j] == '$' && j+1 < len(src) && src[j+1] == '{':
			return j + 2, true, true
		}
	}
	return 0, false, false
}

// regexpEnd returns the offset just past a regular expression's flags, from
// i just after its opening slash.
func regexpEnd(src string, i int) (int, bool) {
	class := false
	for j := i; j < len(src); j++ {
		switch c := src[j]; {
		case c == '\\':
			j++
		case c == '\n' || c == '\r':
			return 0, false
		case c == '[':
			class = true
		case c == ']':
			class = false
		case c == '/' && !class:
			j++
			for j < len(src) && isIdentPart(src[j]) {
				j++
			}
			return j, true
		}
	}
	return 0, false
}

// regexAllowed reports whether a slash after the tokens so far starts a
// regular expression: it does where an expression may begin.
func regexAllowed(src string, toks []token) bool {
	if len(toks) == 0 {
		return true
	}
	last := toks[len(toks)-1]
	text := src[last.start:last.end]
	switch last.kind {
	case tIdent:
		return keywordsBeforeExpr[text]
	case tNumber, tString, tTemplate, tTmplTail, tRegexp:
		return false
	case tPunct:
		return text != ")" && text != "]" && text != "}"
	}
	return true
}

// stringValue returns the value of a string or no-substitution template
// token whose text has no escapes; ok is false for one with escapes (the
// rewriter leaves those alone).
func stringValue(text string) (string, bool) {
	v := text[1 : len(text)-1]
	if strings.ContainsAny(v, "\\") {
		return "", false
	}
	return v, true
}
