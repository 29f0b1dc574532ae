//go:build !js

package web

// globalThis.inkling, the Go↔JS API, in Chromium: abused from JavaScript,
// and called many times.

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/heapprofiler"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// inkCanvasJS is JavaScript for the page's hidden ink canvas, whose pixels
// predictNow reads: one the page made (see instrument), inkling.side pixels
// square, not in the document.
const inkCanvasJS = `(() => {
  const ink = __inklingCanvases.find((c) => c.width === inkling.side && c.height === inkling.side && !c.isConnected);
  if (!ink) throw new Error('the page has no hidden ink canvas of inkling.side pixels');
  return ink;
})()`

// inkPixelsJS is JavaScript that returns the ink canvas's pixels, as
// predictNow reads them.
const inkPixelsJS = inkCanvasJS + `.getContext('2d', { willReadFrequently: true }).getImageData(0, 0, inkling.side, inkling.side).data`

// simdJS is JavaScript that tells whether the page's Go runs its WebAssembly
// SIMD kernels (internal/simd), as web/engine.js records it once asked.
const simdJS = `globalThis[Symbol.for('inkling.engine')].simd === true`

// A prediction as JSON-friendly values.
type prediction struct {
	Digit  int       `json:"digit"`
	Probs  []float64 `json:"probs"`
	Unsure bool      `json:"unsure"`
	Error  string    `json:"error"`
}

// drawnDigit opens the page, draws a held-out 5 and returns the tab.
func drawnDigit(t *testing.T) *tab {
	t.Helper()
	p := readyTab(t, desktop, serve(t, nil)+"/")
	p.drawDigit(5)
	if a := p.answer(); a.Digit != "5" {
		t.Fatalf("a held-out 5 drawn on the page reads %+v; the tests below need a sure answer", a)
	}
	eval[bool](p, `(globalThis.__good = `+inkPixelsJS+`, true)`)
	return p
}

// goodPredict is JavaScript that predicts the drawn digit from __good.
const goodPredict = `(() => { const r = inkling.predict(__good, inkling.side, inkling.side); return {digit: r.digit, probs: r.probs ? Array.from(r.probs) : null, unsure: !!r.unsure, error: r.error || ''}; })()`

// tallyJS is a JavaScript function (kinds, n) that calls inkling.predict n
// times, cycling through kinds (a name → a function of the call's index that
// returns the arguments), and returns what each kind of call did, as
// outcomes: {calls, errors, threw, answered, example}.
const tallyJS = `((kinds, n) => {
  const names = Object.keys(kinds);
  const out = {};
  for (const k of names) out[k] = { calls: 0, errors: 0, threw: 0, answered: 0, example: '' };
  for (let i = 0; i < n; i++) {
    const k = names[i % names.length];
    const o = out[k];
    o.calls++;
    let r;
    try {
      r = inkling.predict(...kinds[k](i));
    } catch (e) {
      o.threw++;
      o.example ||= 'threw ' + String(e && e.message || e);
      continue;
    }
    if (r && typeof r.error === 'string' && r.error !== '') {
      o.errors++;
      o.example ||= r.error;
    } else {
      o.answered++;
      o.example ||= 'answered ' + JSON.stringify(r && {digit: r.digit, noInk: r.noInk});
    }
  }
  return out;
})`

