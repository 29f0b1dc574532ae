//go:build !js

package main

import (
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"inkling/mnist"
	"inkling/nn"
)

// finish quantises the trained model, writes the model file, evaluates it
// and writes the report.
func finish(o *options, w io.Writer, m *nn.Sequential, st *trainState, test *mnist.Set, testX []float32,
	penVal []penDigit, penValX []float32, penValY []uint8, trainSeconds float64) error {
	float := evaluate(m, testX, test.Labels)
	meta := [][2]string{
		{"trained_with", "go run ./tools/train " + strings.Join(os.Args[1:], " ")},
		{"recipe", recipe(o)},
		{"epochs", strconv.Itoa(o.epochs)},
		{"best_epoch", strconv.Itoa(st.BestEpoch)},
		{"bits", strconv.Itoa(o.bits)},
		{"test_accuracy_float32", fmt.Sprintf("%.4f", float.Accuracy)},
	}
	data, err := m.MarshalModel(&nn.EncodeOptions{Bits: o.bits, Meta: meta})
	if err != nil {
		return err
	}
	q, _, err := nn.LoadModel(data)
	if err != nil {
		return err
	}
	quant := evaluate(q, testX, test.Labels)
	// Store the quantised accuracy too: the page may show it.
	meta = append(meta, [2]string{"test_accuracy", fmt.Sprintf("%.4f", quant.Accuracy)})
	if data, err = m.MarshalModel(&nn.EncodeOptions{Bits: o.bits, Meta: meta}); err != nil {
		return err
	}
	if err := writeFileAtomic(o.out, data); err != nil {
		return err
	}
	pre := evaluate(q, preprocessAll(test), test.Labels)
	var pen result
	if len(penVal) > 0 {
		pen = evaluate(q, penValX, penValY)
	}

	fmt.Fprintf(w, "\nKept epoch %d of %d (%s). Wrote %s: %s bytes, kernels quantised to %d bits.\n",
		st.BestEpoch, o.epochs, keptBecause(o), o.out, commas(len(data)), o.bits)
	fmt.Fprintf(w, "Test accuracy: %.2f%% (float32 %.2f%%), loss %.4f, on %d images; through the page's preprocessing %.2f%%\n",
		100*quant.Accuracy, 100*float.Accuracy, quant.Loss, quant.N, 100*pre.Accuracy)
	if len(penVal) > 0 {
		fmt.Fprintf(w, "Pen digits of held-out writers %s, drawn as on the page: %.2f%% of %d; most common mistakes: %s\n",
			o.valWriters, 100*pen.Accuracy, pen.N, describeMistakes(&pen.Confusion))
	}
	fmt.Fprintf(w, "Training took %s.\n", seconds(secondsDuration(trainSeconds)))

	if o.report != "" {
		if err := writeTrainReport(o, st, test, quant, float, pre, pen, len(data), trainSeconds); err != nil {
			return err
		}
		fmt.Fprintf(w, "Report: %s\n", o.report)
	}
	if o.jsonOut {
		out := map[string]any{
			"test_accuracy": quant.Accuracy, "test_loss": quant.Loss, "n": quant.N,
			"epochs": o.epochs, "seconds": math.Round(trainSeconds*10) / 10, "seed": o.seed,
			"best_epoch": st.BestEpoch, "test_accuracy_float32": float.Accuracy,
			"test_accuracy_preprocessed": pre.Accuracy, "model": o.out, "model_bytes": len(data),
		}
		if len(penVal) > 0 {
			out["pen_val_accuracy"] = pen.Accuracy
		}
		return printJSON(w, out)
	}
	return nil
}

func keptBecause(o *options) string {
	if o.valMNIST == 0 && o.strokes == "" {
		return "the last one: no validation data"
	}
	return "best on validation: held-out MNIST images and pen writers"
}

