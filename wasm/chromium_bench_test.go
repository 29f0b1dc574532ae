//go:build !js

package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"inkling/mnist"
	"inkling/mnist/ink"
)

// BenchmarkChromiumPredict times inkling.predict as the page calls it, in
// headless Chromium: the wasm built as `make wasm` builds it and started by
// web/engine.js (its SIMD kernels, its fast path), the shipped weights, and pen digits (data/pendigits-train-strokes.json) drawn with
// ink.Rasterize on the page's ink canvas (ink.PadSide pixels square) as the page draws them (two thirds of the
// pad, centred, the page's pen), a different digit each call. Each call is
// timed with performance.now() around inkling.predict alone (preprocessing
// and network included; the canvas readback not), on a cross-origin isolated
// page (COOP and COEP headers) so that the timer's resolution is 5 µs, as the
// TF.js reference in ../shared/anchors/tfjs is timed. It reports the median,
// the 10th and 90th percentiles and the share of digits read right, and the
// medians of three parts timed beside it (see benchPage), once, whatever
// b.N; run it with -benchtime 1x:
//
//	go test -run XXX -bench ChromiumPredict -benchtime 1x ./wasm/
//
// Chromium is $CHROME_PATH, else chromium on PATH; without it the benchmark
// is skipped.
func BenchmarkChromiumPredict(b *testing.B) {
	chrome := os.Getenv("CHROME_PATH")
	if chrome == "" {
		var err error
		if chrome, err = exec.LookPath("chromium"); err != nil {
			b.Skip("no chromium on PATH and CHROME_PATH is not set")
		}
	}
	const n, warmup, side = 1000, 200, ink.PadSide
	wasm := buildWasm(b)
	gray, labels := penDigits(b, n, side)
	model, err := os.ReadFile("../weights/model.bin")
	if err != nil {
		b.Fatal(err)
	}

	mux := http.NewServeMux()
	serve := func(path, typ string, data []byte) {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", typ)
			w.Write(data)
		})
	}
	engine, err := os.ReadFile("../web/engine.js")
	if err != nil {
		b.Fatal(err)
	}
	serve("/{$}", "text/html; charset=utf-8", []byte(benchPage))
	serve("/web/engine.js", "text/javascript", engine)
	serve("/weights/model.bin", "application/octet-stream", model)
	serve("/digits.bin", "application/octet-stream", gray)
	serve("/labels.bin", "application/octet-stream", labels)
	mux.HandleFunc("/web/inkling.wasm", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/wasm")
		http.ServeFile(w, r, wasm)
	})
	mux.HandleFunc("/web/wasm_exec.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		http.ServeFile(w, r, wasmExecJS())
	})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Cross-Origin-Opener-Policy", "same-origin")
		w.Header().Set("Cross-Origin-Embedder-Policy", "require-corp")
		w.Header().Set("Cross-Origin-Resource-Policy", "same-origin")
		mux.ServeHTTP(w, r)
	}))
	defer srv.Close()

	dir := b.TempDir()
	actx, acancel := chromedp.NewExecAllocator(context.Background(), append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chrome), chromedp.UserDataDir(dir),
		chromedp.Flag("headless", true), chromedp.Flag("no-sandbox", true), chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
	)...)
	defer acancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	url := srv.URL + "/?n=" + strconv.Itoa(n) + "&warmup=" + strconv.Itoa(warmup) + "&side=" + strconv.Itoa(side)
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		b.Fatal(err)
	}
	tctx, tcancel := context.WithTimeout(ctx, 3*time.Minute)
	defer tcancel()
	res, err := chromedp.Run(tctx, chromedp.Evaluate[benchResult]("window.benchDone", chromedp.EvalAwaitPromise))
	if err != nil {
		b.Fatal(err)
	}
	if !res.Isolated {
		b.Error("the page was not cross-origin isolated: the timer is coarse")
	}
	b.Logf("%s, %s, SIMD %v: median %.4f ms, p10 %.4f, p90 %.4f, min %.4f over %d predictions (after %d to warm up); %.1f%% read right",
		time.Now().UTC().Format(time.DateOnly), res.UserAgent, res.SIMD, res.Median, res.P10, res.P90, res.Min, res.N, warmup, 100*res.Accuracy)
	b.Logf("parts (medians): classify of the 28×28 input %.4f ms, predict of a blank canvas %.4f, of a 1×1 canvas %.4f",
		res.Classify, res.Blank, res.Pixel)
	b.ReportMetric(res.Median, "ms/predict")
	b.ReportMetric(res.P90, "p90-ms")
	b.ReportMetric(0, "ns/op") // not meaningful: one run whatever b.N
}

