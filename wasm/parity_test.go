//go:build !js

package main

import (
	"encoding/binary"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"inkling/mnist"
	"inkling/nn"
)

// TestWasmParity checks that the page's numbers are the trainer's: the first
// 1,000 MNIST test images, each as given and through the page's
// preprocessing, run natively here and then, compiled to WebAssembly, under
// Node (TestParityJS in parity_js_test.go, given this test's results), built
// as the page is (the wasmsimd tag, through wasm/node's runner) and plain
// (Go's code, through Go's own runner); the top digits must agree and every
// probability within parityTol(simd.Built).
func TestWasmParity(t *testing.T) {
	if _, err := exec.LookPath("node"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("node is not installed; the WebAssembly tests need it")
		}
		t.Skip("node is not installed: the WebAssembly half cannot run")
	}
	simdRunner, err := filepath.Abs("node") // go_js_wasm_exec, with the SIMD kernels' imports
	if err != nil {
		t.Fatal(err)
	}
	_, test, err := mnist.LoadData()
	if err != nil {
		t.Fatal(err)
	}
	ref := parityRecords(test, shippedPredictor(t), 1000)
	file := filepath.Join(t.TempDir(), "parity.bin")
	if err := os.WriteFile(file, ref, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, build := range []struct{ name, tags, runner string }{
		{"simd", "wasmsimd", simdRunner},
		{"go", "", filepath.Join(runtime.GOROOT(), "lib", "wasm")},
	} {
		t.Run(build.name, func(t *testing.T) {
			cmd := exec.Command("go", "test", "-tags", build.tags, "-count=1", "-v", "-run", "^TestParityJS$", ".")
			cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "INKLING_PARITY_REF="+file,
				"PATH="+build.runner+string(os.PathListSeparator)+os.Getenv("PATH"))
			out, err := cmd.CombinedOutput()
			if err != nil || !strings.Contains(string(out), "--- PASS: TestParityJS") {
				t.Fatalf("the WebAssembly half failed (%v):\n%s", err, out)
			}
			for _, line := range strings.Split(string(out), "\n") {
				if strings.Contains(line, "parity") && strings.Contains(line, "max") {
					t.Log(strings.TrimSpace(line))
				}
			}
		})
	}
}

// parityRecords runs the first n images of s natively and returns, per
// image: its 784 pixels, then its 2×10 probabilities from parityProbs as
// float32.
func parityRecords(s *mnist.Set, p *nn.Predictor, n int) []byte {
	var out []byte
	x := make([]float32, 784)
	var probs [2][10]float32
	for i := range n {
		img := s.Image(i)
		out = append(out, img...)
		parityProbs(p, img, x, &probs)
		for _, q := range slices.Concat(probs[0][:], probs[1][:]) {
			out = binary.LittleEndian.AppendUint32(out, math.Float32bits(q))
		}
	}
	return out
}
