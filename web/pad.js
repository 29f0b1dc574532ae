// pad.js: the drawing pad and the answer, shared by the full page (app.js)
// and <inkling-pad>: pointer, touch and pen input, the strokes, and the
// hidden canvas that inkling.predict reads; AnswerView (at the end) shows
// what predict answers. It computes nothing: the caller gives the pixels to
// Go.
//
// A drawing is a list of strokes, each a list of [x, y] points in pad units
// (0..1 across the pad). The visible canvas draws them sharply in its CSS
// `color`; a hidden canvas of a fixed size (inkling.side) replays the same
// strokes in opaque ink on a transparent background, and its pixels go to
// predict.
//
//   const pad = new Pad(canvas, {box, onLive, onChange})
//     box       an element that gets the class has-ink while the pad has ink
//               (default: the canvas's parent)
//     onLive()  while a stroke is drawn, at most once an animation frame and
//               at most about half of the time (the call is timed): predict
//               now, the answer is provisional
//     onChange(why)  the drawing changed for good: why is 'stroke' (one
//               ended), 'undo', 'clear' or 'set'
//   pad.strokes            a copy of the drawing; pad.strokeCount, its length
//   pad.setStrokes(s)      replace the drawing (calls onChange('set'))
//   pad.undo(), pad.clear()
//   pad.key(e)             a keydown: Escape clears, Ctrl+Z (⌘Z) undoes
//   pad.readInk()          {rgba, width, height}: the hidden canvas's pixels
//   pad.showImage(input)   show a 28×28 image (0..255, ink on black, row by
//                          row) on the pad instead of strokes, until the next
//                          stroke, clear or setStrokes; pad.image is it, or null
//   pad.setPen(width), pad.setSide(side)  inkling.pen and inkling.side
//   pad.redraw()           after a change of colours
//   pad.destroy()          stops listening (the window's events, resizes)

const DEFAULT_SIDE = 112; // side of the hidden canvas predict reads, until inkling.side is known
const DEFAULT_PEN = 0.07; // pen width until inkling.pen is known
const MIN_STEP = 0.002; // points closer than this to the last one are dropped

export class Pad {
  #canvas;
  #ctx;
  #box;
  #onLive;
  #onChange;
  #strokes = []; // finished strokes, and the one being drawn last
  #drawing = null; // {id, type, rect, stroke} while a pointer that came down on the pad is down
  #image = null; // a 28×28 image shown instead of strokes
  #pen = DEFAULT_PEN;
  #ink; // the hidden canvas: square, its width is its side
  #inkCtx;
  #frameAsked = false;
  #padStale = false; // the strokes have points the visible pad does not show yet
  #liveAsked = false;
  #liveMs = 0; // how long the last onLive took
  #liveEnd = 0; // when it finished (performance.now)
  #off = []; // undoes the listeners and observers

