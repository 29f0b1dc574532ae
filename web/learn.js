// Issue #10's part of the full page: see inside the network, why this answer,
// a real MNIST test digit, teach it your handwriting, tutorial against shipped
// weights, and a link to the drawing. app.js calls initLearn(page) at ready,
// with the page object its header describes.
//
// Go does every number (inkling.inside, steps, occlusion, classify, teach,
// reset); this module builds the DOM, keeps the person's examples in
// IndexedDB and paints what Go returns. Nothing here is computed until its
// <details> is opened, and nothing is downloaded until it is asked for.

import { model, asset, TUTORIAL_URL } from './engine.js';
import { addStrings } from './i18n.js';
import { LEARN_STRINGS } from './learn-words.js';

addStrings(LEARN_STRINGS);

const RECORD = 785; // web/digits.bin: a label byte, then 28×28 pixels (tools/digits)
const DB_NAME = 'inkling-learn';
// The most recent examples taught (as many as inkling.teach takes; the page
// re-teaches them at every load).
const MAX_TAUGHT = 100;

let page, api;
let shipped = 0; // the model id of the page's own weights (weights/model.bin)
let modelId = 0; // the model predictions use now
let tutorialId = -1; // the tutorial weights' id once loaded
let current = null; // {input: Uint8Array(784), digit, label?} of the answer shown, or null
let judged = false; // the person has said right or wrong about the current answer
let examples = []; // [{input, label}], as kept in IndexedDB
let tally = { right: 0, wrong: 0 };
let store = null; // the IndexedDB database, or null when the browser keeps nothing
const renders = []; // functions that write text, run again when the language changes

// ---- small DOM helpers ----

function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'text') words(e, v);
    else if (k === 'label') words(e, v, 'aria-label');
    else if (k === 'cls') e.className = v;
    else e.setAttribute(k, v);
  }
  e.append(...children);
  return e;
}

// words writes text (a key, or a function returning the text) into el now
// and again whenever the language changes.
function words(e, key, attr) {
  const render = () => {
    const s = typeof key === 'function' ? key() : page.text(key);
    if (attr) e.setAttribute(attr, s);
    else e.textContent = s;
  };
  renders.push(render);
  render();
}

// live makes el's text follow a function of the state, re-rendered by
// update() and on a language change.
function live(e) {
  let fn = () => '';
  const render = () => {
    e.textContent = fn();
  };
  renders.push(render);
  return (next) => {
    fn = next;
    render();
  };
}

function canvas(id, w, h, label) {
  const c = el('canvas', { id, width: w, height: h, role: 'img' });
  if (label) words(c, label, 'aria-label');
  return c;
}

function section(id, title, ...body) {
  return el('details', { id, cls: 'learn-part' }, el('summary', { text: title }), ...body);
}

// errText is the message of an error, in the page's language when it is a
// LoadError from engine.js (which names its message in i18n.js).
const errText = (err) => page.text('lError', err && err.key ? page.text(err.key, ...err.args) : err && err.message ? err.message : String(err));

const css = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

// ---- painting what Go returns ----

// paintGrid draws count maps of h×w values (channel-major) into ctx, tiled
// cols to a row with a gap of one pixel (none between 1×1 maps); signed maps are blue below zero and
// orange above, others grey, all scaled by the largest magnitude so that maps
// compare with each other.
function paintGrid(ctx, values, count, h, w, cols, signed) {
  let max = 1e-9;
  for (const v of values) max = Math.max(max, Math.abs(v));
  const img = ctx.createImageData(ctx.canvas.width, ctx.canvas.height);
  const px = img.data;
  const gap = w > 1 ? 1 : 0;
  for (let c = 0; c < count; c++) {
    const ox = (c % cols) * (w + gap);
    const oy = Math.floor(c / cols) * (h + gap);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const v = values[c * h * w + y * w + x] / max;
        const i = 4 * ((oy + y) * img.width + ox + x);
        if (signed) {
          px[i] = 255 * Math.max(0, v) + 40 * (1 - Math.abs(v));
          px[i + 1] = 150 * Math.abs(v) + 40 * (1 - Math.abs(v));
          px[i + 2] = 255 * Math.max(0, -v) + 40 * (1 - Math.abs(v));
        } else {
          px[i] = px[i + 1] = px[i + 2] = 255 * v;
        }
        px[i + 3] = 255;
      }
    }
  }
  ctx.putImageData(img, 0, 0);
}

