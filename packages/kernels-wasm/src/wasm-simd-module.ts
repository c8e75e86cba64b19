/**
 * A tiny assembler for WebAssembly modules that run loops on tfjs-backend-wasm's own memory: the
 * binary format of the WebAssembly core specification §5 (uleb128 integers, names, vectors,
 * sections) and the fixed-width SIMD proposal's `0xfd`-prefixed opcodes. The module imports the
 * backend's `env.memory` (plain, or shared in the threaded build) and works on tensors' byte offsets.
 */

/** Value types, WebAssembly core spec §5.3.1 (plus `v128` of the SIMD proposal). */
export const wasmValueType = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b } as const;

/** An unsigned integer as LEB128 bytes, WebAssembly core spec §5.2.2. */
export function uleb128(value: number): number[] {
  const bytes: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (value !== 0);
  return bytes;
}

/** A signed integer as LEB128 bytes, WebAssembly core spec §5.2.2 (the immediate of `i32.const`). */
export function sleb128(value: number): number[] {
  const bytes: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    if ((value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0)) return [...bytes, byte];
    bytes.push(byte | 0x80);
  }
}

/** `i32.const value`, WebAssembly core spec §5.4.7. */
export function i32Const(value: number): number[] {
  return [0x41, ...sleb128(value)];
}

/** An ASCII name (its length, then its bytes), WebAssembly core spec §5.2.4. */
export function wasmName(value: string): number[] {
  return [...uleb128(value.length), ...[...value].map((character) => character.charCodeAt(0))];
}

/** A vector (its length, then its items), WebAssembly core spec §5.1.3. */
export function wasmVector(items: number[][]): number[] {
  return [...uleb128(items.length), ...items.flat()];
}

/** A section (id, byte size, content), WebAssembly core spec §5.5.2. */
export function wasmSection(id: number, content: number[]): number[] {
  return [id, ...uleb128(content.length), ...content];
}

/** `local.get index`, WebAssembly core spec §5.4.4. */
export function localGet(index: number): number[] {
  return [0x20, ...uleb128(index)];
}

/** `local.set index`, WebAssembly core spec §5.4.4. */
export function localSet(index: number): number[] {
  return [0x21, ...uleb128(index)];
}

/** A SIMD instruction: prefix `0xfd` and its uleb128 opcode (SIMD proposal, binary encoding). */
export function simdOpcode(opcode: number): number[] {
  return [0xfd, ...uleb128(opcode)];
}

/** `v128.const` of four equal float32 lanes (SIMD proposal opcode 0x0c, 16 little-endian bytes). */
export function f32x4Const(value: number): number[] {
  return [...simdOpcode(0x0c), ...new Uint8Array(Float32Array.of(value, value, value, value).buffer)];
}

/**
 * `a b + c` on f32x4 values (each code leaves one v128 on the stack): relaxed SIMD's
 * `f32x4.relaxed_madd` (opcode 0x105, one instruction, fused or not as the hardware does it) with
 * `fused`, else `f32x4.mul` (0xe6) then `f32x4.add` (0xe4).
 */
export function f32x4MultiplyAdd(fused: boolean, a: number[], b: number[], c: number[]): number[] {
  return fused ? [...a, ...b, ...c, ...simdOpcode(0x105)] : [...a, ...b, ...simdOpcode(0xe6), ...c, ...simdOpcode(0xe4)];
}

/** `v128.load` at local `pointer` + local `offset` (SIMD proposal opcode 0x00, alignment hint 1 byte). */
export function v128Load(pointer: number, offset: number): number[] {
  return [...localGet(pointer), ...localGet(offset), 0x6a, ...simdOpcode(0x00), 0, 0];
}

/** `v128.store` of `value` at local `pointer` + local `offset` (SIMD proposal opcode 0x0b). */
export function v128Store(pointer: number, offset: number, value: number[]): number[] {
  return [...localGet(pointer), ...localGet(offset), 0x6a, ...value, ...simdOpcode(0x0b), 0, 0];
}

/**
 * `for (o = 0; o < (count & ~3) * 4; o += 16) body` with `o` in i32 local `offset` and the end in
 * i32 local `offset + 1` (block/loop/br_if, WebAssembly core spec §5.4.1).
 */
export function countedLoop(count: number, offset: number, body: number[]): number[] {
  const end = offset + 1;
  return [
    ...localGet(count), 0x41, 0x7c, 0x71, 0x41, 2, 0x74, ...localSet(end), // end = (count & -4) << 2
    0x41, 0, ...localSet(offset),
    0x02, 0x40, 0x03, 0x40, // block, loop
    ...localGet(offset), ...localGet(end), 0x4f, 0x0d, 1, // br_if (o >= end) out of the block
    ...body,
    ...localGet(offset), 0x41, 16, 0x6a, ...localSet(offset),
    0x0c, 0, 0x0b, 0x0b, // br loop; end loop; end block
  ];
}

/**
 * `while (!(local[counter] >= local[end])) body`, unsigned (block / loop / br_if, core spec
 * §5.4.1); the body advances the counter.
 */
export function whileBelow(counter: number, end: number, body: number[]): number[] {
  return [0x02, 0x40, 0x03, 0x40, ...localGet(counter), ...localGet(end), 0x4f, 0x0d, 1, ...body, 0x0c, 0, 0x0b, 0x0b];
}

/** `local += by` for an i32 local (`by` leaves one i32 on the stack). */
export function localIncrement(local: number, by: number[]): number[] {
  return [...localGet(local), ...by, 0x6a, ...localSet(local)];
}

