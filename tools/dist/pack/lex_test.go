package pack

import (
	"strings"
	"testing"
)

func TestLex(t *testing.T) {
	kinds := map[tokenKind]string{tIdent: "id", tNumber: "num", tString: "str", tTemplate: "tpl", tTmplHead: "head",
		tTmplMid: "mid", tTmplTail: "tail", tRegexp: "re", tPunct: "p"}
	for i, c := range []struct{ src, want string }{
		{`a / b / c`, `id:a p:/ id:b p:/ id:c`},
		{`x = /[/]\//g.test(y)`, `id:x p:= re:/[/]\//g p:. id:test p:( id:y p:)`},
		{`return /re/`, `id:return re:/re/`},
		{`f(a) / 2`, `id:f p:( id:a p:) p:/ num:2`},
		{"`a${b + `c${d}`}e` // `x`\n'y'", "head:`a${ id:b p:+ head:`c${ id:d tail:}` tail:}e` str:'y'"},
		{`/* it's */ "a\"b" 1e-3 .5 0x1F`, `str:"a\"b" num:1e-3 num:.5 num:0x1F`},
		{`a?.b ... => {}`, `id:a p:?. id:b p:... p:=> p:{ p:}`},
		{"const s = `${{a: 1}.a}`", "id:const id:s p:= head:`${ p:{ id:a p:: num:1 p:} p:. id:a tail:}`"},
	} {
		toks, err := lex(c.src)
		if err != nil {
			t.Errorf("%d: %v", i, err)
			continue
		}
		var got []string
		for _, tk := range toks {
			got = append(got, kinds[tk.kind]+":"+c.src[tk.start:tk.end])
		}
		if g := strings.Join(got, " "); g != c.want {
			t.Errorf("%d: %s\n got %s\nwant %s", i, c.src, g, c.want)
		}
	}
}

func TestLexErrors(t *testing.T) {
	for i, c := range []struct{ src, want string }{
		{"a\n'b", "line 2: a string is never closed"},
		{"a\n\n`b${c}", "line 3: a template literal is never closed"},
		{"/* a", "line 1: a /* comment is never closed"},
		{"x = /ab\n/", "line 1: a regular expression is never closed"},
	} {
		_, err := lex(c.src)
		if err == nil || err.Error() != c.want {
			t.Errorf("%d: %q: error %v, want %q", i, c.src, err, c.want)
		}
	}
}

func TestEscapeScript(t *testing.T) {
	got, err := escapeScript("x.js", "// <script>…</script>\nconst s = '</SCRIPT><!--', r = /<!--/u;\n")
	if err != nil {
		t.Fatal(err)
	}
	if want := "// <script>…<\\/script>\nconst s = '<\\/SCRIPT><\\x21--', r = /<\\x21--/u;\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if _, err := escapeScript("x.js", "a\nif (a </script/) {}"); err == nil || !strings.Contains(err.Error(), "x.js:2") {
		t.Errorf("</script in code: error %v, want one at x.js:2", err)
	}
}