// paintGray draws a w×h grey image (0..255, white on black) into ctx at (x, y).
function paintGray(ctx, pix, w, h, x = 0, y = 0) {
  const img = ctx.createImageData(w, h);
  for (let i = 0; i < w * h; i++) {
    img.data[4 * i] = img.data[4 * i + 1] = img.data[4 * i + 2] = pix[i];
    img.data[4 * i + 3] = 255;
  }
  ctx.putImageData(img, x, y);
}

// ---- see inside ----

let inside; // the part's elements
function buildInside() {
  const filters = canvas('learn-filters', 8 * 4 - 1, 4 * 4 - 1, 'lFiltersLabel');
  const conv = canvas('learn-conv', 8 * 27 - 1, 4 * 27 - 1, 'lConvLabel');
  const pooled = canvas('learn-pooled', 8 * 14 - 1, 4 * 14 - 1, 'lPooledLabel');
  const dense = canvas('learn-dense', 20, 5, 'lDenseLabel');
  dense.className = 'dense';
  const fig = (c, key) => el('figure', {}, c, el('figcaption', { text: key }));
  const stepCaps = ['lStep1', 'lStep2', 'lStep3', 'lStep4', 'lStep5'];
  const stepBoxes = stepCaps.map((key, i) => canvas('learn-step' + (i + 1), 112, 112, key));
  const raw = canvas('learn-raw', 28, 28, 'lRawLabel');
  const stepsNote = el('p', { cls: 'learn-note' });
  const rawNote = el('p', { cls: 'learn-note', id: 'learn-raw-note' });
  inside = { filters, conv, pooled, dense, stepBoxes, raw, note: live(stepsNote), rawNote: live(rawNote), draw: drawInside };
  inside.part = section('learn-inside', 'lInsideTitle',
    el('h3', { text: 'lStepsTitle' }),
    el('p', { text: 'lStepsIntro' }),
    el('div', { cls: 'learn-steps' }, ...stepBoxes.map((c, i) => fig(c, stepCaps[i])), fig(raw, 'lStep6')),
    stepsNote, rawNote,
    el('h3', { text: 'lLayersTitle' }),
    el('p', { text: 'lLayersIntro' }),
    el('div', { cls: 'learn-layers' },
      fig(filters, 'lFilters'), fig(conv, 'lConv'), fig(pooled, 'lPooled'), fig(dense, 'lDense')));
  return inside.part;
}

function drawInside() {
  const ctx = (c) => c.getContext('2d');
  // A test digit has only step 5.
  for (const c of [...inside.stepBoxes.slice(0, 4), inside.raw]) c.parentElement.hidden = !!current && current.label !== undefined;
  if (!current) {
    for (const c of [inside.conv, inside.pooled, inside.dense, inside.raw, ...inside.stepBoxes]) ctx(c).clearRect(0, 0, c.width, c.height);
    inside.rawNote(() => '');
    inside.note(() => page.text('lNoDrawing'));
  }
  const r = api.inside(current ? current.input : new Uint8Array(784), modelId);
  if (!r || r.error) {
    inside.note(() => page.text('lError', r ? r.error : 'no answer'));
    return;
  }
  paintGrid(ctx(inside.filters), r.filters, r.cout, r.kh, r.kw, 8, true);
  if (!current) return;
  paintGrid(ctx(inside.conv), r.conv, r.cout, r.oh, r.ow, 8, false);
  paintGrid(ctx(inside.pooled), r.pooled, r.cout, r.qh, r.qw, 8, false);
  paintGrid(ctx(inside.dense), r.dense, r.dense.length, 1, 1, 20, false);
  drawSteps();
}

