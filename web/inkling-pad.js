// <inkling-pad>: the recogniser as one HTML element, for a blog post.
//
//   <script type="module" src="/inkling/web/inkling-pad.js"></script>
//   <inkling-pad></inkling-pad>
//
// Attributes
//   model   the model file's URL (relative to the page), or `tutorial`: the
//           tutorial's weights (weights/tutorial.bin beside this script's
//           folder, wherever a build has put it); default: weights/model.bin
//           beside this script's folder (../weights/model.bin from web/)
//   theme   light or dark; default: the reader's system setting
//   lang    en or zh-Hant; default: the lang of the element or its nearest
//           ancestor (<html lang>), else the browser's languages
// Properties and methods
//   state        'idle' (not yet scrolled into view), 'loading', 'ready' or 'error'
//   prediction   the last answer's detail (below), or null
//   strokes      the drawing (strokes of [x, y] points, 0..1 across the pad); settable
//   load()       loads now instead of when the element first comes into view;
//                resolves when it is ready or has failed (it never rejects)
//   clear(), undo()
// Events
//   prediction   after each answer at the end of a stroke, undo, clear and
//                when strokes is set: event.detail = {digit, probs, unsure},
//                digit -1 and probs [] for a blank pad. It bubbles out of the
//                shadow root.
//
// Every <inkling-pad> on a page shares one Go instance and loads each model
// file once (engine.js). The styles are web/pad.css, linked inside the shadow
// root: a page whose Content-Security-Policy has style-src 'self' allows them.
// Keyboard: the pad and its buttons take focus; Escape clears and Ctrl+Z
// (Cmd+Z) undoes while the focus is inside the element.

import { engine, model, onStop, LoadError, WEIGHTS_URL, TUTORIAL_URL } from './engine.js';
import { Pad, AnswerView, NO_INK } from './pad.js';
import { pickLanguage, textIn } from './i18n.js';

const CSS_URL = new URL('pad.css', import.meta.url).href;
const LOAD_MARGIN = '100px'; // start loading when the element is this close to the screen
const NAMED = { tutorial: TUTORIAL_URL }; // models a page may name instead of giving a URL

const TEMPLATE = `
<link rel="stylesheet" href="${CSS_URL}">
<div class="frame" part="frame" hidden>
  <div class="ip" data-state="idle">
    <div class="pad-box">
      <canvas class="pad" part="pad" tabindex="0" aria-keyshortcuts="Escape Control+Z Meta+Z"></canvas>
      <p class="pad-hint" aria-hidden="true"></p>
    </div>
    <div class="side">
      <p class="status" role="status" hidden></p>
      <div class="answer" data-state="empty" data-digit="">
        <span class="digit" aria-hidden="true">–</span>
        <span class="verdict"></span>
      </div>
      <ol class="bars" data-state="empty"></ol>
      <div class="buttons">
        <button class="undo" type="button"></button>
        <button class="clear" type="button"></button>
      </div>
    </div>
    <div class="announce" aria-live="polite"></div>
  </div>
</div>`;

export class InklingPad extends HTMLElement {
  static observedAttributes = ['model', 'theme', 'lang'];

  #root;
  #el = {}; // the shadow root's parts
  #view;
  #pad = null; // made when connected
  #saved = []; // the strokes while disconnected
  #observer = null;
  #state = 'idle';
  #api = null; // globalThis.inkling, once this pad's model is loaded
  #modelId = 0;
  #loading = null; // {url, promise} of the load in progress or done
  #result = NO_INK;
  #detail = null;
  #status = null; // {key, args, error}
  #lang = 'en';

  constructor() {
    super();
    this.#root = this.attachShadow({ mode: 'open' });
    this.#root.innerHTML = TEMPLATE;
    const q = (s) => this.#root.querySelector(s);
    this.#el = {
      frame: q('.frame'),
      ip: q('.ip'),
      canvas: q('.pad'),
      box: q('.pad-box'),
      hint: q('.pad-hint'),
      status: q('.status'),
      answer: q('.answer'),
      digit: q('.digit'),
      verdict: q('.verdict'),
      bars: q('.bars'),
      undo: q('.undo'),
      clear: q('.clear'),
      announce: q('.announce'),
    };
    // Shown once its styles are there (or failed: then unstyled, but usable).
    const show = () => (this.#el.frame.hidden = false);
    q('link').addEventListener('load', show);
    q('link').addEventListener('error', show);
    this.#view = new AnswerView(this.#el);
    this.#el.undo.addEventListener('click', () => this.undo());
    this.#el.clear.addEventListener('click', () => this.clear());
    this.addEventListener('keydown', (e) => this.#pad?.key(e));
    onStop(() => this.#fail(new LoadError('errStopped')));
  }

  connectedCallback() {
    this.#lang = this.#pickLang();
    this.#render();
    if (!this.#pad) {
      this.#pad = new Pad(this.#el.canvas, {
        box: this.#el.box,
        onLive: () => {
          const r = this.#read();
          if (r) this.#show(r, false);
        },
        onChange: (why) => this.#changed(why),
      });
      if (this.#saved.length) this.#pad.setStrokes(this.#saved);
      if (this.#api) {
        this.#pad.setPen(this.#api.pen);
        this.#pad.setSide(this.#api.side);
      }
    }
    if (this.#state === 'idle' && !this.#observer) {
      // Load when the element comes near the screen, not before.
      this.#observer = new IntersectionObserver(
        (entries) => {
          if (entries.some((e) => e.isIntersecting)) this.load();
        },
        { rootMargin: LOAD_MARGIN },
      );
      this.#observer.observe(this);
    }
  }