func describeMistakes(c *confusion) string {
	var parts []string
	for _, m := range topConfusions(c, 3) {
		parts = append(parts, fmt.Sprintf("%d read as %d (%d×)", m.True, m.Predicted, m.Count))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// writeReportFile writes dir/name atomically.
func writeReportFile(dir, name string, write func(io.Writer) error) error {
	return writeAtomic(filepath.Join(dir, name), write)
}

func writeTrainReport(o *options, st *trainState, test *mnist.Set, quant, float, pre, pen result, modelBytes int, trainSeconds float64) error {
	nan := math.NaN()
	var trainLoss, testLoss, trainAcc, testAcc, valAcc, penAcc []float64
	for _, e := range st.History {
		trainLoss, testLoss = append(trainLoss, e.Loss), append(testLoss, e.TestLoss)
		trainAcc, testAcc = append(trainAcc, e.Accuracy), append(testAcc, e.TestAcc)
		valAcc, penAcc = append(valAcc, orNaN(e.ValAccuracy, nan)), append(penAcc, orNaN(e.PenAccuracy, nan))
	}
	loss := []curve{{name: "train", values: trainLoss, color: blue}, {name: "test", values: testLoss, color: orange, dashed: true}}
	acc := []curve{{name: "train", values: trainAcc, color: blue}, {name: "test", values: testAcc, color: orange, dashed: true}}
	if o.valMNIST > 0 {
		acc = append(acc, curve{name: "validation (MNIST)", values: valAcc, color: green, dashed: true})
	}
	if pen.N > 0 {
		acc = append(acc, curve{name: "validation (pen writers)", values: penAcc, color: purple})
	}
	if err := writeReportFile(o.report, "history.png", func(w io.Writer) error { return writeHistoryPNG(w, loss, acc) }); err != nil {
		return err
	}
	if err := writeEvalReport(o.report, test, quant); err != nil {
		return err
	}
	if pen.N > 0 {
		title := "Pen digits, held-out writers " + o.valWriters
		if err := writeReportFile(o.report, "confusion-pen.png", func(w io.Writer) error { return writeConfusionPNG(w, &pen.Confusion, title) }); err != nil {
			return err
		}
	}
	metrics := map[string]any{
		"recipe": recipe(o), "epochs": o.epochs, "best_epoch": st.BestEpoch, "seed": o.seed,
		"seconds": trainSeconds, "history": st.History, "model": o.out, "model_bytes": modelBytes, "bits": o.bits,
		"test": quant, "test_float32": float, "test_preprocessed": pre,
		"test_top_confusions": topConfusions(&quant.Confusion, 10),
	}
	if pen.N > 0 {
		metrics["pen_val"] = pen
		metrics["pen_val_top_confusions"] = topConfusions(&pen.Confusion, 10)
	}
	return writeJSONFile(o.report, "metrics.json", metrics)
}

// writeEvalReport writes confusion.png and mistakes.png for the test set.
func writeEvalReport(dir string, test *mnist.Set, r result) error {
	title := fmt.Sprintf("MNIST test set: %.2f%% of %d", 100*r.Accuracy, r.N)
	if err := writeReportFile(dir, "confusion.png", func(w io.Writer) error { return writeConfusionPNG(w, &r.Confusion, title) }); err != nil {
		return err
	}
	var imgs []*image.Gray
	var captions []string
	for i, p := range r.Predicted {
		if p != test.Labels[i] && len(imgs) < 100 {
			imgs = append(imgs, test.Gray(i))
			captions = append(captions, fmt.Sprintf("true %d → %d", test.Labels[i], p))
		}
	}
	if len(imgs) == 0 {
		return nil
	}
	grid := mnist.Grid(imgs, captions, 10)
	return writeReportFile(dir, "mistakes.png", func(w io.Writer) error { return png.Encode(w, grid) })
}

func writeJSONFile(dir, name string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return writeReportFile(dir, name, func(w io.Writer) error {
		_, err := w.Write(append(b, '\n'))
		return err
	})
}

func orNaN(v, nan float64) float64 {
	if v == 0 {
		return nan
	}
	return v
}

// commas formats n with thousands separators.
func commas(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
