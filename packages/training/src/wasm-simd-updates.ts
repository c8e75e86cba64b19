/**
 * The AdamW and EMA loops as a tiny WebAssembly SIMD module that runs on tfjs-backend-wasm's own
 * memory (byte offsets of its tensors), four float32 lanes at a time. Each lane does the same IEEE
 * float32 operations in the same order as the JavaScript loops (and the composed tfjs ops), so the
 * results are bit-equal; elements past the last multiple of 4 are left to the JavaScript loop.
 */

/** The module's exports: `adam(w, g, m, v, w', m', v', count, b1, 1-b1, b2, 1-b2, eps, stepSize, secondScale, decay, gradientScale)`, `ema(a, w, a', count, keep, share)`. */
export interface WasmSimdUpdates {
  adam(...args: number[]): void;
  ema(...args: number[]): void;
}

const i32 = 0x7f;
const f32 = 0x7d;
const v128 = 0x7b;

const uleb = (value: number): number[] => {
  const bytes: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (value !== 0);
  return bytes;
};
const text = (value: string) => [value.length, ...[...value].map((character) => character.charCodeAt(0))];
const vector = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const section = (id: number, content: number[]) => [id, ...uleb(content.length), ...content];

// Instructions.
const get = (index: number) => [0x20, index];
const set = (index: number) => [0x21, index];
const simd = (opcode: number) => [0xfd, ...uleb(opcode)];
const load = (pointer: number, offset: number) => [...get(pointer), ...get(offset), 0x6a, ...simd(0x00), 0, 0];
const store = (pointer: number, offset: number, value: number[]) => [...get(pointer), ...get(offset), 0x6a, ...value, ...simd(0x0b), 0, 0];
const [splat, sqrt, add, sub, mul, div] = [0x13, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7].map(simd) as [number[], number[], number[], number[], number[], number[]];

/** `for (o = 0; o < (count & ~3) * 4; o += 16) body` with `o` in local `offset` and the end in local `offset + 1`. */
function loop(count: number, offset: number, body: number[]): number[] {
  const end = offset + 1;
  return [
    ...get(count), 0x41, 0x7c, 0x71, 0x41, 2, 0x74, ...set(end), // end = (count & -4) << 2
    0x41, 0, ...set(offset),
    0x02, 0x40, 0x03, 0x40, // block, loop
    ...get(offset), ...get(end), 0x4f, 0x0d, 1, // br_if (o >= end) out of the block
    ...body,
    ...get(offset), 0x41, 16, 0x6a, ...set(offset),
    0x0c, 0, 0x0b, 0x0b, // br loop; end loop; end block
  ];
}

function functionBody(i32Locals: number, v128Locals: number, code: number[]): number[] {
  const body = [...vector([[...uleb(i32Locals), i32], [...uleb(v128Locals), v128]]), ...code, 0x0b];
  return [...uleb(body.length), ...body];
}

// adam: params 0-6 pointers w g m v w' m' v', 7 count, 8-16 the f32 constants; locals 17-18 i32, 19-30 v128.
const [B1, OMB1, B2, OMB2, EPS, SS, S2, DEC, GS, G, M, V] = Array.from({ length: 12 }, (_, index) => 19 + index) as number[];
const adamCode = [
  ...Array.from({ length: 9 }, (_, index) => [...get(8 + index), ...splat, ...set(19 + index)]).flat(),
  ...loop(7, 17, [
    ...load(1, 17), ...get(GS!), ...mul, ...set(G!),
    ...load(2, 17), ...get(B1!), ...mul, ...get(G!), ...get(OMB1!), ...mul, ...add, ...set(M!),
    ...load(3, 17), ...get(B2!), ...mul, ...get(G!), ...get(G!), ...mul, ...get(OMB2!), ...mul, ...add, ...set(V!),
    ...store(5, 17, get(M!)),
    ...store(6, 17, get(V!)),
    ...store(4, 17, [
      ...load(0, 17), ...get(DEC!), ...mul,
      ...get(M!), ...get(SS!), ...mul, ...get(V!), ...sqrt, ...get(S2!), ...mul, ...get(EPS!), ...add, ...div,
      ...sub,
    ]),
  ]),
];
// ema: params 0-2 pointers a w a', 3 count, 4-5 keep, share; locals 6-7 i32, 8-9 v128.
const emaCode = [
  ...get(4), ...splat, ...set(8), ...get(5), ...splat, ...set(9),
  ...loop(3, 6, [...store(2, 6, [...load(0, 6), ...get(8), ...mul, ...load(1, 6), ...get(9), ...mul, ...add])]),
];

/**
 * The module's bytes (WebAssembly 1.0 + fixed-width SIMD), importing `env.memory`: any plain
 * memory, or with `shared` any shared one (the threaded build's; limits 0 to 65536 pages).
 */
export function wasmSimdUpdatesBytes(shared = false): Uint8Array<ArrayBuffer> {
  const limits = shared ? [0x03, 0x00, ...uleb(65536)] : [0x00, 0x00];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vector([[0x60, ...vector([...Array(8).fill([i32]), ...Array(9).fill([f32])]), 0], [0x60, ...vector([...Array(4).fill([i32]), ...Array(2).fill([f32])]), 0]])),
    ...section(2, vector([[...text('env'), ...text('memory'), 0x02, ...limits]])),
    ...section(3, vector([[0], [1]])),
    ...section(7, vector([[...text('adam'), 0x00, 0], [...text('ema'), 0x00, 1]])),
    ...section(10, vector([functionBody(2, 12, adamCode), functionBody(2, 2, emaCode)])),
  ]);
}

const instances = new WeakMap<object, WasmSimdUpdates | null>();

/**
 * The module bound to a tfjs-backend-wasm backend's memory (plain, or shared in the threaded
 * build), or undefined when the engine lacks SIMD or the memory is not reachable: then the
 * JavaScript loops run.
 */
export function wasmSimdUpdates(backend: object): WasmSimdUpdates | undefined {
  // The single-threaded build exports its memory (`asm.memory`); the threaded one imports a shared one (`wasmMemory`).
  const emscripten = (backend as { wasm?: { asm?: { memory?: unknown }; wasmExports?: { memory?: unknown }; wasmMemory?: unknown } }).wasm;
  const memory = emscripten?.asm?.memory ?? emscripten?.wasmExports?.memory ?? emscripten?.wasmMemory;
  if (!(memory instanceof WebAssembly.Memory)) return undefined;
  let instance = instances.get(memory);
  if (instance === undefined) {
    try {
      const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
      const module = new WebAssembly.Module(wasmSimdUpdatesBytes(shared));
      instance = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as WasmSimdUpdates;
    } catch {
      instance = null;
    }
    instances.set(memory, instance);
  }
  return instance ?? undefined;
}