// abuseJS calls inkling.predict n times with malformed arguments, cycling
// through the kinds below (sizes vary with the call's index), and returns
// what each kind of call did. Every call must answer {error: "..."}: not
// throw, not answer a digit.
const abuseJS = `((n) => {
  const good = __good;
  const S = inkling.side;
  const g = (i) => 1 + (i % 97);
  const kinds = {
    'no arguments': () => [],
    'one argument': () => [good],
    'two arguments': () => [good, S],
    'undefined pixels': (i) => [undefined, S, S],
    'null pixels': () => [null, S, S],
    'string pixels': (i) => ['x'.repeat(g(i)), S, S],
    'number pixels': (i) => [i, S, S],
    'boolean pixels': () => [true, S, S],
    'plain object': () => [{}, S, S],
    'array-like object': (i) => [{ length: 4 * g(i) * g(i) }, g(i), g(i)],
    'plain array': (i) => [new Array(4 * g(i) * g(i)).fill(255), g(i), g(i)],
    'Float32Array': (i) => [new Float32Array(4 * g(i) * g(i)), g(i), g(i)],
    'Uint16Array': (i) => [new Uint16Array(4 * g(i) * g(i)), g(i), g(i)],
    'Int8Array': (i) => [new Int8Array(4 * g(i) * g(i)), g(i), g(i)],
    'ArrayBuffer': (i) => [new ArrayBuffer(4 * g(i) * g(i)), g(i), g(i)],
    'DataView': (i) => [new DataView(new ArrayBuffer(4 * g(i) * g(i))), g(i), g(i)],
    'ImageData object': () => [new ImageData(good, S, S), S, S],
    'function': () => [() => good, S, S],
    'symbol': () => [Symbol('pixels'), S, S],
    'BigInt pixels': () => [123n, S, S],
    'BigInt width': () => [good, BigInt(S), BigInt(S)],
    'string width': () => [good, String(S), String(S)],
    'negative width': () => [good, -S, -S],
    'NaN width': () => [good, NaN, S],
    'infinite height': () => [good, S, Infinity],
    'fractional width': () => [good, S - 0.5, S],
    'object width': () => [good, { valueOf: () => S }, S],
    'huge sides': () => [good, 2 ** 31, 2 ** 31],
    'sides past MaxSide': () => [new Uint8ClampedArray(4 * 8193), 8193, 1],
    'sides do not match the bytes': (i) => [good, S, S - g(i)],
    'one byte short': () => [good.subarray(0, good.length - 1), S, S],
    'one pixel too many': () => [new Uint8ClampedArray(good.length + 4), S, S],
    'zero sides, some bytes': () => [good, 0, 0],
    'width times height overflows': () => [good, 2 ** 30, 2 ** 30],
    'model past 32 bits': () => [good, S, S, 2 ** 32],
    'sides past 32 bits': () => [good, 2 ** 32 + S, S],
    'negative model': () => [good, S, S, -1],
  };
  return (` + tallyJS + `)(kinds, n);
})`

// exoticJS is the same for objects whose very inspection throws: a Proxy
// of a Uint8ClampedArray (instanceof says yes, but reading its length throws), a
// Uint8ClampedArray subclass whose length getter throws (still a real 2×2 array of
// pixels: blank), an object whose prototype chain cannot be read, and a real
// 2×2 Uint8ClampedArray whose prototype chain cannot be read (instanceof
// throws; blank too).
const exoticJS = `((n) => {
  class Throwing extends Uint8ClampedArray { get length() { throw new Error('length'); } }
  const kinds = {
    'Proxy of a Uint8ClampedArray': () => [new Proxy(new Uint8ClampedArray(16), {}), 2, 2],
    'length getter throws': () => [new Throwing(16), 2, 2],
    'getPrototypeOf throws': () => [new Proxy({}, { getPrototypeOf() { throw new Error('proto'); } }), 2, 2],
    'a Proxy in the prototype chain': () => {
      const a = new Uint8ClampedArray(16);
      Object.setPrototypeOf(a, new Proxy(Uint8ClampedArray.prototype, { getPrototypeOf() { throw new Error('proto'); } }));
      return [a, 2, 2];
    },
  };
  return (` + tallyJS + `)(kinds, n);
})`

// An outcome is what one kind of call did, as tallyJS counts it.
type outcome struct {
	Calls    int    `json:"calls"`
	Errors   int    `json:"errors"`
	Threw    int    `json:"threw"`
	Answered int    `json:"answered"`
	Example  string `json:"example"`
}

// tally runs kindsJS (abuseJS or exoticJS) for n calls and returns the
// outcomes by kind, failing the test unless they count n calls.
func tally(p *tab, kindsJS string, n int) map[string]outcome {
	p.tb.Helper()
	out := eval[map[string]outcome](p, fmt.Sprintf("%s(%d)", kindsJS, n))
	calls := 0
	for _, o := range out {
		calls += o.Calls
	}
	if calls != n {
		p.tb.Errorf("%d calls made, want %d", calls, n)
	}
	return out
}

