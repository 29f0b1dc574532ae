// engine.js: the page's one Go instance, shared by everything on it (the
// full page, every <inkling-pad>, the learn view). Go compiled to
// web/inkling.wasm does every number; this module only starts it and hands it
// bytes.
//
//   engine() → Promise<api>          globalThis.inkling, once web/inkling.wasm runs
//   model(url) → Promise<{id, params, meta, simd}>
//                                    loads a model file, once per absolute URL
//   asset(path) → Promise<ArrayBuffer>
//                                    a file of the site (a path relative to the
//                                    folder that holds web/), fetched or inline
//   onStop(cb)                       cb(err) if the Go program ever stops
//   WEIGHTS_URL, TUTORIAL_URL        weights/model.bin, weights/tutorial.bin
//   LoadError                        what failed: key names the message in
//                                    i18n.js, args are its values
//
// The state lives on globalThis (under Symbol.for('inkling.engine')), so two
// copies of this module on one page (loaded from two URLs, say) still share
// one Go instance.
//
// Inline data (dist/inkling.html, which works from file://): when the
// document holds
//   <script type="application/octet-stream" data-inkling="NAME">BASE64</script>
// with BASE64 the gzip -9 of the file NAME (a path relative to the site root:
// web/inkling.wasm, weights/model.bin, weights/tutorial.bin, web/digits.bin),
// asset, model and engine decode it (atob, then DecompressionStream) instead
// of fetching: nothing is downloaded. A page that defines globalThis.Go
// itself (a classic <script> of wasm_exec.js, inline or not) is not made to
// import web/wasm_exec.js.

const SITE_URL = new URL('../', import.meta.url); // the folder that holds web/ and weights/
export const WEIGHTS_URL = new URL('weights/model.bin', SITE_URL).href;
export const TUTORIAL_URL = new URL('weights/tutorial.bin', SITE_URL).href;
const WASM_NAME = 'web/inkling.wasm';

const state = (globalThis[Symbol.for('inkling.engine')] ||= {
  engine: null, // the promise of the api
  models: new Map(), // absolute URL -> the promise of {id, params, meta}
  stops: [], // callbacks for onStop
  stopped: undefined, // set (to an error) once the Go program has stopped
  simd: undefined, // whether Go's SIMD kernels run, once Go has asked (simdImports)
});

// A LoadError says why something could not load, by the key of its message
// in i18n.js (STRINGS[lang][key], called with args); its message is English.
export class LoadError extends Error {
  constructor(key, ...args) {
    super(`${key}: ${args.join(', ')}`);
    this.key = key;
    this.args = args;
  }
}

// siteName returns url as a path relative to the site root (what inline data
// is named by, and what messages show), or the whole URL when it is elsewhere.
function siteName(url) {
  const href = String(url);
  return href.startsWith(SITE_URL.href) ? href.slice(SITE_URL.href.length) : href;
}

// inline returns the document's inline copy of the file name, or null.
function inline(name) {
  if (typeof document === 'undefined') return null;
  for (const el of document.querySelectorAll('script[type="application/octet-stream"][data-inkling]')) {
    if (el.dataset.inkling === name) return el;
  }
  return null;
}

// inflate decodes an inline copy: base64, then gzip.
async function inflate(el, name) {
  try {
    const bin = atob(el.textContent.replace(/\s+/g, ''));
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
    return await new Response(stream).arrayBuffer();
  } catch (err) {
    throw new LoadError('errOther', `the copy of ${name} inside this page is damaged (${err.message})`);
  }
}

// download fetches url and fails with a LoadError unless the answer is 2xx.
async function download(url) {
  if (url.protocol === 'file:') throw new LoadError('errFile');
  let res;
  try {
    res = await fetch(url);
  } catch {
    throw new LoadError('errNetwork', siteName(url));
  }
  if (!res.ok) throw new LoadError('errHttp', siteName(url), res.status);
  return res;
}

export function asset(path) {
  const url = new URL(path, SITE_URL);
  const name = siteName(url);
  const el = inline(name);
  if (el) return inflate(el, name);
  return download(url).then((res) => res.arrayBuffer());
}

// ---- the Go instance ----

export function engine() {
  state.engine ||= start();
  return state.engine;
}

async function start() {
  if (typeof WebAssembly !== 'object') throw new LoadError('errNoWasm');
  const el = inline(WASM_NAME);
  const url = new URL(WASM_NAME, SITE_URL);
  // The module downloads while wasm_exec.js loads.
  const source = el ? inflate(el, WASM_NAME) : download(url);
  source.catch(() => {}); // reported below, after wasm_exec.js's own errors
  const go = new (await goClass())();
  go.importObject.inkling = simdImports(go);
  const instance = await instantiate(go, await source, url);
  const exited = { done: false };
  go.run(instance).then(
    () => stop(exited, new LoadError('errStopped')),
    (err) => stop(exited, err),
  );
  const api = await waitForApi(exited);
  fastPredict(api, instance.exports);
  return api;
}

// fastPredict makes api.predict call Go's exports for it (wasm/fast.go):
// the same answers from the same Go code, without the ~12 µs that a call
// into Go's own predict (a js.FuncOf) spends waking Go's scheduler. Anything
// else (a wrong argument, an error to explain) goes to Go's own predict,
// kept as api.predict.go. The pixels and their kind are read through the
// typed arrays' own getters, as Go's predict reads them, so a caller's
// object cannot lie about them, and none of its code runs.
const TYPED = Object.getPrototypeOf(Uint8Array.prototype);
const slot = (name) => Object.getOwnPropertyDescriptor(TYPED, name).get;
const LENGTH = slot('length'), BUFFER = slot('buffer'), OFFSET = slot('byteOffset');
const KIND = slot(Symbol.toStringTag); // 'Uint8Array', …; undefined for a DataView

