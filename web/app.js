// inkling's page: pointer events, drawing and the DOM. All the numbers —
// finding the ink, scaling and centring it, the network — are done by Go,
// compiled to web/inkling.wasm, which registers globalThis.inkling:
//
//   inkling.load(bytes)                 -> {ok, params} | {error}
//   inkling.predict(rgba, width, height) -> {digit, probs, unsure, input}
//                                         | {digit: -1, noInk: true} | {error}
//   inkling.pen                          pen width as a fraction of the pad's side
//   inkling.side                         side of the canvas predict reads, in pixels
//   inkling.version
//
// A drawing is a list of strokes, each a list of [x, y] points in pad units
// (0..1 across the pad). The visible pad draws them sharply in theme colours;
// a hidden canvas of a fixed size (inkling.side) replays the same strokes in
// opaque ink on a transparent background, and its pixels go to predict.

import { STRINGS, LANGS, pickLanguage } from './i18n.js';

const DEFAULT_SIDE = 112; // side of the hidden canvas predict reads, until inkling.side is known
const DEFAULT_PEN = 0.07; // pen width until inkling.pen is known
const MIN_STEP = 0.002; // points closer than this to the last one are dropped
const WASM_URL = new URL('inkling.wasm', import.meta.url);
const WEIGHTS_URL = new URL('../weights/model.bin', import.meta.url);
const SW_URL = new URL('../sw.js', import.meta.url); // beside index.html, so it may control it
const SITE_URL = new URL('../', import.meta.url);
const LANG_KEY = 'inkling.lang';

const $ = (id) => document.getElementById(id);
const html = document.documentElement;
const pad = $('pad');
const padBox = pad.parentElement;
const prediction = $('prediction');
const digitEl = $('digit');
const verdictEl = $('verdict');
const statusEl = $('status');
const announcer = $('announce');
const seen = $('seen');
const query = new URLSearchParams(location.search);

if (query.has('embed')) html.classList.add('embed');
if (['light', 'dark'].includes(query.get('theme'))) html.dataset.theme = query.get('theme');

// ---- state ----

const strokes = []; // finished strokes, and the one being drawn last
let drawing = null; // {id, type, rect, stroke} while a pointer that came down on the pad is down
let pen = DEFAULT_PEN;
let api = null; // globalThis.inkling once the weights are loaded
let lang = 'en';
const NO_INK = { digit: -1, noInk: true }; // the answer to a blank pad
let result = NO_INK; // the last answer shown, re-rendered when the language changes
let statusMsg = { key: 'loading', args: [] };
let frameAsked = false;
let padStale = false; // the strokes have points the visible pad does not show yet
let predictAsked = false;
let predictMs = 0; // how long the last predict took
let predictEnd = 0; // when it finished (performance.now)

const padCtx = pad.getContext('2d');
const ink = document.createElement('canvas'); // square: its width is its side
ink.width = ink.height = DEFAULT_SIDE;
const inkCtx = ink.getContext('2d', { willReadFrequently: true });
const seenCtx = seen.getContext('2d');
const seenImage = seenCtx.createImageData(28, 28);

// textIn returns the words for key in language l (English when l has none).
function textIn(l, key, ...args) {
  const s = STRINGS[l][key] ?? STRINGS.en[key];
  return typeof s === 'function' ? s(...args) : s;
}
const text = (key, ...args) => textIn(lang, key, ...args);

// ---- drawing ----

