package pack

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

// modules is a small site of modules using every form the bundler accepts.
var modules = fstest.MapFS{
	"web/app.js": {Data: []byte(`import { greet, NAME as who } from './lib.js';
import './side.js';
import { LIST } from './sub/data.js';
const SITE = new URL('../', import.meta.url).href; // lib.js has a SITE too
const Go = await0();
function await0() { return 'app'; }
console.log(greet(who), LIST.join('+'), SITE.endsWith('/') && !SITE.endsWith('/web/'), Go);
`)},
	"web/lib.js": {Data: []byte(`import { LIST } from './sub/data.js';
const SITE = 'lib';
export const NAME = 'you', OTHER = { a: [1, 2] };
export async function later() { return import('./script.js'); }
export function greet(n) { return 'hello ' + n + ' from ' + SITE + ' ' + LIST.length; }
export class Box {}
const x = 1, y = 2;
export { x, y };
`)},
	"web/side.js":     {Data: []byte("globalThis.sideRan = (globalThis.sideRan || 0) + 1;\n")},
	"web/sub/data.js": {Data: []byte("export const LIST = ['a', `b${1 + 1}`];\n")},
	"web/script.js":   {Data: []byte("globalThis.Go = class {};\n")},
}

func TestBundle(t *testing.T) {
	b, err := bundle(modules, []string{"web/app.js"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(b.order, " "), "web/sub/data.js web/lib.js web/side.js web/app.js"; got != want {
		t.Errorf("order %s, want %s", got, want)
	}
	if got := strings.Join(b.scripts, " "); got != "web/script.js" {
		t.Errorf("scripts %q, want web/script.js", got)
	}
	for _, want := range []string{
		"const { greet, NAME: who } = __inkling_web_lib_js;",
		`new URL('../', new URL("web/app.js", import.meta.url).href)`,
		"return Promise.resolve({});",
		";return { Box, NAME, OTHER, greet, later, x, y };",
	} {
		if !strings.Contains(b.code, want) {
			t.Errorf("the bundle lacks %q:\n%s", want, b.code)
		}
	}
	node, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("node is not on PATH (CI=true: failing instead of skipping)")
		}
		t.Skip("node is not on PATH: the bundle is not run")
	}
	f := filepath.Join(t.TempDir(), "bundle.mjs")
	if err := os.WriteFile(f, []byte(b.code+"console.log(globalThis.sideRan);\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(node, f).CombinedOutput()
	if err != nil {
		t.Fatalf("node %s: %v\n%s", f, err, out)
	}
	if got, want := string(out), "hello you from lib 2 a+b2 true app\n1\n"; got != want {
		t.Errorf("node printed %q, want %q", got, want)
	}
}

func TestBundleErrors(t *testing.T) {
	for i, c := range []struct {
		files map[string]string
		want  string
	}{
		{map[string]string{"web/a.js": "import x from './b.js';"}, "web/a.js:1: only named imports"},
		{map[string]string{"web/a.js": "\nimport * as b from './b.js';"}, "web/a.js:2: only named imports"},
		{map[string]string{"web/a.js": "import { b } from 'b';"}, "web/a.js:1: the specifier 'b' is not a relative path"},
		{map[string]string{"web/a.js": "import { b } from '../../b.js';"}, "points outside the site"},
		{map[string]string{"web/a.js": "import { b } from './b.js';"}, "web/a.js imports web/b.js: open web/b.js: file does not exist"},
		{map[string]string{"web/a.js": "import { b } from './b.js';", "web/b.js": "export const c = 1;"}, `web/a.js:1: imports "b" from web/b.js, which does not export it`},
		{map[string]string{"web/a.js": "import { b } from './b.js';", "web/b.js": "import { a } from './a.js';"}, "import cycle: web/a.js → web/b.js → web/a.js"},
		{map[string]string{"web/a.js": "export default 1;"}, "web/a.js:1: export default is not supported"},
		{map[string]string{"web/a.js": "export * from './b.js';"}, "export * is not supported"},
		{map[string]string{"web/a.js": "export { b } from './b.js';"}, "export … from is not supported"},
		{map[string]string{"web/a.js": "const a = 1;\nexport { a as b };"}, "web/a.js:2: export { a as b } is not supported"},
		{map[string]string{"web/a.js": "export let a = 1;"}, "export let is not supported"},
		{map[string]string{"web/a.js": "const u = import.meta.resolve('x');"}, "import.meta is supported only as import.meta.url"},
		{map[string]string{"web/a.js": "const m = import('./' + name);"}, "a dynamic import() of anything but one string literal"},
		{map[string]string{"web/a.js": "import('./b.js');", "web/b.js": "export const b = 1;"}, "web/b.js:1: it is imported dynamically, but it is a module"},
		{map[string]string{"web/a.js": "const r = await fetch('x');"}, "web/a.js:1: await at the top level"},
		{map[string]string{"web/a.js": "const __inkling_x = 1;"}, "names starting with __inkling_ are the bundler's"},
		{map[string]string{"web/a.js": "import { b } from './b.js' with { type: 'json' };", "web/b.js": ""}, "import attributes are not supported"},
		{map[string]string{"web/a.js": "const s = 'a"}, "web/a.js: line 1: a string is never closed"},
	} {
		fsys := fstest.MapFS{}
		for p, s := range c.files {
			fsys[p] = &fstest.MapFile{Data: []byte(s)}
		}
		_, err := bundle(fsys, []string{"web/a.js"})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%d: error %v, want one containing %q", i, err, c.want)
		}
	}
}