  disconnectedCallback() {
    this.#observer?.disconnect();
    this.#observer = null;
    if (this.#pad) {
      this.#saved = this.#pad.strokes;
      this.#pad.destroy();
      this.#pad = null;
    }
  }

  attributeChangedCallback(name, old, value) {
    if (old === value) return;
    if (name === 'model' && this.#loading) this.load();
    if (name === 'lang') {
      this.#lang = this.#pickLang();
      this.#render();
    }
    // New colours: draw the strokes again once the styles apply.
    if (name === 'theme') requestAnimationFrame(() => this.#pad?.redraw());
  }

  get state() {
    return this.#state;
  }

  get prediction() {
    return this.#detail;
  }

  get strokes() {
    return this.#pad ? this.#pad.strokes : this.#saved;
  }

  set strokes(strokes) {
    if (this.#pad) this.#pad.setStrokes(strokes);
    else this.#saved = strokes;
  }

  clear() {
    this.#pad?.clear();
  }

  undo() {
    this.#pad?.undo();
  }

  // load starts the Go instance (shared) and loads this pad's model (once a
  // URL, shared too); it resolves when the pad is ready or has failed.
  load() {
    const name = this.getAttribute('model') || '';
    const url = Object.hasOwn(NAMED, name) ? NAMED[name] : new URL(name || WEIGHTS_URL, document.baseURI).href;
    if (this.#loading?.url === url) return this.#loading.promise;
    this.#observer?.disconnect();
    this.#observer = null;
    this.#api = null;
    this.#setState('loading');
    this.#setStatus('loading');
    const loading = { url };
    loading.promise = Promise.all([engine(), model(url)]).then(
      ([api, m]) => {
        if (this.#loading !== loading) return;
        this.#modelId = m.id;
        this.#pad?.setPen(api.pen);
        this.#pad?.setSide(api.side);
        this.#api = api;
        this.#setStatus(null);
        this.#setState('ready');
        if (this.#pad && this.#pad.strokeCount > 0) this.#answer(false); // drawn while loading
      },
      (err) => {
        if (this.#loading === loading) this.#fail(err);
      },
    );
    this.#loading = loading;
    return loading.promise;
  }

  // ---- answers ----

  #changed(why) {
    if (this.#state === 'idle') this.load(); // drawn on before it was seen to be on screen
    if (why === 'clear') {
      this.#emit(NO_INK, this.#show(NO_INK, false));
      this.#view.announce(this.#text('sayCleared'));
      return;
    }
    this.#answer(true);
  }

  #answer(speak) {
    const r = this.#read();
    if (r) this.#emit(r, this.#show(r, speak));
  }

  // read answers for the drawing, or returns null when there is none to give
  // (not ready, or an error, shown in the status line).
  #read() {
    if (!this.#api || !this.#pad) return null;
    if (this.#pad.strokeCount === 0) return NO_INK;
    let r;
    try {
      const { rgba, width, height } = this.#pad.readInk();
      r = this.#api.predict(rgba, width, height, this.#modelId);
    } catch (err) {
      this.#fail(err);
      return null;
    }
    if (!r || r.error) {
      this.#setStatus('errPredict', [r ? r.error : 'no answer']);
      return null;
    }
    if (this.#status) this.#setStatus(null);
    return r;
  }

  // emit dispatches the prediction event for the answer r, shown with the
  // probabilities probs ([] for a blank pad).
  #emit(r, probs) {
    this.#detail = { digit: probs.length ? r.digit : -1, probs, unsure: probs.length > 0 && !!r.unsure };
    this.dispatchEvent(new CustomEvent('prediction', { detail: this.#detail, bubbles: true, composed: true }));
  }

  // show shows the answer r, and returns its probabilities.
  #show(r, speak) {
    this.#result = r;
    return this.#view.show(r, (key, ...args) => this.#text(key, ...args), speak);
  }

  // ---- state, status and words ----

  #setState(state) {
    this.#state = state;
    this.#el.ip.dataset.state = state;
  }

  #setStatus(key, args = [], error = false) {
    this.#status = key && { key, args, error };
    this.#renderStatus();
  }

  #renderStatus() {
    const el = this.#el.status;
    el.textContent = this.#status ? this.#text(this.#status.key, ...this.#status.args) : '';
    el.hidden = !this.#status;
    el.classList.toggle('error', !!this.#status?.error);
  }

  #fail(err) {
    if (this.#state === 'error') return;
    console.warn('inkling-pad:', err);
    this.#api = null;
    this.#setState('error');
    if (err instanceof LoadError) this.#setStatus(err.key, err.args, true);
    else this.#setStatus('errOther', [err && err.message ? err.message : String(err)], true);
  }

  #pickLang() {
    const near = this.closest('[lang]')?.getAttribute('lang');
    return pickLanguage([], [near, ...(navigator.languages || [navigator.language])].filter(Boolean));
  }

  #text(key, ...args) {
    return textIn(this.#lang, key, ...args);
  }

  // render writes every word in the current language.
  #render() {
    const { canvas, hint, bars, undo, clear } = this.#el;
    canvas.setAttribute('aria-label', this.#text('padLabel'));
    hint.textContent = this.#text('padHint');
    bars.setAttribute('aria-label', this.#text('barsLabel'));
    undo.textContent = this.#text('undo');
    clear.textContent = this.#text('clear');
    this.#renderStatus();
    this.#show(this.#result, false);
  }
}

if (!customElements.get('inkling-pad')) customElements.define('inkling-pad', InklingPad);
