package pack

import (
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// The bundler joins the page's ES modules into one module, for the single
// file. Each module's code runs in its own function, so that the names it
// keeps to itself cannot meet another module's (engine.js and app.js both
// have a SITE_URL, for one); what it exports is returned as an object, and
// what another module imports from it is taken from that object:
//
//	const __inkling_web_engine_js = (() => {
//	  …engine.js, with `export ` removed…
//	  return { engine, model, … };
//	})();
//	const __inkling_web_app_js = (() => {
//	  const { engine, model: load } = __inkling_web_engine_js;  // was: import { engine, model as load } from './engine.js';
//	  …
//	})();
//
// Modules come dependencies first, each once, in the order the browser
// evaluates them. It handles the subset of the module syntax the page uses,
// and refuses the rest with the file and line:
//
//   - import { a, b as c } from './x.js';  and  import './x.js';
//     (relative specifiers only);
//   - export before function, async function, class and const, and
//     export { a, b }; (an import takes a copy of the binding, so exported
//     let and var, which could change later, are refused);
//   - import.meta.url becomes the URL the module would have beside the
//     single file, new URL('web/app.js', import.meta.url).href, so URLs
//     computed from it (the site's folder, inline data's names) come out
//     as in the site;
//   - import('./x.js') of a plain script (one with no import or export,
//     such as wasm_exec.js) becomes Promise.resolve({}), and the script is
//     inlined as a classic <script> before the module.
//
// Refused: default and namespace imports and exports, export … from, export
// { a as b }, bare specifiers, other dynamic imports, import.meta other than
// .url, await at a module's top level, import cycles, identifiers starting
// with __inkling_.

// A module is one parsed ES module of the site.
type module struct {
	name    string // its path in the site, e.g. web/app.js
	src     string
	toks    []token
	imports []importDecl
	exports map[string]int // exported names -> offset, for messages
	edits   []edit
	scripts []string // plain scripts it imports dynamically
}

// An importDecl is one static import declaration.
type importDecl struct {
	from  string      // the imported module's site path
	names [][2]string // imported name, local name
	at    int         // offset, for messages
}

// An edit replaces src[start:end] with text.
type edit struct {
	start, end int
	text       string
}

// A bundleError is a place in a module that the bundler does not accept.
type bundleError struct {
	file string
	line int
	msg  string
}

func (e *bundleError) Error() string {
	return fmt.Sprintf("%s:%d: %s (the single-file bundler, tools/dist/pack/bundle.go, handles only the module syntax it documents)", e.file, e.line, e.msg)
}

func (m *module) errorf(off int, format string, args ...any) error {
	return &bundleError{m.name, lineOf(m.src, off), fmt.Sprintf(format, args...)}
}

func (m *module) text(t token) string { return m.src[t.start:t.end] }

func (m *module) at(i int) string {
	if i >= 0 && i < len(m.toks) {
		return m.text(m.toks[i])
	}
	return ""
}

// objectName is the name of the constant that holds a module's exports.
func objectName(module string) string {
	var b strings.Builder
	b.WriteString("__inkling_")
	for _, r := range module {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

// bundled is the result of bundle.
type bundled struct {
	code    string   // one ES module
	order   []string // the modules it holds, dependencies first
	scripts []string // plain scripts that must run before it, as classic scripts
}

// bundle joins the modules entries (site paths) and what they import.
func bundle(fsys fs.FS, entries []string) (*bundled, error) {
	mods := map[string]*module{}
	state := map[string]int{} // 1 while visiting, 2 when done
	var order []*module
	var visit func(name string, stack []string) error
	visit = func(name string, stack []string) error {
		switch state[name] {
		case 2:
			return nil
		case 1:
			return fmt.Errorf("import cycle: %s → %s: the single-file bundler needs modules that import each other in one direction", strings.Join(stack, " → "), name)
		}
		state[name] = 1
		src, err := fs.ReadFile(fsys, name)
		if err != nil {
			if len(stack) > 0 {
				return fmt.Errorf("%s imports %s: %w", stack[len(stack)-1], name, err)
			}
			return err
		}
		m, err := parseModule(name, string(src))
		if err != nil {
			return err
		}
		mods[name] = m
		for _, d := range m.imports {
			if err := visit(d.from, append(stack, name)); err != nil {
				return err
			}
		}
		state[name] = 2
		order = append(order, m)
		return nil
	}
	for _, e := range entries {
		if err := visit(e, nil); err != nil {
			return nil, err
		}
	}
	for _, m := range order {
		for _, d := range m.imports {
			for _, nm := range d.names {
				if _, ok := mods[d.from].exports[nm[0]]; !ok {
					return nil, m.errorf(d.at, "imports %q from %s, which does not export it", nm[0], d.from)
				}
			}
		}
	}

	var b strings.Builder
	out := &bundled{}
	seen := map[string]bool{}
	for _, m := range order {
		out.order = append(out.order, m.name)
		for _, s := range m.scripts {
			if !seen[s] {
				seen[s] = true
				out.scripts = append(out.scripts, s)
			}
		}
		fmt.Fprintf(&b, "// ---- %s ----\n", m.name)
		if len(m.exports) > 0 {
			fmt.Fprintf(&b, "const %s = ", objectName(m.name))
		}
		b.WriteString("(() => {\n")
		b.WriteString(applyEdits(m.src, m.edits))
		if !strings.HasSuffix(m.src, "\n") {
			b.WriteByte('\n')
		}
		if len(m.exports) > 0 {
			fmt.Fprintf(&b, ";return { %s };\n", strings.Join(sortedKeys(m.exports), ", "))
		}
		b.WriteString("})();\n")
	}
	out.code = b.String()
	if err := checkBundle(out.code); err != nil {
		return nil, err
	}
	for _, s := range out.scripts {
		src, err := fs.ReadFile(fsys, s)
		if err != nil {
			return nil, err
		}
		if err := checkScript(s, string(src)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// applyEdits returns src with the edits (in any order, not overlapping) made.
// It sorts edits in place.
func applyEdits(src string, edits []edit) string {
	sort.SliceStable(edits, func(i, j int) bool {
		// An insertion (start == end) goes before a replacement that starts
		// at the same place.
		return edits[i].start < edits[j].start || edits[i].start == edits[j].start && edits[i].end < edits[j].end
	})
	var b strings.Builder
	at := 0
	for _, e := range edits {
		b.WriteString(src[at:e.start])
		b.WriteString(e.text)
		at = e.end
	}
	b.WriteString(src[at:])
	return b.String()
}

// isOpen and isClose report whether t opens or closes a bracket (a template
// substitution counts as one).
func isOpen(src string, t token) bool {
	s := src[t.start:t.end]
	return t.kind == tTmplHead || t.kind == tPunct && (s == "(" || s == "[" || s == "{")
}

func isClose(src string, t token) bool {
	s := src[t.start:t.end]
	return t.kind == tTmplTail || t.kind == tPunct && (s == ")" || s == "]" || s == "}")
}

// topLevelSyntax returns the first import or export declaration at the top
// level of src (not import.meta or import()), or -1.
func topLevelSyntax(src string, toks []token) (int, string) {
	depth := 0
	for i, t := range toks {
		switch {
		case isOpen(src, t):
			depth++
		case isClose(src, t):
			depth--
		case depth == 0 && t.kind == tIdent:
			s := src[t.start:t.end]
			if s != "import" && s != "export" {
				continue
			}
			if i > 0 && (src[toks[i-1].start:toks[i-1].end] == "." || src[toks[i-1].start:toks[i-1].end] == "?.") {
				continue
			}
			if i+1 < len(toks) && (src[toks[i+1].start:toks[i+1].end] == "." || src[toks[i+1].start:toks[i+1].end] == "(") {
				continue
			}
			return t.start, s
		}
	}
	return -1, ""
}

// checkBundle checks that the joined code lexes, that its brackets balance,
// and that nothing of the module syntax is left at its top level.
func checkBundle(code string) error {
	toks, err := lex(code)
	if err != nil {
		return fmt.Errorf("the bundled module does not read as JavaScript: %w", err)
	}
	var stack []token
	for _, t := range toks {
		switch {
		case isOpen(code, t):
			stack = append(stack, t)
		case isClose(code, t):
			pairs := map[string]string{")": "(", "]": "[", "}": "{"}
			if len(stack) == 0 || t.kind == tTmplTail && stack[len(stack)-1].kind != tTmplHead ||
				t.kind == tPunct && code[stack[len(stack)-1].start:stack[len(stack)-1].end] != pairs[code[t.start:t.end]] {
				return fmt.Errorf("the bundled module: line %d: unbalanced %q", lineOf(code, t.start), code[t.start:t.end])
			}
			stack = stack[:len(stack)-1]
		}
	}
	if len(stack) > 0 {
		return fmt.Errorf("the bundled module: line %d: %q is never closed", lineOf(code, stack[0].start), code[stack[0].start:stack[0].end])
	}
	if off, s := topLevelSyntax(code, toks); off >= 0 {
		return fmt.Errorf("the bundled module: line %d: an %s is left", lineOf(code, off), s)
	}
	return nil
}

// escapeScript makes JavaScript safe inside an inline <script>: each
// "</script" and "<!--" in a comment, string, template or regular expression
// gets its second character escaped ("<\/script", "<\x21--"), which changes
// no value, in a regular expression with the u flag too (where "\!" would
// not parse). One in code proper (which would be odd JavaScript) is an error.
func escapeScript(name, src string) (string, error) {
	lower := strings.ToLower(src)
	if !strings.Contains(lower, "</script") && !strings.Contains(lower, "<!--") {
		return src, nil
	}
	toks, err := lex(src)
	if err != nil {
		return "", fmt.Errorf("%s: %w", name, err)
	}
	var edits []edit
	for _, e := range []struct{ seq, esc string }{{"</script", `\/`}, {"<!--", `\x21`}} {
		for off := 0; ; {
			i := strings.Index(lower[off:], e.seq)
			if i < 0 {
				break
			}
			i += off
			off = i + 1
			k := sort.Search(len(toks), func(k int) bool { return toks[k].end > i })
			if k < len(toks) && toks[k].start <= i {
				if kind := toks[k].kind; kind == tIdent || kind == tNumber || kind == tPunct {
					return "", fmt.Errorf("%s:%d: %q in code would end the inline <script> early", name, lineOf(src, i), src[i:i+len(e.seq)])
				}
			}
			edits = append(edits, edit{i + 1, i + 2, e.esc})
		}
	}
	return applyEdits(src, edits), nil
}

// checkScript checks that a dynamically imported file is a plain script,
// which can run as a classic <script> instead.
func checkScript(name, src string) error {
	toks, err := lex(src)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if off, s := topLevelSyntax(src, toks); off >= 0 {
		return fmt.Errorf("%s:%d: it is imported dynamically, but it is a module (it has %s): the single file can inline only a plain script in its place", name, lineOf(src, off), s)
	}
	return nil
}

// parseModule finds a module's imports and exports and the edits that turn
// it into part of the bundle.
func parseModule(name, src string) (*module, error) {
	toks, err := lex(src)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	m := &module{name: name, src: src, toks: toks, exports: map[string]int{}}
	// import.meta and import(), wherever they are.
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.kind != tIdent || m.at(i-1) == "." || m.at(i-1) == "?." {
			continue
		}
		if s := m.text(t); strings.HasPrefix(s, "__inkling_") {
			return nil, m.errorf(t.start, "%s: names starting with __inkling_ are the bundler's", s)
		} else if s != "import" {
			continue
		}
		switch m.at(i + 1) {
		case ".":
			if m.at(i+2) != "meta" || m.at(i+3) != "." || m.at(i+4) != "url" {
				return nil, m.errorf(t.start, "import.meta is supported only as import.meta.url")
			}
			m.edits = append(m.edits, edit{t.start, toks[i+4].end, fmt.Sprintf("new URL(%s, import.meta.url).href", strconv.Quote(name))})
			i += 4
		case "(":
			if i+3 >= len(toks) || toks[i+2].kind != tString || m.at(i+3) != ")" {
				return nil, m.errorf(t.start, "a dynamic import() of anything but one string literal")
			}
			target, err := m.resolve(toks[i+2])
			if err != nil {
				return nil, err
			}
			m.scripts = append(m.scripts, target)
			m.edits = append(m.edits, edit{t.start, toks[i+3].end, "Promise.resolve({})"})
			i += 3
		}
	}
	// The top level: import and export declarations, and no await.
	depth := 0
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		switch {
		case isOpen(src, t):
			depth++
			continue
		case isClose(src, t):
			depth--
			continue
		}
		if depth != 0 || t.kind != tIdent || m.at(i-1) == "." || m.at(i-1) == "?." {
			continue
		}
		switch m.text(t) {
		case "await":
			return nil, m.errorf(t.start, "await at the top level of a module is not supported (each module runs in a plain function)")
		case "import":
			if m.at(i+1) == "." || m.at(i+1) == "(" {
				continue
			}
			end, err := m.parseImport(i)
			if err != nil {
				return nil, err
			}
			i = end - 1
		case "export":
			end, err := m.parseExport(i)
			if err != nil {
				return nil, err
			}
			i = end - 1
		}
	}
	return m, nil
}

// resolve returns the site path a relative specifier names.
func (m *module) resolve(spec token) (string, error) {
	v, ok := stringValue(m.text(spec))
	if !ok || !(strings.HasPrefix(v, "./") || strings.HasPrefix(v, "../")) {
		return "", m.errorf(spec.start, "the specifier %s is not a relative path (./ or ../)", m.text(spec))
	}
	p := path.Join(path.Dir(m.name), v)
	if p == ".." || strings.HasPrefix(p, "../") {
		return "", m.errorf(spec.start, "%s points outside the site", m.text(spec))
	}
	return p, nil
}

// statementEnd returns the index after an optional semicolon at j.
func (m *module) statementEnd(j int) int {
	if m.at(j) == ";" {
		return j + 1
	}
	return j
}

// parseImport reads the import declaration at toks[i] and returns the index
// after it.
func (m *module) parseImport(i int) (int, error) {
	toks := m.toks
	t := toks[i]
	j := i + 1
	decl := importDecl{at: t.start}
	if j < len(toks) && toks[j].kind != tString {
		if m.at(j) != "{" {
			return 0, m.errorf(t.start, "only named imports (import { a } from './x.js') and side-effect imports (import './x.js') are supported, not default or namespace imports")
		}
		j++
		for j < len(toks) && m.at(j) != "}" {
			if toks[j].kind != tIdent {
				return 0, m.errorf(toks[j].start, "unexpected %s in an import list", m.at(j))
			}
			imported, local := m.at(j), m.at(j)
			j++
			if m.at(j) == "as" {
				local = m.at(j + 1)
				j += 2
			}
			decl.names = append(decl.names, [2]string{imported, local})
			if m.at(j) == "," {
				j++
			}
		}
		j++ // }
		if m.at(j) != "from" {
			return 0, m.errorf(t.start, "an import list must be followed by from")
		}
		j++
	}
	if j >= len(toks) || toks[j].kind != tString {
		return 0, m.errorf(t.start, "an import must name its module as a string")
	}
	from, err := m.resolve(toks[j])
	if err != nil {
		return 0, err
	}
	decl.from = from
	j++
	if w := m.at(j); (w == "with" || w == "assert") && !toks[j].nl {
		return 0, m.errorf(toks[j].start, "import attributes are not supported")
	}
	end := m.statementEnd(j)
	text := ""
	if len(decl.names) > 0 {
		var names []string
		for _, nm := range decl.names {
			if nm[0] == nm[1] {
				names = append(names, nm[0])
			} else {
				names = append(names, nm[0]+": "+nm[1])
			}
		}
		text = fmt.Sprintf("const { %s } = %s;", strings.Join(names, ", "), objectName(from))
	}
	m.imports = append(m.imports, decl)
	m.edits = append(m.edits, edit{t.start, toks[end-1].end, text})
	return end, nil
}

// parseExport reads the export at toks[i] and returns the index to go on
// from.
func (m *module) parseExport(i int) (int, error) {
	toks := m.toks
	t := toks[i]
	j := i + 1
	switch n := m.at(j); n {
	case "let", "var":
		return 0, m.errorf(t.start, "export %s is not supported: an importer gets a copy of the binding; export a const, or a function that returns the value", n)
	case "async", "function", "class":
		m.edits = append(m.edits, edit{t.start, toks[j].start, ""})
		if n == "async" {
			j++
		}
		j++
		if m.at(j) == "*" {
			j++
		}
		if j >= len(toks) || toks[j].kind != tIdent {
			return 0, m.errorf(t.start, "export %s without a name", n)
		}
		m.exports[m.at(j)] = toks[j].start
		return i + 1, nil
	case "const":
		m.edits = append(m.edits, edit{t.start, toks[j].start, ""})
		j++
		for {
			names, next, err := m.parsePattern(j)
			if err != nil {
				return 0, err
			}
			for _, nt := range names {
				m.exports[m.text(nt)] = nt.start
			}
			j = next
			if m.at(j) == "=" {
				j = m.skipExpression(j + 1)
			}
			if m.at(j) != "," {
				return j, nil
			}
			j++
		}
	case "{":
		j++
		for j < len(toks) && m.at(j) != "}" {
			if toks[j].kind != tIdent {
				return 0, m.errorf(toks[j].start, "unexpected %s in an export list", m.at(j))
			}
			if m.at(j+1) == "as" {
				return 0, m.errorf(toks[j].start, "export { a as b } is not supported: export the name itself")
			}
			m.exports[m.at(j)] = toks[j].start
			j++
			if m.at(j) == "," {
				j++
			}
		}
		j++
		if m.at(j) == "from" {
			return 0, m.errorf(t.start, "export … from is not supported: import the names, then export them")
		}
		end := m.statementEnd(j)
		m.edits = append(m.edits, edit{t.start, toks[end-1].end, ""})
		return end, nil
	default:
		return 0, m.errorf(t.start, "export %s is not supported (default exports and export * are not)", n)
	}
}

// parsePattern reads a binding (a name, or an object or array pattern) at
// toks[i] and returns the names it binds and the index after it.
func (m *module) parsePattern(i int) ([]token, int, error) {
	toks := m.toks
	if i >= len(toks) {
		return nil, i, m.errorf(len(m.src), "a declaration ends early")
	}
	t := toks[i]
	switch s := m.text(t); {
	case t.kind == tIdent:
		return []token{t}, i + 1, nil
	case s == "{" || s == "[":
		closing := map[string]string{"{": "}", "[": "]"}[s]
		var names []token
		j := i + 1
		for j < len(toks) && m.at(j) != closing {
			if m.at(j) == "," {
				j++
				continue
			}
			if m.at(j) == "..." {
				j++
			}
			if s == "{" && m.at(j) == "[" {
				return nil, 0, m.errorf(toks[j].start, "computed keys in an exported destructuring are not supported")
			}
			if s == "{" && m.at(j+1) == ":" {
				j += 2 // a key; its value is the pattern
			}
			sub, next, err := m.parsePattern(j)
			if err != nil {
				return nil, 0, err
			}
			names = append(names, sub...)
			j = next
			if m.at(j) == "=" {
				j = m.skipExpression(j + 1)
			}
		}
		return names, j + 1, nil
	default:
		return nil, 0, m.errorf(t.start, "unexpected %s in a declaration", s)
	}
}

// skipExpression returns the index of the first token from i, at the same
// bracket depth, that ends an expression: a comma, a semicolon, a closing
// bracket, or a word that starts a new statement after a line break.
func (m *module) skipExpression(i int) int {
	depth := 0
	for j := i; j < len(m.toks); j++ {
		t := m.toks[j]
		s := m.text(t)
		switch {
		case isOpen(m.src, t):
			depth++
			continue
		case isClose(m.src, t):
			if depth == 0 {
				return j
			}
			depth--
			continue
		}
		if depth > 0 {
			continue
		}
		if t.kind == tPunct && (s == "," || s == ";") {
			return j
		}
		if j > i && t.nl && t.kind == tIdent && !keywordsBeforeExpr[s] && !m.continues(m.toks[j-1]) {
			return j
		}
	}
	return len(m.toks)
}

// continues reports whether an expression goes on after token t, so that a
// line break after it does not end the statement.
func (m *module) continues(t token) bool {
	s := m.text(t)
	switch t.kind {
	case tPunct:
		return s != ")" && s != "]" && s != "}"
	case tTmplHead, tTmplMid:
		return true
	case tIdent:
		return keywordsBeforeExpr[s]
	}
	return false
}
