// inkling's full page (index.html, and index.html?embed in an iframe): the
// answer, the bars, the 28×28 view, the language, the status line and the
// offline worker, around the drawing pad (pad.js) and the shared Go instance
// (engine.js). All the numbers — finding the ink, scaling and centring it,
// the network — are done by Go, compiled to web/inkling.wasm, which registers
// globalThis.inkling (the README lists its API).
//
// At ready, when the document has #learn and is not ?embed, it calls
// initLearn(page) from learn.js with this page object:
//
//   page.api                   globalThis.inkling
//   page.lang()                'en' or 'zh-Hant'
//   page.text(key, ...args)    the current language's words (i18n.js)
//   page.onLanguage(cb)        cb() after the language changes
//   page.strokes()             the drawing: strokes of [x, y] points in 0..1
//   page.setStrokes(strokes)   replaces it (redraws, predicts, announces)
//   page.readInk()             {rgba, width, height}: what predict reads
//   page.onAnswer(cb)          cb(result) after each answer at the end of a
//                              stroke, undo, clear, setStrokes, setModel and
//                              showDigit: what predict returns (classify's answer
//                              with the digit's input and label after showDigit),
//                              or {digit: -1, noInk: true} (not the live answers
//                              while a stroke is drawn)
//   page.setModel(id)          answers come from model id from now on; answers again
//   page.model()               that id
//   page.showDigit(input, label)  shows a 28×28 test digit (Uint8Array(784), white
//                              ink on black) on the pad and its classify answer,
//                              and returns that answer (null on an error, which
//                              the status line shows); drawing again returns to
//                              strokes

import { STRINGS, LANGS, pickLanguage, textIn } from './i18n.js';
import { engine, model, onStop, LoadError, WEIGHTS_URL } from './engine.js';
import { Pad, AnswerView, NO_INK } from './pad.js';
import { initLearn } from './learn.js';

const SW_URL = new URL('../sw.js', import.meta.url); // beside index.html, so it may control it
const SITE_URL = new URL('../', import.meta.url);
const LANG_KEY = 'inkling.lang';

const $ = (id) => document.getElementById(id);
const html = document.documentElement;
const prediction = $('prediction');
const statusEl = $('status');
const seen = $('seen');
const query = new URLSearchParams(location.search);
const embedded = query.has('embed');

if (embedded) html.classList.add('embed');
if (['light', 'dark'].includes(query.get('theme'))) html.dataset.theme = query.get('theme');

// ---- state ----

let api = null; // globalThis.inkling once the weights are loaded
let modelId = 0; // the model answers come from
let lang = 'en';
let result = NO_INK; // the last answer shown, re-rendered when the language changes
let statusMsg = { key: 'loading', args: [] };
let shown = null; // {input, label}: the test digit on the pad (showDigit), if any
const answerCbs = [];
const languageCbs = [];

const seenCtx = seen.getContext('2d');
const seenImage = seenCtx.createImageData(28, 28);

const text = (key, ...args) => textIn(lang, key, ...args);

// ---- the pad ----

const pad = new Pad($('pad'), {
  // While a stroke is drawn: a provisional answer, not spoken.
  onLive: () => {
    const r = read();
    if (r) show(r, false);
  },
  onChange: (why) => {
    if (why === 'clear') {
      shown = null;
      answer(NO_INK, false);
      view.announce(text('sayCleared'));
      return;
    }
    answerNow(true);
  },
});

// read answers for the drawing (or the test digit shown): an answer, or null
// when there is none to give (not ready, or an error, shown in #status).
function read() {
  if (!api) return null;
  if (shown && !pad.image) shown = null; // drawing again
  if (!shown && pad.strokeCount === 0) return NO_INK;
  let r;
  try {
    if (shown) {
      if (typeof api.classify !== 'function') {
        setStatus('errPredict', ['inkling.classify is missing: web/inkling.wasm is older than this page']);
        return null;
      }
      r = api.classify(shown.input, modelId);
      if (r && !r.error) r = { digit: r.digit, probs: r.probs, unsure: r.unsure, input: shown.input, label: shown.label };
    } else {
      const { rgba, width, height } = pad.readInk();
      r = api.predict(rgba, width, height, modelId);
    }
  } catch (err) {
    fail('errStopped', [], err);
    return null;
  }
  if (!r || r.error) {
    setStatus('errPredict', [r ? r.error : 'no answer']);
    return null;
  }
  if (statusMsg) setStatus(null); // an earlier errPredict: this drawing was read
  return r;
}

