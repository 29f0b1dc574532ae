// inkling's service worker: once the page has loaded, it keeps the page's
// files so that the recogniser also works offline.
//
// The page (index.html) is fetched from the network first, falling back to the
// copy kept here when offline or when the network takes too long. The other
// files are answered from the cache at once and refreshed in the background;
// when a refreshed file differs (its ETag or Last-Modified changed), the page
// is told, and it offers to reload.
//
// FILES, the app shell, is kept at install: everything the page loads before
// it is ready (wasm/size_test.go's TestDownloadBudget reads this list as the
// first visit's download). ON_DEMAND are the files the page loads only when
// asked (the tutorial's weights, the bundled test digits): they are kept the
// first time they are used, never at install, so a first visit does not
// download them.
//
// A new deploy replaces the cache cleanly when VERSION changes with it (a
// build step may write a hash of the files into it, as `make dist` does; by
// hand, change it with FILES or ON_DEMAND, and whenever files that must match
// each other change, such as web/engine.js and web/inkling.wasm, whose
// imports v4 changed): the browser sees a changed sw.js, the new worker fills
// a new cache, all its files fetched afresh, and once active deletes the
// old caches, on-demand files included.
//
// The worker lives beside index.html, so its scope is the page's folder on
// any static host, with no special server header. (Browsers do not run
// service workers for file:// pages; the page does not register it there.)

const VERSION = 'inkling-v4';
// The folder that holds index.html: this worker's own.
const SITE = new URL('./', self.location.href);
const PAGE = new URL('index.html', SITE).href;
const FILES = [
  'index.html',
  'web/app.js',
  'web/engine.js',
  'web/pad.js',
  'web/learn.js',
  'web/learn-words.js',
  'web/i18n.js',
  'web/style.css',
  'web/wasm_exec.js',
  'web/inkling.wasm',
  'weights/model.bin',
  'web/manifest.webmanifest',
  'web/icon.svg',
].map((f) => new URL(f, SITE).href);
const ON_DEMAND = ['weights/tutorial.bin', 'web/digits.bin'].map((f) => new URL(f, SITE).href);
const NETWORK_WAIT_MS = 4000; // how long the page waits for the network before the kept copy
const REFRESH_GAP_MS = 10000; // a file is refreshed at most this often
const refreshed = new Map(); // url -> when it was last refreshed

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(VERSION)
      .then((cache) => Promise.all(FILES.map((url) => keep(cache, url))))
      .then(() => self.skipWaiting()),
  );
});

// keep fetches url afresh and stores it. Some hosts answer index.html with a
// redirect to its folder (Go's FileServer does, and so do hosts with "pretty
// URLs"), and a browser will not open a page from a redirected response: such
// an answer is stored as a plain copy of its body.
async function keep(cache, url) {
  const res = await fetch(new Request(url, { cache: 'no-cache' }));
  if (!res.ok) throw new Error(`inkling: ${url}: HTTP ${res.status}`);
  const plain = res.redirected ? new Response(await res.blob(), { status: res.status, statusText: res.statusText, headers: res.headers }) : res;
  await cache.put(url, plain);
}

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith('inkling-') && n !== VERSION).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  url.search = '';
  url.hash = '';
  if (req.mode === 'navigate') {
    // Only the page itself: other pages that share the folder are left alone.
    if (url.href === SITE.href || url.href === PAGE) event.respondWith(page(event));
    return;
  }
  if (FILES.includes(url.href) || ON_DEMAND.includes(url.href)) event.respondWith(file(event, url.href));
});

// page answers a navigation to index.html: network first, the kept copy when
// the network fails or is slow.
async function page(event) {
  const cache = await caches.open(VERSION);
  const network = fetch(event.request).then((res) => {
    if (res.ok) return cache.put(PAGE, res.clone()).then(() => res);
    return res;
  });
  event.waitUntil(network.catch(() => {}));
  const kept = await cache.match(PAGE);
  if (!kept) return network;
  const slow = new Promise((resolve) => setTimeout(() => resolve(kept), NETWORK_WAIT_MS));
  return Promise.race([network.then((res) => (res.ok ? res : kept), () => kept), slow]);
}

// file answers from the cache and refreshes the kept copy in the background;
// a file not kept yet (an on-demand one, the first time) is fetched and kept.
async function file(event, url) {
  const cache = await caches.open(VERSION);
  const kept = await cache.match(url);
  const now = Date.now();
  if (kept && now - (refreshed.get(url) || 0) < REFRESH_GAP_MS) return kept;
  refreshed.set(url, now);
  const fresh = fetch(url, { cache: 'no-cache' }).then(async (res) => {
    if (!res.ok) return res;
    await cache.put(url, res.clone());
    if (kept && changed(kept, res)) await tellUpdated();
    return res;
  });
  if (!kept) return fresh;
  event.waitUntil(fresh.catch(() => {}));
  return kept;
}

function changed(a, b) {
  const tag = (res) => res.headers.get('ETag') || res.headers.get('Last-Modified') || '';
  return tag(a) !== '' && tag(a) !== tag(b);
}

let told = 0;
async function tellUpdated() {
  if (Date.now() - told < REFRESH_GAP_MS) return;
  told = Date.now();
  for (const client of await self.clients.matchAll({ type: 'window' })) {
    client.postMessage({ type: 'inkling-updated' });
  }
}
