// run.js runs a Go WebAssembly program (a test binary) in Node with Go's own
// runner, GOROOT/lib/wasm/wasm_exec_node.js, and one addition: the two
// imports through which Go runs inkling's SIMD kernels (internal/simd), as
// web/engine.js gives them in the browser. (A build without the wasmsimd tag
// asks for neither, and runs here as under Go's runner.)
'use strict';

const path = require('path');
const { execFileSync } = require('child_process');

let instance = null; // Go's, once instantiated
let run = null; // the kernels' entry point, once Go has handed them over
const imports = {
  kernel(ptr, len) {
    const memory = instance.exports.mem;
    const module = new WebAssembly.Module(new Uint8Array(memory.buffer, ptr, len));
    run = new WebAssembly.Instance(module, { inkling: { memory } }).exports.run;
    return 1;
  },
  run: (f, desc) => run(f, desc),
};

// Go's runner instantiates the program once, with go.importObject: add ours.
const instantiate = WebAssembly.instantiate;
WebAssembly.instantiate = async (source, importObject) => {
  const result = await instantiate(source, { ...importObject, inkling: imports });
  instance = result.instance;
  return result;
};

const goroot = process.env.GOROOT || execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim();
require(path.join(goroot, 'lib', 'wasm', 'wasm_exec_node.js'));
