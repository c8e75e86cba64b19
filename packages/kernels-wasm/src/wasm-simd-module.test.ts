import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { f32x4Const, f32x4MultiplyAdd, i32Const, relaxedSimdSupported, v128Load, v128Store, localGet, localIncrement, localMaximum, localMinimum, localSet, sleb128, uleb128, wasmMemoryModuleBytes, wasmValueType, whileBelow } from './wasm-simd-module';

describe('LEB128 integers (WebAssembly core spec §5.2.2)', () => {
  it('encodes the signed examples of the LEB128 definition and the i32 range ends', () => {
    expect(sleb128(2)).toEqual([0x02]);
    expect(sleb128(-2)).toEqual([0x7e]);
    expect(sleb128(63)).toEqual([0x3f]);
    expect(sleb128(64)).toEqual([0xc0, 0x00]);
    expect(sleb128(-64)).toEqual([0x40]);
    expect(sleb128(-65)).toEqual([0xbf, 0x7f]);
    expect(sleb128(-123456)).toEqual([0xc0, 0xbb, 0x78]);
    expect(sleb128(2147483647)).toEqual([0xff, 0xff, 0xff, 0xff, 0x07]);
    expect(sleb128(-2147483648)).toEqual([0x80, 0x80, 0x80, 0x80, 0x78]);
    expect(uleb128(624485)).toEqual([0xe5, 0x8e, 0x26]);
  });

  it('i32.const returns the value it encodes, checked by running a module', () => {
    for (const value of [0, 1, -1, 63, 64, -64, -65, 4096, -123456, 2147483647, -2147483648]) {
      const body = [0x00, ...i32Const(value), 0x0b];
      const bytes = Uint8Array.from([
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
        0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f, // type: [] -> [i32]
        0x03, 0x02, 0x01, 0x00, // function 0 of type 0
        0x07, 0x05, 0x01, 0x01, 0x66, 0x00, 0x00, // export "f"
        0x0a, body.length + 2, 0x01, body.length, ...body,
      ]);
      const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes));
      expect((instance.exports.f as () => number)()).toBe(value);
    }
  });
});

describe('loop and local helpers', () => {
  it('whileBelow counts, localIncrement adds, localMinimum / localMaximum compare signed (run in a module)', () => {
    const { i32 } = wasmValueType;
    // f(n, a, b): memory[0] = 0 + 1 + ... + (n - 1), memory[4] = min(a, b), memory[8] = max(a, b)
    const [n, a, b, counter, sum, low, high] = [0, 1, 2, 3, 4, 5, 6];
    const store = (address: number, local: number) => [...i32Const(address), ...localGet(local), 0x36, 2, 0];
    const code = [
      ...i32Const(0), ...localSet(counter), ...i32Const(0), ...localSet(sum),
      ...whileBelow(counter, n, [...localIncrement(sum, localGet(counter)), ...localIncrement(counter, i32Const(1))]),
      ...localGet(a), ...localSet(low), ...localMinimum(low, localGet(b)),
      ...localGet(a), ...localSet(high), ...localMaximum(high, localGet(b)),
      ...store(0, sum), ...store(4, low), ...store(8, high),
    ];
    const memory = new WebAssembly.Memory({ initial: 1 });
    const bytes = wasmMemoryModuleBytes([{ name: 'f', params: [i32, i32, i32], locals: [[4, i32]], code }]);
    const f = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports.f as (n: number, a: number, b: number) => void;
    const view = new Int32Array(memory.buffer, 0, 3);
    for (const [count, first, second] of [[0, 3, -5], [1, -7, -2], [10, 4, 4], [100, -2147483648, 2147483647]] as const) {
      f(count, first, second);
      expect(Array.from(view)).toEqual([(count * (count - 1)) / 2 + 0, Math.min(first, second), Math.max(first, second)]);
    }
  });
});

describe('f32x4Const', () => {
  it('is v128.const (0xfd 0x0c) of four little-endian float32 lanes', () => {
    const bytes = f32x4Const(1.5);
    expect(bytes.slice(0, 2)).toEqual([0xfd, 0x0c]);
    expect(Array.from(new Float32Array(Uint8Array.from(bytes.slice(2)).buffer))).toEqual([1.5, 1.5, 1.5, 1.5]);
    expect(f32x4Const(0).slice(2)).toEqual(new Array(16).fill(0));
  });
});

describe('f32x4MultiplyAdd and relaxedSimdSupported', () => {
  it('computes a b + c in a module, both variants (relaxed SIMD enabled here for Node 20)', () => {
    setFlagsFromString('--experimental-wasm-relaxed-simd');
    expect(relaxedSimdSupported()).toBe(true);
    const { i32, v128 } = wasmValueType;
    // f(): memory[48..64) = memory[0..16) * memory[16..32) + memory[32..48), four float32 lanes.
    const [zero, sixteen, thirtyTwo, fortyEight] = [0, 1, 2, 3];
    const memory = new WebAssembly.Memory({ initial: 1 });
    const lanes = new Float32Array(memory.buffer, 0, 16);
    lanes.set([1.5, -2, 3, 0.25, 4, 0.5, -1, 8, 0.125, 1, 1, -2]);
    for (const fused of [false, true]) {
      const code = [
        ...i32Const(0), ...localSet(zero), ...i32Const(16), ...localSet(sixteen), ...i32Const(32), ...localSet(thirtyTwo), ...i32Const(48), ...localSet(fortyEight),
        ...v128Store(zero, fortyEight, f32x4MultiplyAdd(fused, v128Load(zero, zero), v128Load(zero, sixteen), v128Load(zero, thirtyTwo))),
      ];
      const bytes = wasmMemoryModuleBytes([{ name: 'f', params: [], locals: [[4, i32], [0, v128]], code }]);
      (new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports.f as () => void)();
      // Every product and sum is exact in float32, so fused and unfused agree bit for bit.
      expect(Array.from(lanes.subarray(12, 16))).toEqual([6.125, 0, -2, 0]);
    }
  });
});