// trace draws strokes onto ctx, a square canvas of the given side in pixels.
// The visible pad and the hidden ink canvas both use it, so they hold the
// same drawing at different sizes.
function trace(ctx, side) {
  const width = pen * side;
  ctx.lineWidth = width;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  for (const s of strokes) {
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

function drawPad() {
  padStale = false;
  const side = pad.width;
  padCtx.clearRect(0, 0, side, pad.height);
  const colour = getComputedStyle(pad).color;
  padCtx.strokeStyle = padCtx.fillStyle = colour;
  trace(padCtx, side);
  padBox.classList.toggle('has-ink', strokes.length > 0);
}

// readInk replays the strokes on the hidden ink canvas and returns its
// pixels, as predict reads them.
function readInk() {
  const side = ink.width;
  inkCtx.clearRect(0, 0, side, side);
  inkCtx.strokeStyle = inkCtx.fillStyle = '#000'; // opaque; predict reads alpha
  trace(inkCtx, side);
  return inkCtx.getImageData(0, 0, side, side).data;
}

// The pad's drawing fills its content box (inside the border): its backing
// store follows that box's CSS size times devicePixelRatio, so strokes stay
// sharp on HiDPI screens, and pointer positions are read relative to it, so
// the ink lies under the pointer.
function resizePad() {
  const side = Math.max(1, Math.round(pad.clientWidth * (window.devicePixelRatio || 1)));
  if (pad.width !== side || pad.height !== side) {
    pad.width = pad.height = side;
  }
  drawPad();
}
new ResizeObserver(resizePad).observe(pad);
matchMedia('(prefers-color-scheme: dark)').addEventListener('change', drawPad);

// ---- pointer input ----

function contentRect() {
  const r = pad.getBoundingClientRect();
  return { left: r.left + pad.clientLeft, top: r.top + pad.clientTop, width: pad.clientWidth, height: pad.clientHeight };
}

function pointAt(rect, e) {
  return [(e.clientX - rect.left) / rect.width, (e.clientY - rect.top) / rect.height];
}

function addPoint(stroke, p) {
  const last = stroke[stroke.length - 1];
  if (Math.hypot(p[0] - last[0], p[1] - last[1]) >= MIN_STEP) stroke.push(p);
}

// A stroke ends at pointerup or pointercancel, wherever the pointer is then:
// moves, ups and cancels are heard on the window, not only on the pad. Pointer
// capture keeps them coming to the pad, but a stroke does not depend on it:
// Chromium can report lostpointercapture just after pointerdown, before the
// stroke's moves (seen in the browser tests: a few digits in a hundred), and
// ending the stroke there lost the digit.
pad.addEventListener('pointerdown', (e) => {
  if (e.pointerType === 'mouse' && e.button !== 0) return;
  if (drawing) {
    // Another finger or pen while one draws is ignored. The same kind of
    // pointer coming down again as the primary one means that the last
    // stroke's end never reached the page (released outside an embedding
    // frame, say): that stroke ends here.
    if (!e.isPrimary || e.pointerType !== drawing.type) return;
    finishStroke();
  }
  e.preventDefault();
  try {
    pad.setPointerCapture(e.pointerId);
  } catch {
    // The pointer is already gone; its up or cancel follows.
  }
  const rect = contentRect();
  drawing = { id: e.pointerId, type: e.pointerType, rect, stroke: [pointAt(rect, e)] };
  strokes.push(drawing.stroke);
  askFrame();
});

window.addEventListener('pointermove', (e) => {
  if (!drawing || e.pointerId !== drawing.id) return;
  if (e.pointerType !== 'touch' && e.buttons === 0) {
    // The button went up where the page could not see it.
    finishStroke();
    return;
  }
  const events = e.getCoalescedEvents ? e.getCoalescedEvents() : [];
  for (const ev of events.length ? events : [e]) addPoint(drawing.stroke, pointAt(drawing.rect, ev));
  askFrame();
});

function endStroke(e) {
  if (!drawing || e.pointerId !== drawing.id) return;
  if (e.type === 'pointerup') addPoint(drawing.stroke, pointAt(drawing.rect, e));
  finishStroke();
}

function finishStroke() {
  drawing = null;
  drawPad();
  predictNow(true);
}
window.addEventListener('pointerup', endStroke);
window.addEventListener('pointercancel', endStroke);
pad.addEventListener('contextmenu', (e) => e.preventDefault());

// ---- live drawing and prediction, at most once per animation frame ----

// askFrame asks for a frame that shows the new points and predicts.
function askFrame() {
  padStale = predictAsked = true;
  nextFrame();
}

function nextFrame() {
  if (!frameAsked) {
    frameAsked = true;
    requestAnimationFrame(frame);
  }
}

// frame draws the pad only if points came since it was last drawn: the end
// of a stroke, Clear and Undo draw it at once, and a frame that only waits
// to predict has nothing new to show.
function frame() {
  frameAsked = false;
  if (padStale) drawPad();
  if (!predictAsked || !api) return;
  // While a stroke goes on, spend at most about half of the time predicting,
  // so that drawing stays smooth on a slow phone.
  if (drawing && performance.now() - predictEnd < predictMs) {
    nextFrame();
    return;
  }
  predictNow(false);
}

// predictNow reads the drawing and shows the answer; speak announces it to
// screen readers (at the end of a stroke, not on every frame).
function predictNow(speak) {
  predictAsked = false;
  if (!api) return;
  if (strokes.length === 0) {
    show(NO_INK, speak);
    return;
  }
  const rgba = readInk();
  const start = performance.now();
  let r;
  try {
    r = api.predict(rgba, ink.width, ink.height);
  } catch (err) {
    fail('errStopped', [], err);
    return;
  }
  predictEnd = performance.now();
  predictMs = predictEnd - start;
  if (!r || r.error) {
    setStatus('errPredict', [r ? r.error : 'no answer']);
    return;
  }
  if (statusMsg) setStatus(null); // an earlier errPredict: this drawing was read
  show(r, speak);
}

// ---- the answer ----

const bars = [];
const barList = $('bars');
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
  barList.append(li);
  bars.push({ li, pct });
}

// runnerUp returns the most probable digit other than top.
function runnerUp(probs, top) {
  let best = -1;
  probs.forEach((p, d) => {
    if (d !== top && (best < 0 || p > probs[best])) best = d;
  });
  return best;
}

function show(r, speak) {
  result = r;
  const empty = !!r.noInk || r.digit < 0;
  const probs = empty ? [] : Array.from(r.probs, Number);
  const state = empty ? 'empty' : r.unsure ? 'unsure' : 'sure';
  prediction.dataset.state = state;
  barList.dataset.state = state;
  prediction.dataset.digit = state === 'sure' ? String(r.digit) : '';
  prediction.dataset.probs = empty ? '' : JSON.stringify(probs);

  let say;
  if (empty) {
    digitEl.textContent = '–';
    verdictEl.textContent = text('drawPrompt');
  } else if (r.unsure) {
    const other = runnerUp(probs, r.digit);
    const head = document.createElement('strong');
    const maybe = document.createElement('span');
    head.textContent = text('unsure');
    maybe.textContent = text('maybe', r.digit, other);
    digitEl.textContent = `${r.digit}?`;
    verdictEl.replaceChildren(head, maybe);
    say = text('sayUnsure', r.digit, other);
  } else {
    digitEl.textContent = String(r.digit);
    verdictEl.textContent = text('sure', Math.round(probs[r.digit] * 100));
    say = text('sayDigit', r.digit);
  }

  bars.forEach((b, d) => {
    const p = empty ? 0 : probs[d];
    const pct = Math.round(p * 100);
    b.li.style.setProperty('--p', p.toFixed(4));
    b.pct.textContent = empty ? '' : `${pct}`;
    b.li.classList.toggle('best', !empty && d === r.digit);
    b.li.setAttribute('aria-label', text('barLabel', d, pct));
  });

  const px = seenImage.data;
  for (let i = 0; i < 784; i++) {
    const v = empty ? 0 : r.input[i];
    px[4 * i] = px[4 * i + 1] = px[4 * i + 2] = v;
    px[4 * i + 3] = 255;
  }
  seenCtx.putImageData(seenImage, 0, 0);

  if (speak && say) announce(say);
}

function announce(message) {
  // Emptying the region first makes a repeated message be spoken again.
  announcer.textContent = '';
  setTimeout(() => {
    announcer.textContent = message;
  }, 50);
}

// ---- clear and undo ----

function clearPad() {
  if (drawing) {
    try {
      pad.releasePointerCapture(drawing.id);
    } catch {
      // That pointer is no longer down.
    }
  }
  drawing = null;
  strokes.length = 0;
  drawPad();
  show(NO_INK, false);
  announce(text('sayCleared'));
}

// undo takes back the last stroke; taking back the only one clears the pad.
function undo() {
  if (drawing || strokes.length === 0) return;
  if (strokes.length === 1) {
    clearPad();
    return;
  }
  strokes.pop();
  drawPad();
  predictNow(true);
}

$('clear').addEventListener('click', clearPad);
$('undo').addEventListener('click', undo);
document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && !e.ctrlKey && !e.metaKey && !e.altKey) {
    clearPad();
  } else if ((e.ctrlKey || e.metaKey) && !e.shiftKey && !e.altKey && e.key.toLowerCase() === 'z') {
    e.preventDefault();
    undo();
  }
});

