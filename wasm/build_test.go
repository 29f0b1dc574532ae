//go:build !js

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
)

// The native tests of this folder look at the page's WebAssembly as it ships:
// they build it exactly as `make wasm` does, with the environment and flags
// of the Makefile's WASM_ENV and WASM_FLAGS, read from the Makefile itself so
// that the flags live in one place.

var built struct {
	once sync.Once
	dir  string // a temporary folder, removed by TestMain
	path string // the built .wasm
	err  string
}

func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// buildWasm builds this command as `make wasm` does into a temporary file
// (shared by the tests of one run) and returns its path.
func buildWasm(tb testing.TB) string {
	tb.Helper()
	built.once.Do(func() {
		env, flags, err := makefileWasmBuild("../Makefile")
		if err != "" {
			built.err = err
			return
		}
		dir, e := os.MkdirTemp("", "inkling-wasm-")
		if e != nil {
			built.err = e.Error()
			return
		}
		built.dir, built.path = dir, filepath.Join(dir, "inkling.wasm")
		args := append(append([]string{"build"}, flags...), "-o", built.path, "./wasm")
		cmd := exec.Command("go", args...)
		cmd.Dir = ".."
		cmd.Env = append(os.Environ(), env...)
		if out, e := cmd.CombinedOutput(); e != nil {
			built.err = "go " + strings.Join(args, " ") + ": " + e.Error() + "\n" + string(out)
		}
	})
	if built.err != "" {
		tb.Fatal(built.err)
	}
	return built.path
}

// wasmExecJS is the wasm_exec.js of the toolchain that builds the wasm, the
// file `make wasm` copies beside it.
func wasmExecJS() string { return filepath.Join(runtime.GOROOT(), "lib", "wasm", "wasm_exec.js") }

// makefileWasmBuild reads the variables WASM_ENV (NAME=value words) and
// WASM_FLAGS (go build flags, with shell quoting) from the Makefile.
func makefileWasmBuild(path string) (env, flags []string, err string) {
	b, e := os.ReadFile(path)
	if e != nil {
		return nil, nil, e.Error()
	}
	get := func(name string) ([]string, string) {
		m := regexp.MustCompile(`(?m)^` + name + `\s*:?=(.*)$`).FindSubmatch(b)
		if m == nil {
			return nil, path + ": no " + name + " := … line"
		}
		v := strings.TrimSpace(string(m[1]))
		if strings.ContainsAny(v, "$\\`") {
			return nil, path + ": " + name + " uses make variables, escapes or command substitution, which buildWasm does not expand: " + v
		}
		words, ok := shellWords(v)
		if !ok {
			return nil, path + ": " + name + " has an unterminated quote: " + v
		}
		return words, ""
	}
	if env, err = get("WASM_ENV"); err != "" {
		return nil, nil, err
	}
	for _, kv := range env {
		if !strings.Contains(kv, "=") {
			return nil, nil, path + ": WASM_ENV holds " + kv + ", not NAME=value"
		}
	}
	flags, err = get("WASM_FLAGS")
	return env, flags, err
}

// shellWords splits s into words as a POSIX shell would for plain words and
// single or double quotes (no escapes or expansions).
func shellWords(s string) ([]string, bool) {
	var words []string
	var w strings.Builder
	in, quote := false, byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
			w.WriteByte(c)
		case c == '"' || c == '\'':
			quote, in = c, true
		case c == ' ' || c == '\t':
			if in {
				words = append(words, w.String())
				w.Reset()
				in = false
			}
		default:
			w.WriteByte(c)
			in = true
		}
	}
	if in {
		words = append(words, w.String())
	}
	return words, quote == 0
}

func TestShellWords(t *testing.T) {
	for i, tc := range []struct {
		in   string
		want []string
	}{
		{``, nil},
		{`a  b`, []string{"a", "b"}},
		{`-trimpath -ldflags="-s -w" -gcflags=all=-l`, []string{"-trimpath", "-ldflags=-s -w", "-gcflags=all=-l"}},
		{`'x y'z ""`, []string{"x yz", ""}},
	} {
		got, ok := shellWords(tc.in)
		if !ok || strings.Join(got, "|") != strings.Join(tc.want, "|") || len(got) != len(tc.want) {
			t.Errorf("%d: shellWords(%q) = %q, %v; want %q", i, tc.in, got, ok, tc.want)
		}
	}
	if _, ok := shellWords(`-ldflags="-s`); ok {
		t.Error("an unterminated quote passed")
	}
}

func TestMakefileWasmBuild(t *testing.T) {
	env, flags, err := makefileWasmBuild("../Makefile")
	if err != "" {
		t.Fatal(err)
	}
	if !slices.Contains(env, "GOOS=js") || !slices.Contains(env, "GOARCH=wasm") {
		t.Errorf("WASM_ENV = %q, want GOOS=js and GOARCH=wasm among them", env)
	}
	t.Logf("make wasm: %s go build %s", strings.Join(env, " "), strings.Join(flags, " "))
}