// answerNow reads the drawing, shows the answer and tells onAnswer's
// callbacks; speak announces it to screen readers. It returns the answer, or
// null (see read).
function answerNow(speak) {
  const r = read();
  if (r) answer(r, speak);
  return r;
}

function answer(r, speak) {
  show(r, speak);
  for (const cb of answerCbs) {
    try {
      cb(r);
    } catch (err) {
      console.error('inkling: an onAnswer callback failed:', err);
    }
  }
}

// ---- the answer ----

const view = new AnswerView({ answer: prediction, digit: $('digit'), verdict: $('verdict'), bars: $('bars'), announce: $('announce') });

// show shows the answer r (announced when speak is true), and for the tests
// its probabilities and label in #prediction's data-probs and data-label.
function show(r, speak) {
  result = r;
  const probs = view.show(r, text, speak);
  prediction.dataset.probs = probs.length ? JSON.stringify(probs) : '';
  prediction.dataset.label = r.label === undefined ? '' : String(r.label);
  const px = seenImage.data;
  for (let i = 0; i < 784; i++) {
    const v = probs.length ? r.input[i] : 0;
    px[4 * i] = px[4 * i + 1] = px[4 * i + 2] = v;
    px[4 * i + 3] = 255;
  }
  seenCtx.putImageData(seenImage, 0, 0);
}

// ---- clear and undo ----

$('clear').addEventListener('click', () => pad.clear());
$('undo').addEventListener('click', () => pad.undo());
document.addEventListener('keydown', (e) => pad.key(e));

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
  for (const cb of languageCbs) {
    try {
      cb();
    } catch (err) {
      console.error('inkling: an onLanguage callback failed:', err);
    }
  }
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

// ---- the page object that learn.js builds on ----

// page is exported too, for tests: import('./web/app.js') from the page
// returns this module, already running.
export const page = {
  get api() {
    return api;
  },
  lang: () => lang,
  text,
  onLanguage: (cb) => void languageCbs.push(cb),
  strokes: () => pad.strokes,
  setStrokes: (strokes) => pad.setStrokes(strokes),
  readInk: () => pad.readInk(),
  onAnswer: (cb) => void answerCbs.push(cb),
  setModel(id) {
    modelId = id;
    answerNow(false);
  },
  model: () => modelId,
  showDigit(input, label) {
    shown = { input: Uint8Array.from(input), label };
    pad.showImage(shown.input);
    return answerNow(true);
  },
};

// ---- loading: the WebAssembly module and the weights, in parallel ----

async function start() {
  const [inkling, loaded] = await Promise.all([engine(), model(WEIGHTS_URL)]);
  pad.setPen(inkling.pen);
  pad.setSide(inkling.side);
  about = { params: loaded.params, version: String(inkling.version || '') };
  modelId = loaded.id;
  renderAbout();
  api = inkling;
  html.dataset.ready = 'true';
  setStatus(null);
  if (pad.strokeCount > 0) answerNow(true); // drawn while loading
  if ($('learn') && !embedded) initLearn(page);
  registerWorker();
}

onStop((err) => {
  if (html.dataset.ready === 'true' || !(err instanceof LoadError)) fail('errStopped', [], err instanceof LoadError ? null : err);
});

// ---- offline: a service worker that keeps the page's files ----

function registerWorker() {
  if (!('serviceWorker' in navigator) || query.has('nosw') || location.protocol === 'file:') return;
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
start().catch((err) => {
  if (err instanceof LoadError) fail(err.key, err.args, err);
  else fail('errOther', [err && err.message ? err.message : String(err)], err);
});