  constructor(canvas, { box = canvas.parentElement, onLive = () => {}, onChange = () => {} } = {}) {
    this.#canvas = canvas;
    this.#ctx = canvas.getContext('2d');
    this.#box = box;
    this.#onLive = onLive;
    this.#onChange = onChange;
    this.#ink = document.createElement('canvas');
    this.#ink.width = this.#ink.height = DEFAULT_SIDE;
    this.#inkCtx = this.#ink.getContext('2d', { willReadFrequently: true });

    const listen = (target, type, f, opts) => {
      target.addEventListener(type, f, opts);
      this.#off.push(() => target.removeEventListener(type, f, opts));
    };
    listen(canvas, 'pointerdown', (e) => this.#down(e));
    listen(window, 'pointermove', (e) => this.#move(e));
    listen(window, 'pointerup', (e) => this.#end(e));
    listen(window, 'pointercancel', (e) => this.#end(e));
    listen(canvas, 'contextmenu', (e) => e.preventDefault());
    listen(matchMedia('(prefers-color-scheme: dark)'), 'change', () => this.redraw());
    const resize = new ResizeObserver(() => this.#resize());
    resize.observe(canvas);
    this.#off.push(() => resize.disconnect());
    this.#resize();
  }

  destroy() {
    for (const off of this.#off.splice(0)) off();
  }

  get strokes() {
    return this.#strokes.map((s) => s.map(([x, y]) => [x, y]));
  }

  get strokeCount() {
    return this.#strokes.length;
  }

  get image() {
    return this.#image;
  }

  setPen(width) {
    if (typeof width === 'number' && width > 0 && width < 1) this.#pen = width;
    this.redraw();
  }

  setSide(side) {
    if (Number.isInteger(side) && side >= 28 && side <= 1024) this.#ink.width = this.#ink.height = side;
  }

  // setStrokes replaces the drawing: strokes of [x, y] points in pad units;
  // points that are not two finite numbers are dropped.
  setStrokes(strokes) {
    this.#release();
    this.#image = null;
    this.#strokes = Array.from(strokes || [], (s) =>
      Array.from(s || [], (p) => [Number(p?.[0]), Number(p?.[1])]).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)),
    ).filter((s) => s.length > 0);
    this.redraw();
    this.#onChange('set');
  }

  // showImage shows a 28×28 image instead of the strokes, which it clears.
  showImage(input) {
    this.#release();
    this.#strokes = [];
    this.#image = input;
    this.redraw();
  }

  clear() {
    this.#release();
    this.#strokes = [];
    this.#image = null;
    this.redraw();
    this.#onChange('clear');
  }

  // undo takes back the last stroke; taking back the only one clears the pad.
  undo() {
    if (this.#drawing || (this.#strokes.length === 0 && !this.#image)) return;
    if (this.#strokes.length <= 1) {
      this.clear();
      return;
    }
    this.#strokes.pop();
    this.redraw();
    this.#onChange('undo');
  }

  // key handles a keydown event: Escape clears the pad and Ctrl+Z (Cmd+Z)
  // undoes its last stroke. The page listens on the document, an
  // <inkling-pad> on itself.
  key(e) {
    if (e.key === 'Escape' && !e.ctrlKey && !e.metaKey && !e.altKey) {
      this.clear();
    } else if ((e.ctrlKey || e.metaKey) && !e.shiftKey && !e.altKey && e.key.toLowerCase() === 'z') {
      e.preventDefault();
      this.undo();
    }
  }

  // readInk replays the strokes on the hidden ink canvas and returns its
  // pixels, as predict reads them.
  readInk() {
    const side = this.#ink.width;
    const ctx = this.#inkCtx;
    ctx.clearRect(0, 0, side, side);
    ctx.strokeStyle = ctx.fillStyle = '#000'; // opaque; predict reads alpha
    this.#trace(ctx, side);
    return { rgba: ctx.getImageData(0, 0, side, side).data, width: side, height: side };
  }

  // ---- drawing ----

  // trace draws the strokes onto ctx, a square canvas of the given side in
  // pixels. The visible pad and the hidden ink canvas both use it, so they
  // hold the same drawing at different sizes.
  #trace(ctx, side) {
    const width = this.#pen * side;
    ctx.lineWidth = width;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    for (const s of this.#strokes) {
      ctx.beginPath();
      if (s.length === 1) {
        ctx.arc(s[0][0] * side, s[0][1] * side, width / 2, 0, 2 * Math.PI);
        ctx.fill();
        continue;
      }
      // A quadratic curve through the midpoints smooths the corners between
      // sampled points without leaving the pen's path.
      ctx.moveTo(s[0][0] * side, s[0][1] * side);
      for (let i = 1; i < s.length - 1; i++) {
        const [x, y] = s[i];
        const [nx, ny] = s[i + 1];
        ctx.quadraticCurveTo(x * side, y * side, ((x + nx) / 2) * side, ((y + ny) / 2) * side);
      }
      const [lx, ly] = s[s.length - 1];
      ctx.lineTo(lx * side, ly * side);
      ctx.stroke();
    }
  }

  redraw() {
    this.#padStale = false;
    const ctx = this.#ctx;
    const side = this.#canvas.width;
    ctx.clearRect(0, 0, side, this.#canvas.height);
    const colour = getComputedStyle(this.#canvas).color;
    ctx.strokeStyle = ctx.fillStyle = colour;
    if (this.#image) this.#paintImage(colour);
    this.#trace(ctx, side);
    this.#box?.classList.toggle('has-ink', this.#strokes.length > 0 || this.#image !== null);
  }

  // paintImage draws the 28×28 image over the whole pad, one square a pixel,
  // in the ink's colour with the pixel's value as its opacity.
  #paintImage(colour) {
    const small = document.createElement('canvas');
    small.width = small.height = 28;
    const sctx = small.getContext('2d');
    const img = sctx.createImageData(28, 28);
    for (let i = 0; i < 784; i++) img.data[4 * i + 3] = this.#image[i];
    sctx.putImageData(img, 0, 0);
    sctx.globalCompositeOperation = 'source-in';
    sctx.fillStyle = colour;
    sctx.fillRect(0, 0, 28, 28);
    const ctx = this.#ctx;
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(small, 0, 0, this.#canvas.width, this.#canvas.height);
  }

  // The pad's drawing fills its content box (inside the border): its backing
  // store follows that box's CSS size times devicePixelRatio, so strokes stay
  // sharp on HiDPI screens, and pointer positions are read relative to it, so
  // the ink lies under the pointer.
  #resize() {
    const canvas = this.#canvas;
    const side = Math.max(1, Math.round(canvas.clientWidth * (window.devicePixelRatio || 1)));
    if (canvas.width !== side || canvas.height !== side) {
      canvas.width = canvas.height = side;
    }
    this.redraw();
  }

  // ---- pointer input ----

  #contentRect() {
    const c = this.#canvas;
    const r = c.getBoundingClientRect();
    return { left: r.left + c.clientLeft, top: r.top + c.clientTop, width: c.clientWidth, height: c.clientHeight };
  }

  static #pointAt(rect, e) {
    return [(e.clientX - rect.left) / rect.width, (e.clientY - rect.top) / rect.height];
  }

  static #addPoint(stroke, p) {
    const last = stroke[stroke.length - 1];
    if (Math.hypot(p[0] - last[0], p[1] - last[1]) >= MIN_STEP) stroke.push(p);
  }

  // A stroke ends at pointerup or pointercancel, wherever the pointer is then:
  // moves, ups and cancels are heard on the window, not only on the pad. Pointer
  // capture keeps them coming to the pad, but a stroke does not depend on it:
  // Chromium can report lostpointercapture just after pointerdown, before the
  // stroke's moves (seen in the browser tests: a few digits in a hundred), and
  // ending the stroke there lost the digit.
  #down(e) {
    if (e.pointerType === 'mouse' && e.button !== 0) return;
    if (this.#drawing) {
      // Another finger or pen while one draws is ignored. The same kind of
      // pointer coming down again as the primary one means that the last
      // stroke's end never reached the page (released outside an embedding
      // frame, say): that stroke ends here.
      if (!e.isPrimary || e.pointerType !== this.#drawing.type) return;
      this.#finishStroke();
    }
    e.preventDefault();
    try {
      this.#canvas.setPointerCapture(e.pointerId);
    } catch {
      // The pointer is already gone; its up or cancel follows.
    }
    if (this.#image) {
      // Drawing again after an image was shown: back to strokes.
      this.#image = null;
      this.#padStale = true;
    }
    const rect = this.#contentRect();
    this.#drawing = { id: e.pointerId, type: e.pointerType, rect, stroke: [Pad.#pointAt(rect, e)] };
    this.#strokes.push(this.#drawing.stroke);
    this.#askFrame();
  }

  #move(e) {
    const d = this.#drawing;
    if (!d || e.pointerId !== d.id) return;
    if (e.pointerType !== 'touch' && e.buttons === 0) {
      // The button went up where the page could not see it.
      this.#finishStroke();
      return;
    }
    const events = e.getCoalescedEvents ? e.getCoalescedEvents() : [];
    for (const ev of events.length ? events : [e]) Pad.#addPoint(d.stroke, Pad.#pointAt(d.rect, ev));
    this.#askFrame();
  }

  #end(e) {
    const d = this.#drawing;
    if (!d || e.pointerId !== d.id) return;
    if (e.type === 'pointerup') Pad.#addPoint(d.stroke, Pad.#pointAt(d.rect, e));
    this.#finishStroke();
  }