// drawSteps shows the preprocessing of the current drawing, step by step,
// and what the network would answer without it.
function drawSteps() {
  const [rawC, boxC, scaledC, placedC, inputC] = inside.stepBoxes.map((c) => c.getContext('2d'));
  for (const c of inside.stepBoxes) c.getContext('2d').clearRect(0, 0, 112, 112);
  if (current.label !== undefined) {
    // A test digit: it is in MNIST form already.
    const tmp = el('canvas', { width: 28, height: 28 });
    paintGray(tmp.getContext('2d'), current.input, 28, 28);
    inputC.imageSmoothingEnabled = false;
    inputC.drawImage(tmp, 0, 0, 112, 112);
    inside.note(() => page.text('lTestSteps'));
    inside.rawNote(() => '');
    return;
  }
  const ink = page.readInk();
  const s = api.steps(ink.rgba, ink.width, ink.height);
  if (!s || s.error || s.noInk) {
    inside.note(() => (s && s.noInk ? page.text('lNoDrawing') : page.text('lError', s ? s.error : 'no answer')));
    return;
  }
  // 1: the drawing as predict reads it, with the ink's box.
  const src = el('canvas', { width: ink.width, height: ink.height });
  src.getContext('2d').putImageData(new ImageData(new Uint8ClampedArray(ink.rgba), ink.width, ink.height), 0, 0);
  const k = 112 / ink.width;
  rawC.fillStyle = '#fff';
  rawC.fillRect(0, 0, 112, 112);
  rawC.drawImage(src, 0, 0, 112, 112);
  const [x0, y0, x1, y1] = s.box;
  rawC.strokeStyle = css('--accent');
  rawC.lineWidth = 2;
  rawC.strokeRect(x0 * k, y0 * k, (x1 - x0) * k, (y1 - y0) * k);
  // 2: the box alone, as large as it fits.
  const bw = x1 - x0, bh = y1 - y0, f = 112 / Math.max(bw, bh);
  boxC.fillStyle = '#fff';
  boxC.fillRect(0, 0, 112, 112);
  boxC.drawImage(src, x0, y0, bw, bh, (112 - bw * f) / 2, (112 - bh * f) / 2, bw * f, bh * f);
  // 3: scaled to fit 20×20 (each pixel drawn 4 px wide, in a 20×20 frame).
  const tmp = el('canvas', { width: 28, height: 28 });
  const t = tmp.getContext('2d');
  paintGray(t, s.scaled, s.bw, s.bh);
  scaledC.imageSmoothingEnabled = false;
  scaledC.fillStyle = '#000';
  scaledC.fillRect(16, 16, 80, 80);
  scaledC.drawImage(tmp, 0, 0, s.bw, s.bh, 16 + 2 * (20 - s.bw), 16 + 2 * (20 - s.bh), 4 * s.bw, 4 * s.bh);
  // 4: placed in 28×28 with its centre of mass at the middle: the box where
  // centring the box itself would have put it (dashed), and the middle.
  paintGray(t, s.input, 28, 28);
  for (const c of [placedC, inputC]) {
    c.imageSmoothingEnabled = false;
    c.drawImage(tmp, 0, 0, 28, 28, 0, 0, 112, 112);
  }
  placedC.lineWidth = 1;
  placedC.strokeStyle = css('--accent');
  placedC.strokeRect(4 * s.left + 0.5, 4 * s.top + 0.5, 4 * s.bw - 1, 4 * s.bh - 1);
  placedC.setLineDash([3, 3]);
  placedC.strokeStyle = css('--unsure');
  placedC.strokeRect(2 * (28 - s.bw) + 0.5, 2 * (28 - s.bh) + 0.5, 4 * s.bw - 1, 4 * s.bh - 1);
  placedC.setLineDash([]);
  placedC.beginPath();
  placedC.moveTo(56, 48);
  placedC.lineTo(56, 64);
  placedC.moveTo(48, 56);
  placedC.lineTo(64, 56);
  placedC.stroke();
  inside.note(() => page.text('lStepsNote', s.bw, s.bh));
  // 6: without these steps: the whole pad squeezed to 28×28 by the browser.
  const rc = inside.raw.getContext('2d', { willReadFrequently: true });
  rc.clearRect(0, 0, 28, 28);
  rc.imageSmoothingQuality = 'high';
  rc.drawImage(src, 0, 0, 28, 28);
  const a = rc.getImageData(0, 0, 28, 28).data;
  const squeezed = new Uint8Array(784);
  for (let i = 0; i < 784; i++) squeezed[i] = a[4 * i + 3];
  paintGray(rc, squeezed, 28, 28);
  const c = api.classify(squeezed, modelId);
  if (c && !c.error) {
    inside.rawNote(() => page.text('lRawNote', c.digit, Math.round(c.probs[c.digit] * 100), current.digit));
  }
}

