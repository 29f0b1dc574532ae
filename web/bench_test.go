//go:build !js

package web

// Measurements of the page in headless Chromium (benchmarks, never
// assertions). Run them alone, on a quiet machine if you can:
//
//	go test ./web -run XXX -bench . -benchtime 1x
//
// BenchmarkReady: 20 cold loads, each in a fresh browser context with the
// cache off, from navigation start to html[data-ready=true], on localhost.
// BenchmarkPredict: one prediction as the page makes it (getImageData of
// its hidden ink canvas of inkling.side pixels, then inkling.predict: preprocessing and
// network), on 1,000 held-out pen digits drawn with the mouse, on a
// cross-origin isolated page (COOP/COEP headers) so that performance.now()
// has 5 µs resolution, as the TF.js anchor (../shared/anchors/tfjsbench)
// is timed; then inkling.predict alone on the 28×28 images the network saw,
// the nearest to the anchor's model.predict on a 28×28 tensor. Both
// report the median and the 10th and 90th percentiles, and write
// $INKLING_REPORT_DIR/bench-ready.json and bench-predict.json when that is
// set.

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// readyAtJS is in every document (see instrument): the time, from
// navigation start, when html[data-ready] became "true".
const readyAtJS = `globalThis.__readyAt`

// A spread is the median and the 10th and 90th percentiles of times in ms.
type spread struct{ median, p10, p90 float64 }

// quantiles returns the spread of v.
func quantiles(v []float64) spread {
	s := slices.Clone(v)
	slices.Sort(s)
	at := func(q float64) float64 { return s[min(len(s)-1, int(q*float64(len(s))))] }
	var median float64
	if n := len(s); n%2 == 0 {
		median = (s[n/2-1] + s[n/2]) / 2
	} else {
		median = s[n/2]
	}
	return spread{median, at(0.1), at(0.9)}
}

func (s spread) String() string {
	return fmt.Sprintf("median %.3f ms (p10 %.3f, p90 %.3f)", s.median, s.p10, s.p90)
}

// addTo puts the spread in a report as prefix+"median_ms", "p10_ms" and
// "p90_ms".
func (s spread) addTo(report map[string]any, prefix string) {
	report[prefix+"median_ms"] = s.median
	report[prefix+"p10_ms"] = s.p10
	report[prefix+"p90_ms"] = s.p90
}

func BenchmarkReady(b *testing.B) {
	browser(b)
	origin := serve(b, nil)
	const loads = 20
	var ms []float64
	for range b.N {
		for range loads {
			p := newTab(b, desktop) // a fresh browser context: no cache, no service worker
			p.call(func(ctx context.Context) error {
				_, err := chromedp.Call(ctx, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true})
				return err
			})
			p.openReady(origin + "/")
			ms = append(ms, eval[float64](p, readyAtJS))
			p.close()
		}
	}
	ready := quantiles(ms)
	b.ReportMetric(ready.median, "ms-ready-median")
	b.ReportMetric(ready.p10, "ms-ready-p10")
	b.ReportMetric(ready.p90, "ms-ready-p90")
	b.Logf("navigation start → data-ready, %d cold loads: %v", len(ms), ready)
	report := map[string]any{
		"benchmark":    "BenchmarkReady",
		"date":         time.Now().UTC().Format(time.RFC3339),
		"model_sha256": modelSum(b),
		"what":         "navigation start to html[data-ready=true], fresh browser context, cache disabled, localhost, desktop viewport",
		"loads":        len(ms),
		"all_ms":       ms,
	}
	ready.addTo(report, "")
	writeReport(b, "bench-ready.json", report)
}

// isolate adds the headers that make the page cross-origin isolated.
func isolate(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cross-Origin-Opener-Policy", "same-origin")
		w.Header().Set("Cross-Origin-Embedder-Policy", "require-corp")
		w.Header().Set("Cross-Origin-Resource-Policy", "same-origin")
		h.ServeHTTP(w, r)
	})
}

// timePredictJS times one prediction as predictNow makes it, on the
// hidden ink canvas, then clears the pad for the next digit.
const timePredictJS = `(() => {
  const ctx = ` + inkCanvasJS + `.getContext('2d', { willReadFrequently: true });
  const t0 = performance.now();
  const rgba = ctx.getImageData(0, 0, inkling.side, inkling.side).data;
  const t1 = performance.now();
  const r = inkling.predict(rgba, inkling.side, inkling.side);
  const t2 = performance.now();
  (globalThis.__inputs ||= []).push(r.input);
  document.getElementById('clear').click();
  return {total: t2 - t0, predict: t2 - t1, digit: r.digit};
})()`

// timeSmallJS times inkling.predict once on each 28×28 image the network
// saw (as RGBA, ink in alpha): the same network, next to no preprocessing,
// so the closest to what the TF.js anchor times (model.predict on a 28×28
// tensor).
const timeSmallJS = `(() => {
  const ms = [];
  for (const input of __inputs) {
    const rgba = new Uint8ClampedArray(4 * 784);
    for (let i = 0; i < 784; i++) rgba[4 * i + 3] = input[i];
    const t0 = performance.now();
    inkling.predict(rgba, 28, 28);
    ms.push(performance.now() - t0);
  }
  return ms;
})()`

func BenchmarkPredict(b *testing.B) {
	browser(b)
	origin := serve(b, isolate)
	digits := sample(b, 100)
	var total, predict, small []float64
	right := 0
	var params string
	for range b.N {
		p := readyTab(b, desktop, origin+"/")
		if !eval[bool](p, `crossOriginIsolated`) {
			b.Fatal("the page is not cross-origin isolated: performance.now() would be coarse")
		}
		params = eval[string](p, `document.getElementById('about').textContent`)
		rect := p.pad()
		for _, d := range digits {
			p.draw(onPad(large(d), rect))
			r := eval[struct {
				Total, Predict float64
				Digit          int
			}](p, timePredictJS)
			total = append(total, r.Total)
			predict = append(predict, r.Predict)
			if r.Digit == d.Label {
				right++
			}
		}
		small = append(small, eval[[]float64](p, timeSmallJS)...)
		p.close()
	}
	both, alone, in28 := quantiles(total), quantiles(predict), quantiles(small)
	b.ReportMetric(both.median*1000, "µs-median")
	b.ReportMetric(alone.median*1000, "µs-predict-only-median")
	b.ReportMetric(in28.median*1000, "µs-28x28-median")
	b.Logf("%d predictions on %d pen digits (%s): getImageData+predict %v; predict alone %v; %d right",
		len(total), len(digits), params, both, alone, right)
	b.Logf("predict on the 28×28 images the network saw (next to no preprocessing): %v", in28)
	report := map[string]any{
		"benchmark":    "BenchmarkPredict",
		"date":         time.Now().UTC().Format(time.RFC3339),
		"model_sha256": modelSum(b),
		"what":         "getImageData(the hidden inkling.side×inkling.side ink canvas) + inkling.predict, one call per held-out pen digit drawn with the mouse (two thirds of the pad), cross-origin isolated (5 µs timer)",
		"calls":        len(total),
		"digits":       len(digits),
		"model":        params,
		"right":        right,
	}
	both.addTo(report, "")
	alone.addTo(report, "predict_only_")
	in28.addTo(report, "input28_")
	writeReport(b, "bench-predict.json", report)
}