// ---- language ----

function setLanguage(next, remember) {
  lang = next;
  html.lang = next;
  document.title = text('title');
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = text(el.dataset.i18n);
  for (const el of document.querySelectorAll('[data-i18n-label]')) {
    el.setAttribute('aria-label', text(el.dataset.i18nLabel));
  }
  const other = LANGS.find((l) => l !== next);
  const button = $('lang');
  button.textContent = STRINGS[other].name;
  button.lang = other;
  button.setAttribute('aria-label', STRINGS[other].switchTo);
  if (remember) {
    try {
      localStorage.setItem(LANG_KEY, next);
    } catch {
      // Storage may be off (private mode, a sandboxed iframe): the choice
      // then lasts until the page closes.
    }
  }
  renderStatus();
  renderAbout();
  show(result, false);
}

function savedLanguage() {
  try {
    return localStorage.getItem(LANG_KEY);
  } catch {
    return null;
  }
}

$('lang').addEventListener('click', () => setLanguage(LANGS.find((l) => l !== lang), true));

// ---- status ----

// setStatus shows a message by its key (null hides the line); error marks it
// as the reason the page cannot work.
function setStatus(key, args = [], error = false) {
  statusMsg = key && { key, args };
  statusEl.classList.toggle('error', error);
  renderStatus();
}