// ---- why this answer ----

let why;
function buildWhy() {
  const map = canvas('learn-why-map', 28, 28, 'lWhyLabel');
  const note = el('p', { cls: 'learn-note' });
  why = { map, note: live(note), draw: drawWhy };
  why.part = section('learn-why', 'lWhyTitle', el('p', { text: 'lWhyIntro' }), el('figure', { cls: 'learn-map' }, map), note);
  return why.part;
}

function drawWhy() {
  const ctx = why.map.getContext('2d');
  ctx.clearRect(0, 0, 28, 28);
  if (!current) {
    why.note(() => page.text('lNoDrawing'));
    return;
  }
  const start = performance.now();
  const r = api.occlusion(current.input, modelId);
  const ms = performance.now() - start;
  if (!r || r.error) {
    why.note(() => page.text('lError', r ? r.error : 'no answer'));
    return;
  }
  let max = 1e-9;
  for (const v of r.map) max = Math.max(max, Math.abs(v));
  // The digit in grey; red where hiding a patch lowers the answer's
  // probability (those parts made the answer), blue where it raises it.
  const img = ctx.createImageData(28, 28);
  for (let i = 0; i < 784; i++) {
    const g = current.input[i] * 0.45;
    const v = r.map[i] / max;
    img.data[4 * i] = Math.min(255, g + 255 * Math.max(0, v));
    img.data[4 * i + 1] = g;
    img.data[4 * i + 2] = Math.min(255, g + 255 * Math.max(0, -v));
    img.data[4 * i + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
  why.map.dataset.ms = ms.toFixed(1);
  why.note(() => page.text('lWhyNote', r.digit));
}

// ---- a real test digit ----

let digits = null; // Uint8Array of web/digits.bin, once loaded
let tryNote, tryNoteEl;
function buildTry() {
  const button = el('button', { type: 'button', id: 'learn-try-button', text: 'lTryButton' });
  tryNoteEl = el('p', { id: 'learn-try-note', 'aria-live': 'polite' });
  tryNote = live(tryNoteEl);
  button.addEventListener('click', () => tryDigit().catch((err) => tryNote(() => errText(err))));
  return section('learn-try', 'lTryTitle', el('p', { text: 'lTryIntro' }), button, tryNoteEl);
}

async function tryDigit() {
  if (!digits) {
    tryNote(() => page.text('lLoading'));
    const b = new Uint8Array(await asset('web/digits.bin'));
    if (b.length === 0 || b.length % RECORD !== 0 || b.some((v, i) => i % RECORD === 0 && v > 9)) {
      throw new Error('web/digits.bin is not a file of ' + RECORD + '-byte records');
    }
    digits = b;
  }
  const i = Math.floor(Math.random() * (digits.length / RECORD));
  const label = digits[i * RECORD];
  tryNote(() => '');
  // Its answer also comes to onAnswer, which makes it the current one.
  const r = page.showDigit(digits.subarray(i * RECORD + 1, (i + 1) * RECORD), label);
  if (!r) return; // the page's status line says why
  Object.assign(tryNoteEl.dataset, { index: i, label, digit: r.digit });
  tryNote(() => page.text(r.digit === label ? 'lTryRight' : 'lTryWrong', label, r.digit, i + 1));
}

// ---- teach it your handwriting ----

let teach;
function buildTeach() {
  const right = el('button', { type: 'button', id: 'learn-right', text: 'lRight' });
  right.addEventListener('click', () => judge(-1));
  const buttons = [];
  for (let d = 0; d < 10; d++) {
    const b = el('button', { type: 'button', cls: 'learn-digit', 'data-digit': d, label: () => page.text('lItIs', d) });
    b.textContent = d;
    b.addEventListener('click', () => judge(d));
    buttons.push(b);
  }
  const reset = el('button', { type: 'button', id: 'learn-reset', text: 'lReset' });
  reset.addEventListener('click', () => forget().catch(report));
  const chart = canvas('learn-chart', 240, 72, 'lChartLabel');
  const tallyEl = el('p', { id: 'learn-tally' });
  const noteEl = el('p', { id: 'learn-teach-note', 'aria-live': 'polite', tabindex: -1 });
  // The chart shows only once there is a lesson to show.
  const figure = el('figure', { id: 'learn-chart-figure', hidden: '' }, chart, el('figcaption', { text: 'lChartKey' }));
  teach = { right, buttons, chart, figure, reset, noteEl, tally: live(tallyEl), note: live(noteEl) };
  teach.part = section('learn-teach', 'lTeachTitle',
    el('p', { text: 'lTeachIntro' }),
    el('div', { cls: 'learn-judge', role: 'group', label: 'lJudgeLabel' },
      right, el('span', { text: 'lWrongIs' }), el('span', { cls: 'learn-digits' }, ...buttons)),
    noteEl, teach.figure, tallyEl, reset);
  if (!canLearn()) teach.part.append(el('p', { id: 'learn-cannot', cls: 'learn-note', text: 'lCannotLearn' }));
  teach.part.open = true;
  return teach.part;
}

function renderTeach() {
  const can = !!current && !judged;
  const forgotten = examples.length === 0 && tally.right + tally.wrong === 0;
  // A button disabled while it has the keyboard focus drops it to the page:
  // the focus goes to the note, which says what happened, first.
  const a = document.activeElement;
  if ((!can && (a === teach.right || teach.buttons.includes(a))) || (forgotten && a === teach.reset)) teach.noteEl.focus();
  teach.right.disabled = !can;
  for (const b of teach.buttons) b.disabled = !can;
  teach.reset.disabled = forgotten;
  teach.tally(() => page.text('lTally', tally.right, tally.wrong, examples.length));
}

// judge records the person's verdict on the answer shown: -1 or the shown
// digit is right; another digit is wrong, and that digit is taught.
async function judge(d) {
  if (!current || judged) return;
  judged = true;
  const { input, digit } = current; // another drawing may come while this is saved
  const wrong = d >= 0 && d !== digit;
  if (wrong) tally.wrong++;
  else tally.right++;
  renderTeach();
  await save('tally', 'tally', tally);
  if (!wrong) {
    teach.note(() => page.text('lThanks'));
    return;
  }
  const ex = { input, label: d };
  examples.push(ex);
  renderTeach();
  await save('examples', null, ex);
  if (!canLearn()) {
    teach.note(() => page.text('lCannotLearn'));
    return;
  }
  const steps = teachAll();
  if (!steps) return;
  animate(steps, d);
  page.setModel(modelId); // predicts again with the taught weights
}

// canLearn reports whether web/inkling.wasm offers teach and reset. (An older
// or trimmed build may not: the page then still counts answers and keeps
// examples, for a build that can learn.)
const canLearn = () => typeof api.teach === 'function' && typeof api.reset === 'function';

// teachAll fine-tunes the models ids (every loaded one unless given) on the
// kept examples (the last MAX_TAUGHT; inkling.teach starts from the loaded
// weights each time, so this is the same whether it runs now or on the next
// visit), and returns the current model's steps, or null.
function teachAll(ids = loadedModels()) {
  const taught = examples.slice(-MAX_TAUGHT);
  if (taught.length === 0 || !canLearn()) return null;
  const inputs = new Uint8Array(taught.length * 784);
  const labels = new Uint8Array(taught.length);
  taught.forEach((e, i) => {
    inputs.set(e.input, i * 784);
    labels[i] = e.label;
  });
  let mine = null;
  for (const id of ids) {
    const r = api.teach(inputs, labels, id);
    if (!r || r.error) {
      teach.note(() => page.text('lError', r ? r.error : 'no answer'));
      return null;
    }
    if (id === modelId) mine = r.steps;
  }
  return mine;
}

const loadedModels = () => (tutorialId >= 0 ? [shipped, tutorialId] : [shipped]);

// animate draws the taught digit's probability (and the loss) step by step.
// A new lesson or Forget stops the one in progress.
let animation = 0; // the animation running
function animate(steps, label) {
  const run = ++animation;
  if (steps.length === 0) return; // it read them all right already
  const ctx = teach.chart.getContext('2d');
  const w = teach.chart.width, h = teach.chart.height;
  const maxLoss = Math.max(1e-9, ...steps.map((s) => s.loss));
  const last = steps[steps.length - 1];
  const first = steps[0];
  teach.figure.hidden = false;
  teach.chart.dataset.steps = steps.length;
  teach.chart.dataset.p = last.p.toFixed(4);
  const say = () => page.text('lTaught', label, Math.round(first.p * 100), steps.length, Math.round(last.p * 100));
  const reduce = matchMedia('(prefers-reduced-motion: reduce)').matches;
  let shown = reduce ? steps.length : 1;
  const frame = () => {
    if (run !== animation) return;
    ctx.clearRect(0, 0, w, h);
    const x = (i) => 4 + ((w - 8) * i) / Math.max(1, steps.length - 1);
    const line = (val, colour) => {
      ctx.strokeStyle = colour;
      ctx.lineWidth = 2;
      ctx.beginPath();
      for (let i = 0; i < shown; i++) ctx[i ? 'lineTo' : 'moveTo'](x(i), h - 4 - (h - 8) * val(steps[i]));
      ctx.stroke();
    };
    line((s) => s.loss / maxLoss, css('--muted'));
    line((s) => s.p, css('--accent'));
    if (shown < steps.length) {
      shown++;
      setTimeout(() => requestAnimationFrame(frame), 40);
    } else {
      teach.note(say);
    }
  };
  teach.note(() => page.text('lTeaching', label));
  frame();
}

// forget returns every model to its loaded weights and empties the store.
async function forget() {
  if (canLearn()) for (const id of loadedModels()) api.reset(id);
  examples = [];
  tally = { right: 0, wrong: 0 };
  if (store) {
    await request(store.transaction(['examples', 'tally'], 'readwrite'), (t) => {
      t.objectStore('examples').clear();
      return t.objectStore('tally').clear();
    });
  }
  animation++;
  teach.chart.getContext('2d').clearRect(0, 0, teach.chart.width, teach.chart.height);
  teach.figure.hidden = true;
  teach.note(() => page.text('lForgot'));
  renderTeach();
  page.setModel(modelId);
}

// ---- IndexedDB: the examples and the tally ----

function openStore() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => {
      req.result.createObjectStore('examples', { autoIncrement: true });
      req.result.createObjectStore('tally');
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
    req.onblocked = () => reject(new Error('IndexedDB is blocked by another tab'));
  });
}