  #finishStroke() {
    this.#drawing = null;
    this.#liveAsked = false;
    this.redraw();
    this.#onChange('stroke');
  }

  // release lets go of the pointer of a stroke in progress (Clear while
  // drawing): that stroke is dropped.
  #release() {
    if (this.#drawing) {
      try {
        this.#canvas.releasePointerCapture(this.#drawing.id);
      } catch {
        // That pointer is no longer down.
      }
    }
    this.#drawing = null;
    this.#liveAsked = false;
  }

  // ---- live drawing and prediction, at most once per animation frame ----

  // askFrame asks for a frame that shows the new points and predicts.
  #askFrame() {
    this.#padStale = this.#liveAsked = true;
    this.#nextFrame();
  }

  #nextFrame() {
    if (!this.#frameAsked) {
      this.#frameAsked = true;
      requestAnimationFrame(() => this.#frame());
    }
  }

  // frame draws the pad only if points came since it was last drawn: the end
  // of a stroke, Clear and Undo draw it at once, and a frame that only waits
  // to predict has nothing new to show.
  #frame() {
    this.#frameAsked = false;
    if (this.#padStale) this.redraw();
    if (!this.#liveAsked || !this.#drawing) return;
    // While a stroke goes on, spend at most about half of the time predicting,
    // so that drawing stays smooth on a slow phone.
    if (performance.now() - this.#liveEnd < this.#liveMs) {
      this.#nextFrame();
      return;
    }
    this.#liveAsked = false;
    const start = performance.now();
    this.#onLive();
    this.#liveEnd = performance.now();
    this.#liveMs = this.#liveEnd - start;
  }
}

