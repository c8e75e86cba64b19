import { DiffusionError } from '@diffusion/core';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import mixed from './__fixtures__/mixed-dtypes.json';
import { decodeSafetensors } from './safetensors-decode';
import { safetensorsDtypeSizes, type SafetensorsDtype } from './safetensors-dtypes';
import { encodeSafetensors } from './safetensors-encode';
import { float32Values, tensorValues } from './safetensors-values';

/** Reads a safetensors header without this package's decoder. */
function parseHeader(bytes: Uint8Array): { headerLength: number; header: Record<string, any> } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  return { headerLength, header: JSON.parse(Buffer.from(bytes.subarray(8, 8 + headerLength)).toString('utf8')) };
}

/** A file laid out by hand: the given header JSON (padded to 8) and data bytes. */
function handMade(header: string, dataLength: number): Uint8Array {
  const text = header.padEnd(Math.ceil(header.length / 8) * 8, ' ');
  const bytes = new Uint8Array(8 + text.length + dataLength);
  new DataView(bytes.buffer).setUint32(0, text.length, true);
  bytes.set(Buffer.from(text), 8);
  return bytes;
}

function caught(body: () => unknown): DiffusionError {
  try {
    body();
  } catch (error) {
    expect(error).toBeInstanceOf(DiffusionError);
    expect((error as DiffusionError).code).toBe('checkpoint');
    return error as DiffusionError;
  }
  throw new Error('expected a checkpoint DiffusionError');
}

const fixture = new Uint8Array(readFileSync(new URL('./__fixtures__/mixed-dtypes.safetensors', import.meta.url)));

describe('safetensors reader', () => {
  it('reads a file of every common dtype written by hand from torch tensors', () => {
    const file = decodeSafetensors(fixture, 'mixed.safetensors');
    expect(file.metadata).toEqual({ format: 'pt', note: 'written by hand from torch tensors' });
    for (const [name, expected] of Object.entries(mixed.values)) {
      const tensor = file.tensors.get(name)!;
      expect(tensor.shape, name).toEqual((mixed.shapes as Record<string, number[]>)[name]);
      const values = Array.from(tensorValues(tensor) as ArrayLike<number | bigint>, (value) => (typeof value === 'bigint' ? (Number.isSafeInteger(Number(value)) ? Number(value) : String(value)) : value));
      expect(values, name).toEqual(name === 'f32' ? expected.map((value) => Math.fround(value as number)) : expected);
    }
    expect(float32Values(file.tensors.get('f16')!)).toEqual(Float32Array.from(mixed.values.f16));
    expect(float32Values(file.tensors.get('bf16')!)).toEqual(Float32Array.from(mixed.values.bf16));
    expect(float32Values(file.tensors.get('f64')!)).toEqual(Float32Array.from(mixed.values.f64));
  });

  it('refuses integer tensors where floats are wanted, naming the file and tensor', () => {
    const file = decodeSafetensors(fixture, 'mixed.safetensors');
    const error = caught(() => float32Values(file.tensors.get('i32')!, 'mixed.safetensors', 'i32'));
    expect(error.field).toBe('mixed.safetensors: "i32".dtype');
    expect(error.message).toContain('I32');
  });

  it('names the file and the field for every kind of damage', () => {
    const good = encodeSafetensors([{ name: 'a', shape: [2], values: new Float32Array([1, 2]) }, { name: 'b', shape: [1], values: new Float32Array([3]) }]);
    const { headerLength, header } = parseHeader(good);
    const cases: Array<[Uint8Array, string, string]> = [
      [good.subarray(0, 5), 'model.safetensors: header length', 'fewer than the 8-byte'],
      [good.subarray(0, 8 + headerLength - 3), 'model.safetensors: header length', 'runs past the end'],
      [good.subarray(0, good.length - 4), 'model.safetensors: "b".data_offsets', 'truncated'],
      [handMade(JSON.stringify({ ...header, a: { ...header.a, dtype: 'F4' } }), 12), 'model.safetensors: "a".dtype', 'does not read'],
      [handMade(JSON.stringify({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }), 8), 'model.safetensors: "b".data_offsets', 'overlap'],
      [handMade(JSON.stringify({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }), 8), 'model.safetensors: "a".data_offsets', 'gap or overlap'],
      [handMade(JSON.stringify({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }), 8), 'model.safetensors: "a".data_offsets', 'need 12'],
      [handMade(JSON.stringify({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }), 4), 'model.safetensors: "a".data_offsets', 'ends at byte 8'],
      [handMade(JSON.stringify({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }), 8), 'model.safetensors: data section', 'cover 4'],
      [handMade('[1, 2]', 0), 'model.safetensors: header', 'not a JSON object'],
      [handMade('{"a": ', 0), 'model.safetensors: header', 'not valid UTF-8 JSON'],
      [handMade(JSON.stringify({ __metadata__: { n: 1 } }), 0), 'model.safetensors: __metadata__', 'strings to strings'],
      [handMade(JSON.stringify({ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 0] } }), 0), 'model.safetensors: "a".shape', 'invalid shape'],
    ];
    const huge = good.slice();
    new DataView(huge.buffer).setUint32(4, 1, true);
    cases.push([huge, 'model.safetensors: header length', 'exceeds']);
    for (const [bytes, field, fragment] of cases) {
      const error = caught(() => decodeSafetensors(bytes, 'model.safetensors'));
      expect(error.field).toBe(field);
      expect(error.message).toContain(fragment);
      expect(error.message.startsWith('model.safetensors: ')).toBe(true);
    }
  });

  it('answers any truncation or byte corruption with a checkpoint error or a valid file, never another error', () => {
    const bytes = encodeSafetensors([{ name: 'w', shape: [2, 2], values: new Float32Array([1, 2, 3, 4]), dtype: 'F16' }, { name: 'i', shape: [1], values: new Int32Array([5]) }], { format: 'pt' });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: bytes.length - 1 }), fc.integer({ min: 0, max: bytes.length - 1 }), fc.integer({ min: 0, max: 255 }), (cut, position, value) => {
        caught(() => decodeSafetensors(bytes.subarray(0, cut)));
        const corrupted = bytes.slice();
        corrupted[position] = value;
        try {
          const file = decodeSafetensors(corrupted);
          for (const tensor of file.tensors.values()) tensorValues(tensor);
        } catch (error) {
          expect(error).toBeInstanceOf(DiffusionError);
          expect((error as DiffusionError).code).toBe('checkpoint');
        }
      }),
      { numRuns: 400 },
    );
  });
});