// request runs fn(transaction), which returns a request, and resolves with
// that request's result once the transaction has committed.
function request(t, fn) {
  return new Promise((resolve, reject) => {
    const req = fn(t);
    t.oncomplete = () => resolve(req.result);
    t.onerror = t.onabort = () => reject(t.error);
  });
}

async function save(name, key, value) {
  if (!store) return;
  try {
    await request(store.transaction(name, 'readwrite'), (t) =>
      key === null ? t.objectStore(name).add(value) : t.objectStore(name).put(value, key));
  } catch (err) {
    report(err);
  }
}

async function loadKept() {
  try {
    store = await openStore();
  } catch (err) {
    store = null; // private browsing or storage off: kept for this visit only
    console.info('inkling: examples are not kept (IndexedDB):', err && err.message);
    return;
  }
  const t = store.transaction(['examples', 'tally'], 'readonly');
  const [ex, tl] = await Promise.all([
    request(t, (tx) => tx.objectStore('examples').getAll()),
    new Promise((resolve) => {
      const r = t.objectStore('tally').get('tally');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => resolve(undefined);
    }),
  ]);
  examples = (ex || []).filter((e) => e && e.input instanceof Uint8Array && e.input.length === 784 && e.label >= 0 && e.label <= 9);
  if (tl && Number.isInteger(tl.right) && Number.isInteger(tl.wrong)) tally = { right: tl.right, wrong: tl.wrong };
}

