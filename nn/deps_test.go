package nn

import (
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// wasmImports are the only packages nn's non-test files may import: the page
// compiles nn to WebAssembly with a download budget, and these cost nothing
// there (os, fmt, time, context, reflect, encoding/*, compress/*, crypto/* or
// gonum, which only amd64 without AVX2 uses, would each add tens of
// kilobytes, gzipped).
var wasmImports = []string{
	"errors", "io", "math", "math/bits", "math/rand/v2", "strconv", "strings",
	"sync", "sync/atomic", "runtime", "slices", "sort", "unsafe", "inkling/internal/simd",
}

// TestWasmImports builds the import graph of nn for GOOS=js GOARCH=wasm and
// fails on any package outside wasmImports and what they import themselves.
func TestWasmImports(t *testing.T) {
	if runtime.GOOS == "js" {
		t.Skip("needs the go command; checked by the native tests")
	}
	goList := func(args ...string) []string {
		t.Helper()
		cmd := exec.Command("go", append([]string{"list"}, args...)...)
		cmd.Env = append(cmd.Environ(), "GOOS=js", "GOARCH=wasm")
		out, err := cmd.Output()
		if err != nil {
			msg := ""
			if e, ok := err.(*exec.ExitError); ok {
				msg = string(e.Stderr)
			}
			t.Fatalf("go list %v: %v\n%s", args, err, msg)
		}
		return strings.Fields(string(out))
	}
	for _, p := range goList("-f", "{{join .Imports \" \"}}", "inkling/nn") {
		if !slices.Contains(wasmImports, p) {
			t.Errorf("nn imports %s, which is not allowed in the WebAssembly build (see wasmImports)", p)
		}
	}
	allowed := goList(append([]string{"-deps"}, wasmImports...)...)
	for _, p := range goList("-deps", "inkling/nn") {
		if p != "inkling/nn" && !slices.Contains(allowed, p) {
			t.Errorf("nn depends on %s, which none of the allowed imports brings in", p)
		}
	}
}
