//go:build !js

package main

import (
	"bytes"
	"image/png"
	"math"
	"os"
	"testing"
)

func TestPlotsDecode(t *testing.T) {
	nan := math.NaN()
	var buf bytes.Buffer
	err := writeHistoryPNG(&buf,
		[]curve{{name: "train", values: []float64{0.2, 0.1, 0.05}, color: blue}, {name: "test", values: []float64{0.1, 0.08, nan}, color: orange, dashed: true}},
		[]curve{{name: "train", values: []float64{0.94, 0.97, 0.98}, color: blue}, {name: "test", values: []float64{0.97, 0.98, 0.985}, color: orange, dashed: true}})
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() < 300 || b.Dy() < 100 {
		t.Errorf("history.png is %v", b)
	}
	if d := os.Getenv("PLOTS_OUT"); d != "" {
		os.WriteFile(d+"/history.png", buf.Bytes(), 0o644)
	}
	var c confusion
	for i := range 10 {
		c[i][i] = 970 + i
		c[i][(i+3)%10] = i
	}
	buf.Reset()
	if err := writeConfusionPNG(&buf, &c, "MNIST test set"); err != nil {
		t.Fatal(err)
	}
	if _, err := png.Decode(bytes.NewReader(buf.Bytes())); err != nil {
		t.Fatal(err)
	}
	if d := os.Getenv("PLOTS_OUT"); d != "" {
		os.WriteFile(d+"/confusion.png", buf.Bytes(), 0o644)
	}
}
