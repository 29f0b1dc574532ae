// run.js runs a Go WebAssembly program (a test binary) in Node, as Go's
// GOROOT/lib/wasm/wasm_exec_node.js does, with one addition: the two
// imports through which Go runs inkling's SIMD kernels (internal/simd), as
// web/engine.js gives them in the browser. Set INKLING_NOSIMD=1 to refuse
// the kernels, so that the Go code is the one tested.
'use strict';

const path = require('path');
const { execFileSync } = require('child_process');

if (process.argv.length < 3) {
  console.error('usage: go_js_wasm_exec [wasm binary] [arguments]');
  process.exit(1);
}

globalThis.require = require;
globalThis.fs = require('fs');
globalThis.path = path;
globalThis.TextEncoder = require('util').TextEncoder;
globalThis.TextDecoder = require('util').TextDecoder;
globalThis.performance ??= require('perf_hooks').performance;
globalThis.crypto ??= require('crypto');

const goroot = process.env.GOROOT || execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim();
require(path.join(goroot, 'lib', 'wasm', 'wasm_exec.js'));

const go = new Go();
go.argv = process.argv.slice(2);
go.env = Object.assign({ TMPDIR: require('os').tmpdir() }, process.env);
go.exit = process.exit;

let run = null;
go.importObject.inkling = {
  kernel(ptr, len) {
    if (process.env.INKLING_NOSIMD === '1') return 0;
    const memory = go._inst.exports.mem;
    const module = new WebAssembly.Module(new Uint8Array(memory.buffer, ptr, len));
    run = new WebAssembly.Instance(module, { inkling: { memory } }).exports.run;
    return 1;
  },
  run: (f, desc) => run(f, desc),
};

WebAssembly.instantiate(fs.readFileSync(process.argv[2]), go.importObject).then((result) => {
  process.on('exit', (code) => { // Node.js exits if no event handler is pending
    if (code === 0 && !go.exited) {
      // deadlock: make Go print the error and the stacks
      go._pendingEvent = { id: 0 };
      go._resume();
    }
  });
  return go.run(result.instance);
}).catch((err) => {
  console.error(err);
  process.exit(1);
});
