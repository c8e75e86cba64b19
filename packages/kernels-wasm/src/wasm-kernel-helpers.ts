/**
 * Helper threads for our own WebAssembly kernels in Node: each is a `worker_threads` Worker that
 * instantiates the kernels' modules on tfjs-backend-wasm's shared memory (the threaded build's) and
 * runs one exported function at a time on request, so a kernel can split its work between the
 * main thread and the helpers. Requests and completions go through a shared Int32Array with
 * `Atomics.wait` / `Atomics.notify` (no message round trip); the workers are unreferenced, so a
 * process exits as with one thread.
 */
import { DiffusionError } from '@diffusion/core';
import { nodeImport } from './node-modules';

/** Helpers bound to one shared memory. */
export interface WasmKernelHelpers {
  /** How many helper threads there are. */
  readonly count: number;
  /** Starts `functionName` (`"<module>.<export>"`) with i32 `args` on helper `index`; returns at once. */
  start(index: number, functionName: string, args: readonly number[]): void;
  /** Blocks until helper `index` finished its last request; throws if that request failed. */
  wait(index: number): void;
}

// Control block of one helper (Int32Array indices).
const request = 0;
const completed = 1;
const functionSlot = 2;
const argumentCount = 3;
const failed = 4;
const firstArgument = 8;
const controlLength = 64;
const waitMilliseconds = 120_000;
/**
 * How long a thread busy-waits before it sleeps on `Atomics.wait`: waking a sleeping thread costs
 * tens of microseconds here (a futex on a VM), on both sides. Measured in one process, W1 steps in
 * interleaved blocks (300 steps each): median 8.43 ms with a 20 µs spin, 8.35 with 0.1 ms, 8.26
 * with 1 ms, 8.08 with 3 ms. The cost is a core kept busy for up to this long after the last kernel.
 */
const spinMilliseconds = 2;

const workerSource = `
const { workerData, parentPort } = require('node:worker_threads');
const { memory, control, modules, functionNames } = workerData;
const instances = {};
for (const [name, module] of Object.entries(modules)) instances[name] = new WebAssembly.Instance(module, { env: { memory } }).exports;
const functions = functionNames.map((full) => { const [module, name] = full.split('.'); return instances[module][name]; });
const state = new Int32Array(control);
parentPort.postMessage('ready');
let seen = 0;
for (;;) {
  // Spin a while before sleeping: a kernel's next request often follows within microseconds.
  const deadline = performance.now() + ${spinMilliseconds};
  while (Atomics.load(state, ${request}) === seen && performance.now() < deadline);
  Atomics.wait(state, ${request}, seen);
  const job = Atomics.load(state, ${request});
  if (job === seen) continue;
  seen = job;
  let error = 0;
  try {
    const args = Array.from(state.subarray(${firstArgument}, ${firstArgument} + state[${argumentCount}]));
    functions[state[${functionSlot}]](...args);
  } catch (cause) {
    error = 1;
  }
  Atomics.store(state, ${failed}, error);
  Atomics.store(state, ${completed}, seen);
  Atomics.notify(state, ${completed});
}
`;

const helpersByMemory = new WeakMap<WebAssembly.Memory, WasmKernelHelpers>();

/**
 * Starts `count` helper threads on a shared `memory` with `modules` (name → bytes built for a
 * shared memory); resolves once every helper has instantiated them. Node only.
 */
export async function startWasmKernelHelpers(memory: WebAssembly.Memory, count: number, modules: Readonly<Record<string, Uint8Array<ArrayBuffer>>>): Promise<WasmKernelHelpers> {
  if (!(memory.buffer instanceof SharedArrayBuffer)) {
    throw new DiffusionError('invalid-argument', 'wasm kernel helpers need the shared memory of the threaded wasm build.', { field: 'memory', value: 'not shared', allowed: 'a shared WebAssembly.Memory' });
  }
  const { Worker } = await nodeImport('node:worker_threads');
  const compiled = Object.fromEntries(Object.entries(modules).map(([name, bytes]) => [name, new WebAssembly.Module(bytes)]));
  const functionNames = Object.entries(compiled).flatMap(([name, module]) => WebAssembly.Module.exports(module).filter((entry) => entry.kind === 'function').map((entry) => `${name}.${entry.name}`));
  const controls = Array.from({ length: count }, () => new Int32Array(new SharedArrayBuffer(4 * controlLength)));
  await Promise.all(controls.map((control) => new Promise<void>((resolve, reject) => {
    const worker = new Worker(workerSource, { eval: true, workerData: { memory, control: control.buffer, modules: compiled, functionNames } });
    worker.once('message', () => {
      worker.unref();
      resolve();
    });
    worker.once('error', reject);
  })));
  const sequence = new Array<number>(count).fill(0);
  const helpers: WasmKernelHelpers = {
    count,
    start(index, functionName, args) {
      const control = controls[index]!;
      const slot = functionNames.indexOf(functionName);
      if (slot < 0 || args.length > controlLength - firstArgument) throw new Error(`wasm kernel helpers: no function ${functionName} taking ${args.length} arguments`);
      control[functionSlot] = slot;
      control[argumentCount] = args.length;
      control.set(args, firstArgument);
      sequence[index]! += 1;
      Atomics.store(control, request, sequence[index]!);
      Atomics.notify(control, request);
    },
    wait(index) {
      const control = controls[index]!;
      const target = sequence[index]!;
      const deadline = performance.now() + spinMilliseconds;
      while (Atomics.load(control, completed) !== target && performance.now() < deadline);
      for (;;) {
        const done = Atomics.load(control, completed);
        if (done === target) break;
        if (Atomics.wait(control, completed, done, waitMilliseconds) === 'timed-out') throw new Error(`wasm kernel helper ${index} did not answer within ${waitMilliseconds} ms`);
      }
      if (control[failed] !== 0) throw new Error(`wasm kernel helper ${index}: its function trapped`);
    },
  };
  helpersByMemory.set(memory, helpers);
  return helpers;
}

/** The helpers started on this memory, if any. */
export function wasmKernelHelpersFor(memory: WebAssembly.Memory | undefined): WasmKernelHelpers | undefined {
  return memory === undefined ? undefined : helpersByMemory.get(memory);
}

/**
 * How many threads share `units` of work: one per `minimumUnits` (so no thread gets too little to
 * be worth waking), at least this one, at most this one and the helpers.
 */
export function sharesFor(helpers: WasmKernelHelpers | undefined, units: number, minimumUnits: number): number {
  return Math.max(1, Math.min(1 + (helpers?.count ?? 0), Math.floor(units / minimumUnits)));
}

/**
 * Runs a kernel's `parts` shares: shares 1… on helpers 0… (`functionName` with `argsOf(part)`),
 * share 0 on this thread (`main(argsOf(0))`), and returns when all have finished, also when
 * `main` throws (the helpers may use scratch memory that the caller frees next).
 */
export function runShares(helpers: WasmKernelHelpers | undefined, parts: number, functionName: string, argsOf: (part: number) => number[], main: (args: number[]) => void): void {
  for (let part = 1; part < parts; part += 1) helpers!.start(part - 1, functionName, argsOf(part));
  try {
    main(argsOf(0));
  } finally {
    for (let part = 1; part < parts; part += 1) helpers!.wait(part - 1);
  }
}
