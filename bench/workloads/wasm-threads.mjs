// Starts tfjs-backend-wasm 4.22's threaded SIMD build (XNNPACK thread pool) under Node, where the
// package turns threads off (tfjs issue #3830). Three things stand in the way, each bridged for
// the duration of backend start-up only:
//  1. the WASM_HAS_MULTITHREAD_SUPPORT flag is false on Node: set it to true;
//  2. the pthread workers are started from `blob:` URLs, which Node's worker_threads cannot load:
//     Blobs made from strings are written to temporary .cjs files and `URL.createObjectURL`
//     returns their paths; each worker gets a prelude that defines the bundle-scope names the
//     module factory refers to (`require$$0`… = fs, path, perf_hooks, os) and points its own
//     `URL.createObjectURL` at the factory's file;
//  3. the C++ side caps the pool at `emscripten_num_logical_cores() / 2` (it assumes two hardware
//     threads per core), i.e. at 1 on a 2-vCPU machine: `os.cpus()` reports each CPU twice.
// Call before `setBackend('wasm')`. Returns a restore function for the globals (call after start).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';

const factoryMarker = 'var WasmBackendModuleThreadedSimd';

/** Prepares the threaded wasm build with `count` XNNPACK threads; `wasm` is the imported backend module. */
export function prepareWasmThreads(tf, wasm, count) {
  const directory = mkdtempSync(join(tmpdir(), 'tfjs-wasm-threads-'));
  process.once('exit', () => rmSync(directory, { recursive: true, force: true }));
  const NativeBlob = globalThis.Blob;
  const nativeCreateObjectURL = URL.createObjectURL;
  const nativeCpus = os.cpus;
  const files = new WeakMap();
  let factoryPath;
  let counter = 0;
  globalThis.Blob = class FileBackedBlob extends NativeBlob {
    constructor(parts, options) {
      super(parts, options);
      if (Array.isArray(parts) && parts.every((part) => typeof part === 'string')) {
        const text = parts.join('');
        const path = join(directory, `blob-${counter++}.cjs`);
        if (text.startsWith(factoryMarker)) {
          writeFileSync(path, text);
          factoryPath = path;
        }
        files.set(this, { path, text });
      }
    }
  };
  URL.createObjectURL = (blob) => {
    const file = files.get(blob);
    if (file === undefined) return nativeCreateObjectURL(blob);
    if (!file.text.startsWith(factoryMarker)) {
      const prelude = [
        "var require$$0 = require('fs'), require$$1 = require('path'), require$$3 = require('perf_hooks'), require$$4 = require('os');",
        'Object.assign(globalThis, { require$$0, require$$1, require$$3, require$$4, commonjsGlobal: globalThis });',
        `URL.createObjectURL = () => ${JSON.stringify(factoryPath)}; URL.revokeObjectURL = () => {};`,
      ].join('\n');
      writeFileSync(file.path, `${prelude}\n${file.text}`);
    }
    return file.path;
  };
  os.cpus = () => {
    const cpus = nativeCpus.call(os);
    return [...cpus, ...cpus];
  };
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  wasm.setThreadsCount(count);
  return () => {
    globalThis.Blob = NativeBlob;
    URL.createObjectURL = nativeCreateObjectURL;
    os.cpus = nativeCpus;
  };
}
