//go:build !js

package main

import (
	"encoding/binary"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"inkling/mnist"
	"inkling/mnist/ink"
	"inkling/nn"
)

// TestWasmParity checks that the page's numbers are the trainer's: the first
// 1,000 MNIST test images, each as given and through the page's
// preprocessing, run natively here and then, compiled to WebAssembly, under
// Node (TestParityJS in parity_js_test.go, given this test's results); the
// top digits must agree and every probability within 1e-6.
func TestWasmParity(t *testing.T) {
	if _, err := exec.LookPath("node"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("node is not installed; the WebAssembly tests need it")
		}
		t.Skip("node is not installed: the WebAssembly half cannot run")
	}
	_, test, err := mnist.LoadData()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("../weights/model.bin")
	if err != nil {
		t.Fatal(err)
	}
	p, _, err := nn.LoadPredictor(data)
	if err != nil {
		t.Fatal(err)
	}
	ref := parityRecords(test, p, 1000)
	file := filepath.Join(t.TempDir(), "parity.bin")
	if err := os.WriteFile(file, ref, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "test", "-count=1", "-v", "-run", "^TestParityJS$", ".")
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "INKLING_PARITY_REF="+file,
		"PATH="+filepath.Join(runtime.GOROOT(), "lib", "wasm")+string(os.PathListSeparator)+os.Getenv("PATH"))
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestParityJS") {
		t.Fatalf("the WebAssembly half failed (%v):\n%s", err, out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, "parity") && strings.Contains(line, "max") {
			t.Log(strings.TrimSpace(line))
		}
	}
}

// parityRecords runs the first n images of s natively and returns, per
// image: its 784 pixels, then the 10 probabilities for the image as given
// (pixel/255) and the 10 for it through ink.FromGray, as float32.
func parityRecords(s *mnist.Set, p *nn.Predictor, n int) []byte {
	var out []byte
	x := make([]float32, 784)
	probs := make([]float32, 10)
	for i := range n {
		img := s.Image(i)
		out = append(out, img...)
		for j, v := range img {
			x[j] = float32(v) / 255
		}
		for pass := range 2 {
			if pass == 1 {
				if err := ink.FromGray(x, img, 28, 28); err != nil {
					clear(x)
				}
			}
			p.PredictOne(probs, x)
			for _, q := range probs {
				out = binary.LittleEndian.AppendUint32(out, math.Float32bits(q))
			}
		}
	}
	return out
}