// wasmMemoryJS is JavaScript for the WebAssembly memory's size in bytes.
const wasmMemoryJS = `__inklingGo._inst.exports.mem.buffer.byteLength`

func TestWasmAPI(t *testing.T) {
	t.Parallel()
	browser(t) // skips (fails in CI) here, once, if Chromium or the page is missing
	// 1,000 malformed calls, then the drawn digit again: the same answer.
	t.Run("abuse", func(t *testing.T) {
		t.Parallel()
		p := drawnDigit(t)
		want := eval[prediction](p, goodPredict)
		mem0 := eval[float64](p, wasmMemoryJS)
		out := tally(p, abuseJS, 1000)
		for kind, o := range out {
			if o.Errors != o.Calls {
				t.Errorf("%s: %d calls, %d answered {error}, %d threw, %d answered something else: %s", kind, o.Calls, o.Errors, o.Threw, o.Answered, o.Example)
			}
		}
		t.Logf("1000 malformed calls of %d kinds; e.g. %q", len(out), out["sides do not match the bytes"].Example)
		loads := eval[[]string](p, `[
  inkling.load(), inkling.load(null), inkling.load('weights'), inkling.load(new Uint8Array(0)),
  inkling.load(new Uint8Array(64)), inkling.load(new Float32Array(64)), inkling.load(__good),
].map((r) => (r && r.error) || 'no error: ' + JSON.stringify(r))`)
		for i, msg := range loads {
			if strings.HasPrefix(msg, "no error:") {
				t.Errorf("malformed inkling.load %d: %s", i, msg)
			}
		}
		got := eval[prediction](p, goodPredict)
		if got.Error != "" || got.Digit != want.Digit || fmt.Sprint(got.Probs) != fmt.Sprint(want.Probs) {
			t.Errorf("after the abuse the drawn 5 reads %+v, want %+v", got, want)
		}
		mem1 := eval[float64](p, wasmMemoryJS)
		t.Logf("WebAssembly memory %.1f MiB before the abuse, %.1f MiB after", mem0/(1<<20), mem1/(1<<20))
		// And the page still works with real input.
		p.click("clear")
		p.drawDigit(5)
		if a := p.answer(); a.Digit != "5" {
			t.Errorf("after the abuse, drawing the 5 again reads %+v", a)
		}
		p.checkClean(p.origin())
	})

	// Arguments whose inspection throws in JavaScript. predict inspects its
	// argument only through calls that turn exceptions into Go panics it
	// recovers (wasm/main.go bytesArg), so each must answer {error}, never
	// throw or answer a digit, and the Go instance lives on.
	t.Run("exotic", func(t *testing.T) {
		t.Parallel()
		p := drawnDigit(t)
		want := eval[prediction](p, goodPredict)
		out := tally(p, exoticJS, 30)
		for kind, o := range out {
			t.Logf("%s: %d calls, %d {error}, %d threw, %d answered: %s", kind, o.Calls, o.Errors, o.Threw, o.Answered, o.Example)
			if kind == "length getter throws" || kind == "a Proxy in the prototype chain" {
				// A real Uint8ClampedArray, read by its own bytes: a blank 2×2 pad.
				if o.Answered != o.Calls || !strings.Contains(o.Example, `"noInk":true`) {
					t.Errorf("%s: %d of %d calls answered (%d threw): %s; want no ink every time", kind, o.Answered, o.Calls, o.Threw, o.Example)
				}
				continue
			}
			if o.Answered > 0 || o.Threw > 0 || o.Errors != o.Calls {
				t.Errorf("%s: %d of %d calls answered {error} (%d threw, %d answered)", kind, o.Errors, o.Calls, o.Threw, o.Answered)
			}
		}
		got, err := chromedp.Run(p.ctx, chromedp.Evaluate[prediction](goodPredict))
		if err != nil || got.Error != "" || got.Digit != want.Digit {
			t.Errorf("after calls with throwing arguments, the drawn 5 reads %+v (%v), want %d: the Go instance did not survive", got, err, want.Digit)
		}
	})

	// The page's inkling.predict is web/engine.js's fast path over Go's
	// exports (wasm/fast.go); Go's own predict is kept as predict.go. They
	// must answer alike, to the last bit, on drawings of every kind: the
	// drawn 5, random scribbles of random sizes, blank and tiny canvases,
	// views into larger buffers, and both typed arrays.
	t.Run("fast", func(t *testing.T) {
		t.Parallel()
		p := drawnDigit(t)
		type report struct {
			Fast     bool     `json:"fast"`
			Calls    int      `json:"calls"`
			Digits   int      `json:"digits"`
			NoInk    int      `json:"noInk"`
			Errors   int      `json:"errors"`
			Mismatch []string `json:"mismatch"`
		}
		r := eval[report](p, `(() => {
  const out = { fast: typeof inkling.predict.go === 'function', calls: 0, digits: 0, noInk: 0, errors: 0, mismatch: [] };
  const show = (r) => JSON.stringify(r, (k, v) => (v instanceof Uint8Array ? Array.from(v) : v));
  const check = (name, ...args) => {
    const a = show(inkling.predict(...args)), b = show(inkling.predict.go(...args));
    out.calls++;
    const r = JSON.parse(b);
    if (r.error) out.errors++; else if (r.noInk) out.noInk++; else out.digits++;
    if (a !== b && out.mismatch.length < 5) out.mismatch.push(name + ': fast ' + a.slice(0, 200) + ' go ' + b.slice(0, 200));
  };
  const S = inkling.side;
  check('the drawn 5', __good, S, S);
  check('the drawn 5, model 0', __good, S, S, 0);
  check('the drawn 5, no such model', __good, S, S, 7);
  check('the drawn 5 as a Uint8Array', new Uint8Array(__good), S, S);
  check('blank', new Uint8ClampedArray(4 * S * S), S, S);
  check('1×1', new Uint8ClampedArray(4), 1, 1);
  check('0×0', new Uint8ClampedArray(0), 0, 0);
  const big = new Uint8ClampedArray(__good.length + 100);
  big.set(__good, 36);
  check('a view at offset 36', big.subarray(36, 36 + __good.length), S, S);
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let i = 0; i < 150; i++) {
    const w = 1 + Math.floor(rnd() * 300), h = 1 + Math.floor(rnd() * 300);
    const c = new OffscreenCanvas(w, h), ctx = c.getContext('2d');
    ctx.lineWidth = 1 + rnd() * Math.max(w, h) / 8;
    ctx.lineCap = 'round';
    ctx.beginPath();
    for (let k = 0, n = 1 + Math.floor(rnd() * 6); k < n; k++) ctx.lineTo(rnd() * w, rnd() * h);
    ctx.stroke();
    check('scribble ' + i + ' (' + w + '×' + h + ')', ctx.getImageData(0, 0, w, h).data, w, h);
  }
  return out;
})()`)
		if !r.Fast {
			t.Fatal("inkling.predict has no .go: web/engine.js did not install its fast path")
		}
		if !eval[bool](p, simdJS) {
			t.Error("the page reads digits without its WebAssembly SIMD kernels (see web/engine.js simdImports)")
		}
		for _, m := range r.Mismatch {
			t.Error(m)
		}
		if r.Digits < 100 || r.NoInk < 3 || r.Errors < 1 {
			t.Errorf("%d calls: %d digits, %d without ink, %d errors; the cases meant more of each", r.Calls, r.Digits, r.NoInk, r.Errors)
		}
		t.Logf("%d calls alike: %d digits, %d without ink, %d errors", r.Calls, r.Digits, r.NoInk, r.Errors)
	})

	// A browser without WebAssembly SIMD (Safari before 16.4): the kernels'
	// module does not compile, and the page reads digits with Go's own code.
	t.Run("no-simd", func(t *testing.T) {
		t.Parallel()
		p := newTab(t, desktop)
		p.do(chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			// The page compiles only the small kernels' module with the
			// constructor; the program itself is compiled streaming.
			_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: `(() => {
  const Module = WebAssembly.Module;
  WebAssembly.Module = function (bytes) {
    if (bytes.byteLength < 65536) throw new WebAssembly.CompileError('no SIMD in this browser (a test)');
    return new Module(bytes);
  };
})();`})
			return err
		}))
		p.openReady(serve(t, nil) + "/")
		p.drawDigit(5)
		if a := p.answer(); a.Digit != "5" {
			t.Errorf("without SIMD a held-out 5 reads %+v", a)
		}
		if eval[bool](p, simdJS) || !eval[bool](p, `globalThis[Symbol.for('inkling.engine')].simd === false`) {
			t.Error("the kernels' module was refused, but web/engine.js does not record it")
		}
	})

	// 10,000 predictions (each by both paths): memory stays flat.
	t.Run("memory", func(t *testing.T) {
		t.Parallel()
		p := drawnDigit(t)
		type usage struct {
			Wasm   float64 // WebAssembly memory, bytes
			Heap   float64 // JavaScript heap in use after a full GC, bytes
			Values float64 // JavaScript values Go holds references to
		}
		measure := func() usage {
			var u usage
			p.call(func(ctx context.Context) error {
				// Two full collections, so that what the first one's
				// finalizers let go is gone too.
				for range 2 {
					if _, err := chromedp.Call(ctx, heapprofiler.CollectGarbage, cdp.Empty{}); err != nil {
						return err
					}
				}
				h, err := chromedp.Call(ctx, runtime.GetHeapUsage, cdp.Empty{})
				u.Heap = h.UsedSize
				return err
			})
			u.Wasm = eval[float64](p, wasmMemoryJS)
			u.Values = eval[float64](p, `__inklingGo._values.length - __inklingGo._idPool.length`)
			return u
		}
		run := func(n int) int {
			return eval[int](p, fmt.Sprintf(`(() => {
  let fives = 0;
  for (let i = 0; i < %d; i++) {
    // The page's fast path and Go's own predict, which holds its answers'
    // JavaScript values until Go's collector frees them.
    const fast = inkling.predict(__good, inkling.side, inkling.side);
    const slow = inkling.predict.go(__good, inkling.side, inkling.side);
    if (fast.digit === 5 && slow.digit === 5) fives++;
  }
  return fives;
})()`, n))
		}
		// Warm-up: Go's heap reaches its steady size (measured: the
		// WebAssembly memory grows from 6.5 to 9.0 MiB over the first
		// 2,000 calls, then stays there through 70,000).
		const warm, n = 10000, 10000
		run(warm)
		before := measure()
		if fives := run(n); fives != n {
			t.Errorf("%d of %d predictions of the same 5 said 5", fives, n)
		}
		after := measure()
		t.Logf("after %d warm-up predictions: wasm %.2f MiB, JS heap %.2f MiB, %v JS values held by Go", warm, before.Wasm/(1<<20), before.Heap/(1<<20), before.Values)
		t.Logf("after %d more:               wasm %.2f MiB, JS heap %.2f MiB, %v JS values held by Go", n, after.Wasm/(1<<20), after.Heap/(1<<20), after.Values)
		// Bounds. The WebAssembly memory grows in 64 KiB pages and never
		// shrinks; once warm it should not grow at all (measured: it did not
		// from 2,000 to 70,000 calls), and a Go-side leak of 100 bytes a call
		// would hold 1 MB more after 10,000 calls.
		//
		// Each call returns JavaScript values (the answer, its probabilities,
		// its 28×28 image) that Go references until its own collector
		// finalizes them: the count rises and falls in a sawtooth between
		// about 100 and 4,300 values every ~2,500 calls, and the JavaScript
		// heap after a full collection stays between 1.1 and 1.5 MiB
		// (measured over 70,000 calls). Keeping the answers costs 220 bytes
		// of heap each (measured on 10,000): a leak of them would add 2.1 MiB
		// over 10,000 calls. Bound: 1 MiB.
		if d := after.Wasm - before.Wasm; d >= 1<<20 {
			t.Errorf("WebAssembly memory grew by %.2f MiB over %d predictions", d/(1<<20), n)
		}
		if d := after.Heap - before.Heap; d >= 1<<20 {
			t.Errorf("the JavaScript heap grew by %.2f MiB over %d predictions", d/(1<<20), n)
		}
		// The sawtooth's top (4,300) with room: more means references are
		// kept. Keeping one a call would pass it within the 20,000 calls.
		if after.Values > 10000 {
			t.Errorf("Go holds %v JavaScript values after %d predictions", after.Values, warm+n)
		}
	})
}