// ---- the answer, shared by the page and <inkling-pad> ----

export const NO_INK = { digit: -1, noInk: true }; // the answer to a blank pad

// An AnswerView shows answers (what predict or classify returns, or NO_INK)
// in the elements el = {answer, digit, verdict, bars, announce}: answer and
// bars get data-state (empty, unsure or sure) and answer data-digit (the
// digit when sure, else ''); digit and verdict show the answer in large and
// in words; bars, a list element, is filled with ten columns, one per digit,
// each with its probability as --p (0..1); announce is a live region for
// screen readers.
export class AnswerView {
  #el;
  #bars;

  constructor(el) {
    this.#el = el;
    this.#bars = makeBars(el.bars);
  }

  // show shows the answer r in the words of text(key, ...args), announcing
  // it when speak is true, and returns its probabilities ([] for a blank pad).
  show(r, text, speak) {
    const { answer, digit, verdict, bars } = this.#el;
    const empty = !!r.noInk || r.digit < 0;
    const probs = empty ? [] : Array.from(r.probs, Number);
    const state = empty ? 'empty' : r.unsure ? 'unsure' : 'sure';
    answer.dataset.state = bars.dataset.state = state;
    answer.dataset.digit = state === 'sure' ? String(r.digit) : '';
    let say;
    if (empty) {
      digit.textContent = '–';
      verdict.textContent = text('drawPrompt');
    } else if (r.unsure) {
      const other = runnerUp(probs, r.digit);
      const head = document.createElement('strong');
      const maybe = document.createElement('span');
      head.textContent = text('unsure');
      maybe.textContent = text('maybe', r.digit, other);
      digit.textContent = `${r.digit}?`;
      verdict.replaceChildren(head, maybe);
      say = text('sayUnsure', r.digit, other);
    } else {
      digit.textContent = String(r.digit);
      verdict.textContent = text('sure', Math.round(probs[r.digit] * 100));
      say = text('sayDigit', r.digit);
    }
    showBars(this.#bars, probs, r.digit, (d, pct) => text('barLabel', d, pct));
    if (speak && say) this.announce(say);
    return probs;
  }

  // announce has screen readers say message.
  announce(message) {
    // Emptying the region first makes a repeated message be spoken again.
    const el = this.#el.announce;
    el.textContent = '';
    setTimeout(() => (el.textContent = message), 50);
  }
}

// makeBars fills the list element ol with ten columns, one per digit, and
// returns them for showBars.
function makeBars(ol) {
  const bars = [];
  for (let d = 0; d < 10; d++) {
    const li = document.createElement('li');
    const label = document.createElement('span');
    const track = document.createElement('span');
    const fill = document.createElement('span');
    const pct = document.createElement('span');
    label.className = 'bar-digit';
    label.textContent = d;
    track.className = 'bar-track';
    fill.className = 'bar-fill';
    pct.className = 'bar-pct';
    track.append(fill, pct);
    li.append(track, label);
    bars.push({ li, pct });
  }
  ol.replaceChildren(...bars.map((b) => b.li));
  return bars;
}

// showBars shows the probabilities (empty: none) on the bars, best the top
// digit; label(d, pct) is each column's accessible name.
function showBars(bars, probs, best, label) {
  bars.forEach((b, d) => {
    const p = probs.length ? probs[d] : 0;
    const pct = Math.round(p * 100);
    b.li.style.setProperty('--p', p.toFixed(4));
    b.pct.textContent = probs.length ? `${pct}` : '';
    b.li.classList.toggle('best', probs.length > 0 && d === best);
    b.li.setAttribute('aria-label', label(d, pct));
  });
}

// runnerUp returns the most probable digit other than top.
function runnerUp(probs, top) {
  let best = -1;
  probs.forEach((p, d) => {
    if (d !== top && (best < 0 || p > probs[best])) best = d;
  });
  return best;
}
