// The words of the page and of <inkling-pad> in English and Traditional
// Chinese (the tutorial's language); the learn section's are in learn-words.js.
// A string is used as it is; a function is called with the values it names.
// index.html carries the English text too, so the page reads well before this
// module runs.

export const LANGS = ['en', 'zh-Hant'];

export const STRINGS = {
  en: {
    name: 'English',
    switchTo: 'Switch to English',
    title: 'inkling — draw a digit',
    tagline: 'Draw a digit. A small neural network, trained in Go, reads it right here in your browser.',
    padLabel: 'Drawing pad: draw one digit from 0 to 9',
    padHint: 'Draw a digit here',
    undo: 'Undo',
    clear: 'Clear',
    drawPrompt: 'Draw a digit',
    sure: (pct) => `${pct}% sure`,
    unsure: 'Not sure',
    maybe: (a, b) => `maybe ${a} or ${b}`,
    sayDigit: (d) => `It looks like a ${d}.`,
    sayUnsure: (a, b) => `Not sure: maybe ${a} or ${b}.`,
    sayCleared: 'Pad cleared.',
    barsLabel: 'Probability of each digit',
    barLabel: (d, pct) => `${d}: ${pct}%`,
    seen: 'What the network sees',
    openFull: 'Open inkling ↗',
    loading: 'Loading the network…',
    updated: 'A newer version has been downloaded.',
    reload: 'Reload',
    howTitle: 'How it works',
    how1: 'Your strokes are replayed on a hidden canvas. Go code compiled to WebAssembly finds the ink, scales it to fit 20 × 20 pixels and puts its centre of mass in the middle of a 28 × 28 image, the way the MNIST digits were prepared. That image is shown above.',
    how2: 'A convolutional network — the one from the Keras MNIST tutorial: one convolution with 32 filters of 3 × 3, max-pooling and two dense layers — gives a probability for each digit. The same Go code trained it on 55,000 of MNIST’s handwritten digits and on digits that 25 people wrote with a pen. When no digit stands out, it says it is not sure.',
    about: (params, version) => `This network has ${params.toLocaleString('en')} parameters. inkling ${version}.`,
    private: 'Nothing you draw leaves your device.',
    errFile: 'This page was opened as a file, and browsers do not let a file load the network. Serve the folder instead: run `make serve` and open http://127.0.0.1:8080/.',
    errNoWasm: 'This browser cannot run WebAssembly, which inkling needs. Try a current Firefox, Chrome, Edge or Safari.',
    errNoGo: 'web/wasm_exec.js did not load. If you built the page yourself, run `make serve`, which copies it; otherwise reload the page.',
    errNetwork: (file) => `Could not download ${file}: the connection failed. Check that you are online and reload the page.`,
    errHttp: (file, status) => status === 404
      ? `${file} is missing on the server (HTTP 404). ${file.endsWith('.bin') ? 'Train the model with `go run ./tools/train`' : 'Build it with `make serve`'}, or upload it next to the page.`
      : `Could not download ${file} (HTTP ${status}). Reload the page; if that does not help, the server is at fault.`,
    errCompile: (msg) => `web/inkling.wasm is not a WebAssembly module this browser can run (${msg}). Rebuild it with \`make serve\` and reload.`,
    errNoApi: 'web/inkling.wasm started but did not offer the recogniser: the page and the WebAssembly file are from different versions. Rebuild with `make serve` and reload.',
    errModel: (msg, file) => `The weights in ${file} were refused: ${msg}. The weights and the page may be from different versions: retrain with \`go run ./tools/train\`, or reload to fetch matching files.`,
    errStopped: 'The recogniser stopped unexpectedly. Reload the page to start it again.',
    errPredict: (msg) => `The recogniser could not read this drawing: ${msg}`,
    errOther: (msg) => `The recogniser could not start: ${msg}. Reload the page.`,
  },
  'zh-Hant': {
    name: '中文',
    switchTo: '切換為中文（繁體）',
    title: 'inkling — 寫一個數字',
    tagline: '寫一個數字。一個用 Go 訓練的小型神經網路，就在你的瀏覽器裡辨識它。',
    padLabel: '手寫板：寫一個 0 到 9 的數字',
    padHint: '在這裡寫一個數字',
    undo: '復原',
    clear: '清除',
    drawPrompt: '寫一個數字',
    sure: (pct) => `把握 ${pct}%`,
    unsure: '不太確定',
    maybe: (a, b) => `可能是 ${a} 或 ${b}`,
    sayDigit: (d) => `看起來是 ${d}。`,
    sayUnsure: (a, b) => `不太確定：可能是 ${a} 或 ${b}。`,
    sayCleared: '已清除手寫板。',
    barsLabel: '每個數字的機率',
    barLabel: (d, pct) => `${d}：${pct}%`,
    seen: '神經網路看到的影像',
    openFull: '開啟 inkling ↗',
    loading: '正在載入神經網路…',
    updated: '已下載新版本。',
    reload: '重新載入',
    howTitle: '運作原理',
    how1: '你的筆畫會在一個隱藏的畫布上重畫一次。編譯成 WebAssembly 的 Go 程式找出筆跡，縮放到 20 × 20 像素之內，再把它的質心放在 28 × 28 影像的正中央，和 MNIST 數字的處理方式相同。上方顯示的就是這張影像。',
    how2: '接著由一個卷積神經網路（Keras MNIST 教學中的那一個：一層有 32 個 3 × 3 濾波器的卷積、最大池化和兩層全連接層）算出每個數字的機率。它由同一套 Go 程式，用 MNIST 中的 55,000 個手寫數字，以及 25 個人用筆寫下的數字訓練而成。沒有哪個數字特別突出時，它會說自己不太確定。',
    about: (params, version) => `這個網路有 ${params.toLocaleString('zh-Hant')} 個參數。inkling ${version}。`,
    private: '你寫的內容不會離開你的裝置。',
    errFile: '這個頁面是以檔案方式開啟的，瀏覽器不允許檔案載入神經網路。請改用伺服器：執行 `make serve`，再開啟 http://127.0.0.1:8080/。',
    errNoWasm: '這個瀏覽器無法執行 inkling 需要的 WebAssembly。請改用新版的 Firefox、Chrome、Edge 或 Safari。',
    errNoGo: 'web/wasm_exec.js 沒有載入。如果頁面是你自己建置的，請執行 `make serve`（它會複製這個檔案）；否則請重新載入頁面。',
    errNetwork: (file) => `無法下載 ${file}：連線失敗。請確認網路連線後重新載入頁面。`,
    errHttp: (file, status) => status === 404
      ? `伺服器上找不到 ${file}（HTTP 404）。${file.endsWith('.bin') ? '請用 `go run ./tools/train` 訓練模型' : '請用 `make serve` 建置它'}，或把它上傳到頁面旁邊。`
      : `無法下載 ${file}（HTTP ${status}）。請重新載入頁面；若仍無效，是伺服器的問題。`,
    errCompile: (msg) => `web/inkling.wasm 不是這個瀏覽器能執行的 WebAssembly 模組（${msg}）。請用 \`make serve\` 重新建置後再載入。`,
    errNoApi: 'web/inkling.wasm 已啟動，卻沒有提供辨識功能：頁面和 WebAssembly 檔案的版本不一致。請用 `make serve` 重新建置後再載入。',
    errModel: (msg, file) => `${file} 中的權重被拒絕：${msg}。權重和頁面的版本可能不一致：請用 \`go run ./tools/train\` 重新訓練，或重新載入頁面以取得相符的檔案。`,
    errStopped: '辨識程式意外停止了。請重新載入頁面。',
    errPredict: (msg) => `辨識程式無法讀取這個手寫內容：${msg}`,
    errOther: (msg) => `辨識程式無法啟動：${msg}。請重新載入頁面。`,
  },
};

// addStrings adds words to STRINGS: the learn section's (learn-words.js),
// which the page adds and <inkling-pad> does without.
export function addStrings(table) {
  for (const lang of LANGS) Object.assign(STRINGS[lang], table[lang]);
}

// textIn returns the words for key in language lang (English when lang has
// none), calling a function with args.
export function textIn(lang, key, ...args) {
  const s = STRINGS[lang]?.[key] ?? STRINGS.en[key];
  return typeof s === 'function' ? s(...args) : s;
}

// pickLanguage chooses the page's language: the one asked for (a ?lang= query
// or a saved choice) when it is known, else the first of the browser's
// languages that the page speaks. Any Chinese goes to zh-Hant, the only
// Chinese the page has.
export function pickLanguage(asked, browserLangs) {
  for (const want of asked) {
    if (want && LANGS.includes(want)) return want;
  }
  for (const tag of browserLangs || []) {
    const t = String(tag).toLowerCase();
    if (t === 'en' || t.startsWith('en-')) return 'en';
    if (t === 'zh' || t.startsWith('zh-')) return 'zh-Hant';
  }
  return 'en';
}