function renderStatus() {
  statusEl.textContent = statusMsg ? text(statusMsg.key, ...statusMsg.args) : '';
  statusEl.hidden = !statusMsg;
}

let about = null;
function renderAbout() {
  $('about').textContent = about ? text('about', about.params, about.version) : '';
}

function fail(key, args, err) {
  if (err) console.error('inkling:', err);
  api = null;
  html.dataset.ready = 'error';
  setStatus(key, args, true);
}

// ---- loading: the WebAssembly module and the weights, in parallel ----

class LoadError extends Error {
  constructor(key, ...args) {
    super(textIn('en', key, ...args) ?? key);
    this.key = key;
    this.args = args;
  }
}

const shortName = (url) => url.href.slice(SITE_URL.href.length);

async function download(url) {
  let res;
  try {
    res = await fetch(url);
  } catch (err) {
    throw new LoadError('errNetwork', shortName(url));
  }
  if (!res.ok) throw new LoadError('errHttp', shortName(url), res.status);
  return res;
}

async function instantiate(go) {
  const res = await download(WASM_URL);
  const type = res.headers.get('Content-Type') || '';
  if (WebAssembly.instantiateStreaming && type.startsWith('application/wasm')) {
    try {
      return (await WebAssembly.instantiateStreaming(res, go.importObject)).instance;
    } catch (err) {
      console.warn('inkling: streaming compile failed, trying again from bytes:', err);
    }
  }
  // A server that sends the wrong Content-Type (or a failed stream): compile
  // from the bytes instead. This second fetch is usually answered by the cache.
  const bytes = await (res.bodyUsed ? await download(WASM_URL) : res).arrayBuffer();
  try {
    return (await WebAssembly.instantiate(bytes, go.importObject)).instance;
  } catch (err) {
    throw new LoadError('errCompile', err.message);
  }
}

// The Go program registers globalThis.inkling while go.run starts it; wait a
// little in case it does so after its first yield.
async function waitForApi(exited) {
  for (let i = 0; i < 100 && !globalThis.inkling; i++) {
    if (exited.done) throw new LoadError('errStopped');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  if (!globalThis.inkling) throw new LoadError('errNoApi');
  return globalThis.inkling;
}

async function start() {
  if (location.protocol === 'file:') throw new LoadError('errFile');
  if (typeof WebAssembly !== 'object') throw new LoadError('errNoWasm');
  if (typeof globalThis.Go !== 'function') throw new LoadError('errNoGo');

  const weights = download(WEIGHTS_URL).then((res) => res.arrayBuffer());
  weights.catch(() => {}); // reported below, after the module's own errors
  const go = new globalThis.Go();
  const instance = await instantiate(go);
  const exited = { done: false };
  go.run(instance).then(
    () => {
      exited.done = true;
      if (html.dataset.ready === 'true') fail('errStopped');
    },
    (err) => {
      exited.done = true;
      fail('errStopped', [], err);
    },
  );
  const inkling = await waitForApi(exited);
  const loaded = inkling.load(new Uint8Array(await weights));
  if (!loaded || loaded.error) throw new LoadError('errModel', loaded ? loaded.error : 'no answer');

  if (typeof inkling.pen === 'number' && inkling.pen > 0 && inkling.pen < 1) pen = inkling.pen;
  if (Number.isInteger(inkling.side) && inkling.side >= 28 && inkling.side <= 1024) ink.width = ink.height = inkling.side;
  about = { params: Number(loaded.params) || 0, version: String(inkling.version || '') };
  renderAbout();
  api = inkling;
  html.dataset.ready = 'true';
  setStatus(null);
  drawPad();
  if (strokes.length > 0) predictNow(true); // drawn while loading
  registerWorker();
}

// ---- offline: a service worker that keeps the page's files ----

function registerWorker() {
  if (!('serviceWorker' in navigator) || query.has('nosw')) return;
  navigator.serviceWorker
    .register(SW_URL, { scope: SITE_URL.href })
    .catch((err) => console.info('inkling: works online only here (no service worker):', err.message));
  navigator.serviceWorker.addEventListener('message', (e) => {
    if (e.data && e.data.type === 'inkling-updated') $('update').hidden = false;
  });
}
$('reload').addEventListener('click', () => location.reload());

// ---- go ----

setLanguage(pickLanguage([query.get('lang'), savedLanguage()], navigator.languages || [navigator.language]), false);
resizePad();
start().catch((err) => {
  if (err instanceof LoadError) fail(err.key, err.args, err);
  else fail('errOther', [err && err.message ? err.message : String(err)], err);
});
