// Package web holds inkling's page beside index.html: app.js (pointer
// events, canvas, the answer), i18n.js, style.css, the service worker's files
// and, once built by `make wasm`, inkling.wasm with the matching
// wasm_exec.js. It has no Go code of its own.
//
// Its tests are the browser tests: they serve the repository in-process with
// inkling/tools/serve/site, drive headless Chromium through the DevTools
// protocol (github.com/chromedp/chromedp) and use the page as people do, with
// real mouse and touch input. See browser_test.go for what they need and how
// they skip.
package web
