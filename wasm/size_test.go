//go:build !js

package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The page's download budget: everything a first visit loads, each file
// compressed with gzip -9 as a static host would send it. A TF.js page of
// the same model needs about 2.7 MB.
const (
	budgetTotal = 1_000_000 // bytes, gzip -9, all files
	budgetWasm  = 600_000   // bytes, gzip -9, web/inkling.wasm alone
)

// pageFiles lists what the page loads on a first visit, relative to the
// repository's root: the service worker's FILES (the page's own files, which
// it keeps for offline use) and sw.js itself.
func pageFiles(tb testing.TB) []string {
	tb.Helper()
	b, err := os.ReadFile("../sw.js")
	if err != nil {
		tb.Fatal(err)
	}
	m := regexp.MustCompile(`(?s)const FILES = \[(.*?)\]`).FindSubmatch(b)
	if m == nil {
		tb.Fatal("sw.js: no `const FILES = [...]` list")
	}
	files := []string{"sw.js"}
	for _, q := range regexp.MustCompile(`'([^']+)'`).FindAllSubmatch(m[1], -1) {
		files = append(files, string(q[1]))
	}
	if len(files) < 5 {
		tb.Fatalf("sw.js: FILES lists only %q", files[1:])
	}
	return files
}

// gzipSize is the size of path compressed by `gzip -9 -n` (no file name or
// time in the header, as a server sends it).
func gzipSize(tb testing.TB, path string) int {
	tb.Helper()
	out, err := exec.Command("gzip", "-9", "-n", "-c", path).Output()
	if err != nil {
		tb.Fatalf("gzip -9 %s: %v", path, err)
	}
	return len(out)
}

// TestDownloadBudget builds the wasm as `make wasm` does and checks the
// page's first download against the budget, printing the table.
func TestDownloadBudget(t *testing.T) {
	if _, err := exec.LookPath("gzip"); err != nil {
		t.Fatal("gzip is needed to measure the download: ", err)
	}
	wasm := buildWasm(t)
	var table strings.Builder
	fmt.Fprintf(&table, "%-26s %10s %10s\n", "file", "bytes", "gzip -9")
	total, wasmGz := 0, 0
	for _, f := range pageFiles(t) {
		path := filepath.Join("..", filepath.FromSlash(f))
		switch f {
		case "web/inkling.wasm":
			path = wasm // as built now, not a stale copy
		case "web/wasm_exec.js":
			path = wasmExecJS() // what make wasm copies
		}
		st, err := os.Stat(path)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		gz := gzipSize(t, path)
		total += gz
		if f == "web/inkling.wasm" {
			wasmGz = gz
		}
		fmt.Fprintf(&table, "%-26s %10d %10d\n", f, st.Size(), gz)
	}
	fmt.Fprintf(&table, "%-26s %10s %10d (budget %d)\n", "total", "", total, budgetTotal)
	if wasmGz == 0 {
		t.Error("sw.js's FILES does not list web/inkling.wasm")
	}
	if wasmGz > budgetWasm {
		t.Errorf("web/inkling.wasm is %d bytes gzip -9, over its budget of %d", wasmGz, budgetWasm)
	}
	if total > budgetTotal || wasmGz > budgetWasm {
		t.Errorf("the first visit downloads %d bytes gzip -9 (budget %d):\n%s", total, budgetTotal, table.String())
	} else {
		t.Log("the page's first download:\n" + table.String())
	}
}