// benchResult is what the page measures.
type benchResult struct {
	Median    float64 `json:"median"`
	Classify  float64 `json:"classify"` // the medians of the parts: see benchPage
	Blank     float64 `json:"blank"`
	Pixel     float64 `json:"pixel"`
	P10       float64 `json:"p10"`
	P90       float64 `json:"p90"`
	Min       float64 `json:"min"`
	N         int     `json:"n"`
	Accuracy  float64 `json:"accuracy"`
	Isolated  bool    `json:"isolated"`
	SIMD      bool    `json:"simd"`
	UserAgent string  `json:"userAgent"`
}

// penDigits draws n pen digits, spread over the file and its classes and
// writers, as the page draws them on a side×side canvas: one byte of ink a
// pixel, digit after digit, and their labels.
func penDigits(tb testing.TB, n, side int) (gray, labels []byte) {
	tb.Helper()
	digits, err := mnist.LoadStrokes("")
	if err != nil {
		tb.Fatal(err)
	}
	if len(digits) < n {
		tb.Fatalf("%d pen digits, want %d", len(digits), n)
	}
	gray = make([]byte, n*side*side)
	s := float64(side)
	for i := range n {
		d := digits[i*len(digits)/n]
		strokes := make([]ink.Stroke, len(d.Strokes))
		for j, st := range d.Strokes {
			for _, p := range st {
				strokes[j] = append(strokes[j], ink.Point{X: p[0], Y: p[1]})
			}
		}
		ink.Rasterize(gray[i*side*side:(i+1)*side*side], side, side, ink.Fit(strokes, s*2/3, s/2, s/2), ink.PenWidth*s)
		labels = append(labels, byte(d.Label))
	}
	return gray, labels
}

// benchPage starts the wasm as the page does (web/engine.js), loads the
// weights, then times inkling.predict on each digit in turn, as the page
// calls it: RGBA pixels of opaque ink on a transparent canvas.
const benchPage = `<!doctype html>
<meta charset="utf-8">
<title>inkling predict benchmark</title>
<script type="module">
import { engine, model } from '/web/engine.js';
window.benchDone = (async () => {
  const q = new URLSearchParams(location.search);
  const N = +q.get('n'), WARMUP = +q.get('warmup'), S = +q.get('side'), P = S * S;
  const inkling = await engine();
  const { id, simd } = await model('/weights/model.bin');
  const bytes = async (url) => new Uint8Array(await (await fetch(url)).arrayBuffer());
  const gray = await bytes('/digits.bin'), labels = await bytes('/labels.bin');
  const rgba = new Uint8ClampedArray(4 * P);
  const draw = (k) => {
    const g = gray.subarray(k * P, (k + 1) * P);
    for (let i = 0; i < P; i++) rgba[4 * i + 3] = g[i];
  };
  for (let i = 0; i < WARMUP; i++) {
    draw(i % labels.length);
    inkling.predict(rgba, S, S, id);
  }
  const lat = [];
  let right = 0;
  for (let i = 0; i < N; i++) {
    const k = i % labels.length;
    draw(k);
    const t = performance.now();
    const r = inkling.predict(rgba, S, S, id);
    lat.push(performance.now() - t);
    if (r.error) throw new Error(r.error);
    if (r.digit === labels[k]) right++;
  }
  // Where the time goes, each part timed in turn on the same digits: the
  // network alone (classify of predict's 28×28 input), the glue and the scan
  // of a blank canvas (predict finds no ink), the glue alone (a 1×1 canvas).
  const parts = { classify: [], blank: [], pixel: [] };
  const blank = new Uint8ClampedArray(4 * P), pixel = new Uint8ClampedArray(4);
  const time = (list, f) => {
    const t = performance.now();
    f();
    list.push(performance.now() - t);
  };
  for (let i = 0; i < N; i++) {
    draw(i % labels.length);
    const input = inkling.predict(rgba, S, S, id).input;
    time(parts.classify, () => inkling.classify(input, id));
    time(parts.blank, () => inkling.predict(blank, S, S, id));
    time(parts.pixel, () => inkling.predict(pixel, 1, 1, id));
  }
  const median = (lat) => {
    lat.sort((a, b) => a - b);
    const mid = lat.length >> 1;
    return lat.length % 2 ? lat[mid] : (lat[mid - 1] + lat[mid]) / 2;
  };
  const at = (p) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))];
  return {
    median: median(lat), classify: median(parts.classify), blank: median(parts.blank), pixel: median(parts.pixel),
    p10: at(0.1), p90: at(0.9), min: lat[0], n: N, accuracy: right / N,
    isolated: self.crossOriginIsolated, userAgent: navigator.userAgent, simd,
  };
})();
</script>
`
