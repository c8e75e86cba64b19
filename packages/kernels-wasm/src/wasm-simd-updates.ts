/**
 * The AdamW and EMA loops as a tiny WebAssembly SIMD module that runs on tfjs-backend-wasm's own
 * memory (byte offsets of its tensors), four float32 lanes at a time. Each lane does the same IEEE
 * float32 operations in the same order as the JavaScript loops (and the composed tfjs ops), so the
 * results are bit-equal; elements past the last multiple of 4 are left to the JavaScript loop.
 * The generic assembler pieces are core's `wasm-simd-module.ts`.
 */
import { countedLoop, createWasmMemoryModule, localGet, localSet, simdOpcode, v128Load, v128Store, wasmMemoryModuleBytes, wasmValueType } from './wasm-simd-module';

/** The module's exports: `adam(w, g, m, v, w', m', v', count, b1, 1-b1, b2, 1-b2, eps, stepSize, secondScale, decay, gradientScale)`, `ema(a, w, a', count, keep, share)`. */
export interface WasmSimdUpdates {
  adam(...args: number[]): void;
  ema(...args: number[]): void;
  sumSquares(...args: number[]): void;
}

const { i32, f32 } = wasmValueType;
const get = localGet;
const set = localSet;
const simd = simdOpcode;
const load = v128Load;
const store = v128Store;
const loop = countedLoop;
const [splat, sqrt, add, sub, mul, div] = [0x13, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7].map(simd) as [number[], number[], number[], number[], number[], number[]];

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

// sumSquares: params 0 pointer x, 1 count, 2 pointer to an f64x2 (added to); locals 3-4 i32, 5-8 v128.
// Each f32 lane is promoted to f64, where its square is exact, and summed in two f64x2 accumulators.
const [f64Add, f64Mul, promoteLow] = [0xf0, 0xf2, 0x5f].map(simd) as [number[], number[], number[]];
const upperHalf = [...simd(0x0d), 8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15];
const [X, LOW, HIGH, PART] = [5, 6, 7, 8];
const sumSquaresCode = [
  ...simd(0x0c), ...Array<number>(16).fill(0), ...set(LOW), ...simd(0x0c), ...Array<number>(16).fill(0), ...set(HIGH),
  ...loop(1, 3, [
    ...load(0, 3), ...set(X),
    ...get(X), ...promoteLow, ...set(PART), ...get(LOW), ...get(PART), ...get(PART), ...f64Mul, ...f64Add, ...set(LOW),
    ...get(X), ...get(X), ...upperHalf, ...promoteLow, ...set(PART), ...get(HIGH), ...get(PART), ...get(PART), ...f64Mul, ...f64Add, ...set(HIGH),
  ]),
  ...get(2), ...get(2), ...simd(0x00), 4, 0, ...get(LOW), ...f64Add, ...get(HIGH), ...f64Add, ...simd(0x0b), 4, 0,
];

/**
 * The module's bytes (WebAssembly 1.0 + fixed-width SIMD), importing `env.memory`: any plain
 * memory, or with `shared` any shared one (the threaded build's; limits 0 to 65536 pages).
 */
export function wasmSimdUpdatesBytes(shared = false): Uint8Array<ArrayBuffer> {
  return wasmMemoryModuleBytes([
    { name: 'adam', params: [...Array<number>(8).fill(i32), ...Array<number>(9).fill(f32)], locals: [[2, i32], [12, wasmValueType.v128]], code: adamCode },
    { name: 'ema', params: [...Array<number>(4).fill(i32), ...Array<number>(2).fill(f32)], locals: [[2, i32], [2, wasmValueType.v128]], code: emaCode },
    { name: 'sumSquares', params: [i32, i32, i32], locals: [[2, i32], [4, wasmValueType.v128]], code: sumSquaresCode },
  ], shared);
}

/**
 * The module bound to a tfjs-backend-wasm backend's memory (plain, or shared in the threaded
 * build), or undefined when the engine lacks SIMD or the memory is not reachable: then the
 * JavaScript loops run.
 */
export const wasmSimdUpdates: (backend: object) => WasmSimdUpdates | undefined = createWasmMemoryModule<WasmSimdUpdates>(wasmSimdUpdatesBytes);