/** `local = min(local, value)` for an i32 local, signed (`select` on `i32.lt_s`). */
export function localMinimum(local: number, value: number[]): number[] {
  return [...localGet(local), ...value, ...localGet(local), ...value, 0x48, 0x1b, ...localSet(local)];
}

/** `local = max(local, value)` for an i32 local, signed (`select` on `i32.gt_s`). */
export function localMaximum(local: number, value: number[]): number[] {
  return [...localGet(local), ...value, ...localGet(local), ...value, 0x4a, 0x1b, ...localSet(local)];
}

/** A function body: its size, its locals as `[count, type]` runs, the code and `end` (core spec §5.5.13). */
export function functionBody(locals: readonly (readonly [number, number])[], code: number[]): number[] {
  const body = [...wasmVector(locals.map(([count, type]) => [...uleb128(count), type])), ...code, 0x0b];
  return [...uleb128(body.length), ...body];
}

/** One exported function of a module: its name, parameter types (no results), locals and code. */
export interface WasmFunction {
  readonly name: string;
  readonly params: readonly number[];
  readonly locals: readonly (readonly [number, number])[];
  readonly code: number[];
}

/**
 * The bytes of a module (core spec §5.5: type, import, function, export and code sections) that
 * imports `env.memory` — any plain memory, or with `shared` any shared one (limits 0 to 65536
 * pages) — and exports `functions`, each with its own type.
 */
export function wasmMemoryModuleBytes(functions: readonly WasmFunction[], shared = false): Uint8Array<ArrayBuffer> {
  const limits = shared ? [0x03, 0x00, ...uleb128(65536)] : [0x00, 0x00];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...wasmSection(1, wasmVector(functions.map(({ params }) => [0x60, ...wasmVector(params.map((type) => [type])), 0]))),
    ...wasmSection(2, wasmVector([[...wasmName('env'), ...wasmName('memory'), 0x02, ...limits]])),
    ...wasmSection(3, wasmVector(functions.map((_, index) => uleb128(index)))),
    ...wasmSection(7, wasmVector(functions.map(({ name }, index) => [...wasmName(name), 0x00, ...uleb128(index)]))),
    ...wasmSection(10, wasmVector(functions.map(({ locals, code }) => functionBody(locals, code)))),
  ]);
}

let relaxedSimd: boolean | undefined;

/**
 * Whether this engine compiles relaxed SIMD (WebAssembly 3.0; shipped in V8 11.4, so Chrome 114+
 * and Node 22+; Node 20 needs `--experimental-wasm-relaxed-simd`): checked once by validating a
 * function of one `f32x4.relaxed_madd` (opcode 0x105).
 */
export function relaxedSimdSupported(): boolean {
  relaxedSimd ??= typeof WebAssembly !== 'undefined' && WebAssembly.validate(Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...wasmSection(1, wasmVector([[0x60, 3, 0x7b, 0x7b, 0x7b, 1, 0x7b]])),
    ...wasmSection(3, wasmVector([[0]])),
    ...wasmSection(10, wasmVector([functionBody([], [...localGet(0), ...localGet(1), ...localGet(2), ...simdOpcode(0x105)])])),
  ]));
  return relaxedSimd;
}

/**
 * The `WebAssembly.Memory` of a tfjs-backend-wasm backend: exported by the single-threaded build
 * (`asm.memory` / `wasmExports.memory`), imported as a shared memory by the threaded one (`wasmMemory`).
 */
export function wasmBackendMemory(backend: object): WebAssembly.Memory | undefined {
  const emscripten = (backend as { wasm?: { asm?: { memory?: unknown }; wasmExports?: { memory?: unknown }; wasmMemory?: unknown } }).wasm;
  const memory = emscripten?.asm?.memory ?? emscripten?.wasmExports?.memory ?? emscripten?.wasmMemory;
  return memory instanceof WebAssembly.Memory ? memory : undefined;
}

/**
 * A loader of one module (bytes built by `moduleBytes(shared)`) bound to a backend's memory,
 * instantiated once per memory (WeakMap cache); it returns undefined when the engine lacks SIMD or
 * the memory is not reachable, so callers fall back to their JavaScript loops.
 */
export function createWasmMemoryModule<Exports>(moduleBytes: (shared: boolean) => Uint8Array<ArrayBuffer>): (backend: object) => Exports | undefined {
  const instances = new WeakMap<WebAssembly.Memory, Exports | null>();
  return (backend) => {
    const memory = wasmBackendMemory(backend);
    if (memory === undefined) return undefined;
    let instance = instances.get(memory);
    if (instance === undefined) {
      try {
        const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
        const module = new WebAssembly.Module(moduleBytes(shared));
        instance = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as Exports;
      } catch {
        instance = null;
      }
      instances.set(memory, instance);
    }
    return instance ?? undefined;
  };
}

let simd: boolean | undefined;

/** Whether this engine compiles fixed-width SIMD (a function of one `i32x4.splat`, opcode 0x11): checked once. */
export function simdSupported(): boolean {
  simd ??= typeof WebAssembly !== 'undefined' && WebAssembly.validate(Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...wasmSection(1, wasmVector([[0x60, 0, 1, 0x7b]])),
    ...wasmSection(3, wasmVector([[0]])),
    ...wasmSection(10, wasmVector([functionBody([], [...i32Const(0), ...simdOpcode(0x11)])])),
  ]));
  return simd;
}