describe('safetensors writer', () => {
  it('writes the layout Python safetensors reads: u64 header length, metadata first, padded JSON, contiguous data in name order', () => {
    const bytes = encodeSafetensors([
      { name: 'z', shape: [2], values: new Float32Array([1.5, -2]) },
      { name: 'a', shape: [1, 2], values: [0.25, 3], dtype: 'F16' },
    ], { format: 'pt' });
    const { headerLength, header } = parseHeader(bytes);
    expect(headerLength % 8).toBe(0);
    expect(Object.keys(header)).toEqual(['__metadata__', 'a', 'z']);
    expect(header.a).toEqual({ dtype: 'F16', shape: [1, 2], data_offsets: [0, 4] });
    expect(header.z).toEqual({ dtype: 'F32', shape: [2], data_offsets: [4, 12] });
    const data = new DataView(bytes.buffer, 8 + headerLength);
    expect([data.getUint16(0, true), data.getUint16(2, true)]).toEqual([0x3400, 0x4200]);
    expect([data.getFloat32(4, true), data.getFloat32(8, true)]).toEqual([1.5, -2]);
    expect(8 + headerLength + 12).toBe(bytes.length);
  });

  it('round-trips tensors of every dtype (property)', () => {
    const dtypes = Object.keys(safetensorsDtypeSizes) as SafetensorsDtype[];
    fc.assert(
      fc.property(fc.constantFrom(...dtypes), fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }), fc.integer({ min: 0, max: 2 ** 31 - 1 }), (dtype, shape, seed) => {
        const count = shape.reduce((product, size) => product * size, 1);
        const integers = Array.from({ length: count }, (_, index) => ((seed + 7919 * index) % 200) - (dtype.startsWith('U') || dtype === 'BOOL' ? 0 : 100));
        const values = dtype === 'BOOL' ? integers.map((value) => value % 2) : dtype.startsWith('U') ? integers.map(Math.abs) : dtype.startsWith('F8') ? integers.map((value) => Math.sign(value) * 2 ** ((Math.abs(value) % 8) - 4)) : dtype.startsWith('F') || dtype === 'BF16' ? integers.map((value) => value / 8) : integers;
        const entry = dtype === 'I64' ? { name: 't', shape, values: BigInt64Array.from(values, BigInt), dtype } : dtype === 'U64' ? { name: 't', shape, values: BigUint64Array.from(values, BigInt), dtype } : { name: 't', shape, values, dtype };
        const tensor = decodeSafetensors(encodeSafetensors([entry])).tensors.get('t')!;
        expect(tensor.dtype).toBe(dtype);
        expect(tensor.shape).toEqual(shape);
        expect(Array.from(tensorValues(tensor) as ArrayLike<number | bigint>, Number)).toEqual(values);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a values array that does not fit its shape, a bad dtype, a duplicate name or non-string metadata', () => {
    expect(() => encodeSafetensors([{ name: 'a', shape: [3], values: new Float32Array(2) }])).toThrow(/values\.length 2 is not 3/);
    expect(() => encodeSafetensors([{ name: 'a', shape: [1], values: [1], dtype: 'F4' as SafetensorsDtype }])).toThrow(/dtype "F4"/);
    expect(() => encodeSafetensors([{ name: 'a', shape: [1], values: [1.5], dtype: 'I32' }])).toThrow(/an integer/);
    expect(() => encodeSafetensors([{ name: 'a', shape: [1], values: [1] }, { name: 'a', shape: [1], values: [2] }])).toThrow(/unique tensor name/);
    expect(() => encodeSafetensors([], { n: 1 as unknown as string })).toThrow(DiffusionError);
  });
});
