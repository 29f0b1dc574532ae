package simd

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// TestSIMDGenerated checks that code.go holds simd.wat as wat2wasm
// assembles it (go run ./tools/simd writes it). It needs wat2wasm (WABT);
// under CI=true its absence fails the test.
func TestSIMDGenerated(t *testing.T) {
	if runtime.GOOS == "js" {
		t.Skip("needs wat2wasm; checked by the native tests")
	}
	if _, err := exec.LookPath("wat2wasm"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("wat2wasm is not installed (Debian: apt-get install wabt); .ci/run installs it")
		}
		t.Skip("wat2wasm is not installed (Debian: apt-get install wabt)")
	}
	out := filepath.Join(t.TempDir(), "simd.wasm")
	if b, err := exec.Command("wat2wasm", "simd.wat", "-o", out).CombinedOutput(); err != nil {
		t.Fatalf("wat2wasm simd.wat: %v\n%s", err, b)
	}
	wasm, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if string(wasm) != code {
		t.Errorf("code.go (%d bytes) is not simd.wat assembled (%d bytes): run go run ./tools/simd", len(code), len(wasm))
	}
}