function report(err) {
  console.warn('inkling:', err);
  teach.note(() => errText(err));
}

// ---- why real data matters: tutorial against shipped weights ----

let compare;
function buildCompare() {
  const radio = (value, key) => {
    const input = el('input', { type: 'radio', name: 'learn-model', value });
    if (value === 'shipped') input.checked = true;
    input.addEventListener('change', () => input.checked && useModel(value).catch((err) => {
      compare.note(() => errText(err));
      checkModel(); // the weights that still answer
    }));
    return el('label', {}, input, el('span', { text: key }));
  };
  const noteEl = el('p', { id: 'learn-compare-note', 'aria-live': 'polite' });
  compare = { note: live(noteEl), draw: renderCompare };
  compare.part = section('learn-compare', 'lCompareTitle',
    el('p', { text: 'lCompareIntro' }),
    el('fieldset', { cls: 'learn-models' }, el('legend', { text: 'lModelLegend' }),
      radio('shipped', 'lShipped'), radio('tutorial', 'lTutorial')),
    noteEl);
  return compare.part;
}

// useModel makes the weights chosen (shipped or tutorial) answer, loading
// the tutorial's the first time.
async function useModel(which) {
  if (which === 'tutorial' && tutorialId < 0) {
    compare.note(() => page.text('lLoading'));
    const m = await model(TUTORIAL_URL);
    if (tutorialId < 0) {
      tutorialId = m.id;
      teachAll([tutorialId]); // the person's examples apply to every model
    }
    // Shipped chosen again while they loaded: that choice stands.
    if (compare.part.querySelector('input:checked')?.value !== which) {
      renderCompare();
      return;
    }
  }
  modelId = which === 'tutorial' ? tutorialId : shipped;
  document.getElementById('learn').dataset.model = which;
  page.setModel(modelId);
  renderCompare();
}