function fastPredict(api, exports) {
  const { inklingPixels: pixels, inklingPredict: run, inklingAnswer: answer, mem } = exports;
  if (typeof run !== 'function' || typeof api.predict !== 'function') return;
  const slow = api.predict;
  const int32 = (v) => (v | 0) === v; // passes to WebAssembly as itself
  const fast = (rgba, width, height, model) => {
    if (!ArrayBuffer.isView(rgba)) return null;
    const kind = KIND.call(rgba);
    if ((kind !== 'Uint8Array' && kind !== 'Uint8ClampedArray') || !int32(width) || !int32(height) || !int32(model)) return null;
    const n = LENGTH.call(rgba);
    const at = n === 4 * width * height ? pixels(n) : 0;
    if (!at) return null;
    new Uint8Array(mem.buffer, at, n).set(new Uint8Array(BUFFER.call(rgba), OFFSET.call(rgba), n));
    const digit = run(n, width, height, model);
    if (digit === -1) return { digit: -1, noInk: true };
    if (digit < 0) return null;
    const a = answer(), buf = mem.buffer;
    return {
      digit, probs: Array.from(new Float32Array(buf, a, 10)),
      unsure: new Int32Array(buf, a + 40, 1)[0] === 1, input: new Uint8Array(buf, a + 44, 784).slice(),
    };
  };
  api.predict = (...args) => {
    const [rgba, width, height, model = 0] = args;
    let r = null;
    try {
      r = fast(rgba, width, height, model);
    } catch {
      // Not expected (see above); Go's predict will answer.
    }
    return r || slow(...args);
  };
  api.predict.go = slow;
}

// goClass returns wasm_exec.js's Go class, importing the file unless the page
// has loaded it already. (It is a script that assigns globalThis.Go, and runs
// as a module too.)
async function goClass() {
  if (typeof globalThis.Go !== 'function') {
    try {
      await import('./wasm_exec.js');
    } catch (err) {
      console.warn('inkling: web/wasm_exec.js:', err);
    }
  }
  if (typeof globalThis.Go !== 'function') throw new LoadError('errNoGo');
  return globalThis.Go;
}

// simdImports are the imports through which Go runs its WebAssembly SIMD
// kernels (internal/simd): Go hands over the kernels' code, compiled here
// over Go's own memory, then calls them. A browser without SIMD answers 0,
// and Go computes everything itself.
function simdImports(go) {
  let run = null;
  return {
    kernel(ptr, len) {
      try {
        const memory = go._inst.exports.mem;
        const module = new WebAssembly.Module(new Uint8Array(memory.buffer, ptr, len));
        run = new WebAssembly.Instance(module, { inkling: { memory } }).exports.run;
        state.simd = true;
        return 1;
      } catch (err) {
        console.info('inkling: no WebAssembly SIMD here; Go computes without it:', err.message);
        state.simd = false;
        return 0;
      }
    },
    run: (f, desc) => run(f, desc),
  };
}

// instantiate compiles the module from a Response (streaming when the server
// says application/wasm) or from bytes.
async function instantiate(go, source, url) {
  let bytes = source;
  if (source instanceof Response) {
    const type = source.headers.get('Content-Type') || '';
    if (WebAssembly.instantiateStreaming && type.startsWith('application/wasm')) {
      try {
        return (await WebAssembly.instantiateStreaming(source, go.importObject)).instance;
      } catch (err) {
        console.warn('inkling: streaming compile failed, trying again from bytes:', err);
      }
    }
    // A server that sends the wrong Content-Type (or a failed stream): compile
    // from the bytes instead. This second fetch is usually answered by the cache.
    bytes = await (source.bodyUsed ? await download(url) : source).arrayBuffer();
  }
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

function stop(exited, err) {
  exited.done = true;
  state.stopped = err;
  for (const cb of state.stops) cb(err);
}

// onStop calls cb(err) when the Go program stops, which it should never do
// (every call into it recovers): everything using it must then stop too.
export function onStop(cb) {
  state.stops.push(cb);
  if (state.stopped !== undefined) queueMicrotask(() => cb(state.stopped));
}

// ---- models ----

// model loads the model file at url (relative to the document) into the Go
// instance, once per absolute URL; a load that failed is tried again on the
// next call.
export function model(url) {
  const href = new URL(url, document.baseURI).href;
  let p = state.models.get(href);
  if (!p) {
    p = loadModel(href);
    state.models.set(href, p);
    p.catch(() => state.models.delete(href));
  }
  return p;
}

async function loadModel(href) {
  const bytes = asset(href); // downloads while the engine starts
  bytes.catch(() => {}); // reported below, after the engine's own errors
  const api = await engine();
  const r = api.load(new Uint8Array(await bytes));
  if (!r || r.error) throw new LoadError('errModel', r ? r.error : 'no answer', siteName(href));
  // Until the API's version 2, load returns no id: one model, number 0.
  return { id: Number.isInteger(r.model) ? r.model : 0, params: Number(r.params) || 0, meta: r.meta || {}, simd: r.simd === true };
}