// checkModel checks the radio button of the weights that answer now.
function checkModel() {
  const which = modelId === tutorialId ? 'tutorial' : 'shipped';
  compare.part.querySelector(`input[value="${which}"]`).checked = true;
}

function renderCompare() {
  if (!current || tutorialId < 0) {
    compare.note(() => (tutorialId < 0 ? '' : page.text('lNoDrawing')));
    return;
  }
  const a = api.classify(current.input, shipped);
  const b = api.classify(current.input, tutorialId);
  if (!a || a.error || !b || b.error) return;
  const pct = (r) => Math.round(r.probs[r.digit] * 100);
  compare.note(() => page.text('lBoth', a.digit, pct(a), b.digit, pct(b)));
}

// ---- share: the strokes in the URL fragment ----
//
// #d=BASE64URL of: a version byte (1), then for each stroke a count byte n
// (1..255) and n points, each as two bytes x, y (0..255 across the pad).
// Points that quantise to within one step of the last one kept are dropped
// (but a stroke's end); a stroke of more than 255 points continues in the
// next, from its last point. A 4 of two strokes makes a link of about 450
// characters.

const Q = 255;

function encodeStrokes(strokes) {
  const out = [1];
  for (const s of strokes) {
    let pts = [];
    s.forEach(([x, y], i) => {
      const q = [Math.round(Math.min(1, Math.max(0, x)) * Q), Math.round(Math.min(1, Math.max(0, y)) * Q)];
      const last = pts[pts.length - 1];
      const step = last ? Math.max(Math.abs(q[0] - last[0]), Math.abs(q[1] - last[1])) : 2;
      if (step > 1 || (i === s.length - 1 && step > 0)) pts.push(q);
    });
    while (pts.length) {
      const part = pts.slice(0, 255);
      out.push(part.length);
      for (const [x, y] of part) out.push(x, y);
      pts = pts.length > 255 ? pts.slice(254) : [];
    }
  }
  return btoa(String.fromCharCode(...out)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function decodeStrokes(text) {
  let b;
  try {
    b = Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
  if (b[0] !== 1) return null;
  const strokes = [];
  for (let i = 1; i < b.length;) {
    const n = b[i++];
    if (n === 0 || i + 2 * n > b.length || strokes.length >= 100) return null;
    const s = [];
    for (let k = 0; k < n; k++, i += 2) s.push([b[i] / Q, b[i + 1] / Q]);
    strokes.push(s);
  }
  return strokes.length ? strokes : null;
}

let share;
function buildShare() {
  const link = el('input', { type: 'text', id: 'learn-link', readonly: '', label: 'lLinkLabel' });
  const copy = el('button', { type: 'button', id: 'learn-copy', text: 'lCopy' });
  const noteEl = el('p', { 'aria-live': 'polite' });
  share = { link, copy, note: live(noteEl) };
  link.addEventListener('focus', () => link.select());
  copy.addEventListener('click', async () => {
    link.select();
    try {
      await navigator.clipboard.writeText(link.value);
      share.note(() => page.text('lCopied'));
    } catch {
      share.note(() => page.text('lCopyByHand'));
    }
  });
  return section('learn-share', 'lShareTitle', el('p', { text: 'lShareIntro' }), el('div', { cls: 'learn-link' }, link, copy), noteEl);
}

function renderShare() {
  const strokes = page.strokes();
  const has = strokes.length > 0; // none while a test digit is shown
  share.link.value = has ? location.href.split('#')[0] + '#d=' + encodeStrokes(strokes) : '';
  share.copy.disabled = !has;
  share.note(() => (has ? '' : page.text('lShareEmpty')));
}

// openLink redraws the drawing a #d= link carries.
function openLink() {
  const m = /^#d=([A-Za-z0-9_-]+)$/.exec(location.hash);
  if (!m) return;
  const strokes = decodeStrokes(m[1]);
  if (strokes) page.setStrokes(strokes);
}

// ---- the answer changes ----

function setCurrent(c) {
  // The same image again (another model, or the taught one) keeps its verdict.
  const same = current && c && current.input.every((v, i) => v === c.input[i]);
  current = c;
  if (!same) {
    judged = false;
    teach.note(() => '');
  }
  update();
}

// update redraws the open parts for the current answer.
function update() {
  renderTeach();
  renderShare();
  for (const part of [inside, why, compare]) drawPart(part);
}

// drawPart draws one of the parts that compute (inside, why, compare) for
// the current answer, if it is open.
function drawPart({ part, draw, note }) {
  if (!part.open) return;
  try {
    draw();
  } catch (err) {
    // A web/inkling.wasm older than this page (no inside, say): said in
    // the part, and the rest of the page goes on.
    console.warn('inkling:', err);
    note(() => errText(err));
  }
}

// onAnswer follows the page's answers: a drawing's (predict) or a test
// digit's (classify, with its label).
function onAnswer(r) {
  if (!r || r.noInk || r.digit < 0 || !r.input) setCurrent(null);
  else setCurrent({ input: Uint8Array.from(r.input), digit: r.digit, label: r.label });
}

export async function initLearn(p) {
  page = p;
  api = p.api;
  shipped = modelId = p.model();
  const root = document.getElementById('learn');
  if (!root) return;
  root.replaceChildren(el('h2', { text: 'lTitle' }), buildTeach(), buildInside(), buildWhy(), buildTry(), buildCompare(), buildShare());
  // Opening a part draws it (and no other).
  for (const p of [inside, why, compare]) p.part.addEventListener('toggle', () => drawPart(p));
  root.hidden = false;
  page.onLanguage(() => renders.forEach((r) => r()));
  page.onAnswer(onAnswer);
  window.addEventListener('hashchange', openLink);
  renderTeach();
  renderShare();
  try {
    await loadKept();
    if (teachAll()) page.setModel(modelId); // the kept examples, taught again
  } catch (err) {
    report(err);
  }
  renderTeach();
  openLink();
  root.dataset.ready = 'true';
}
