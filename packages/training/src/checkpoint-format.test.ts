import fc from 'fast-check';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32, decodeCheckpointFile, encodeCheckpointFile, type CheckpointTensor } from './checkpoint-format';

describe('checkpoint files (safetensors with a CRC-32)', () => {
  it('computes the standard CRC-32 (check value of "123456789" is 0xCBF43926)', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  it('round-trips any set of float32 tensors and string metadata', () => {
    // Names carry a group prefix, as the trainer writes them (`weights/…`, `ema/…`, `adam/m/…`).
    const tensorArbitrary = fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }).chain((shape) =>
      fc.float32Array({ minLength: shape.reduce((a, b) => a * b, 1), maxLength: shape.reduce((a, b) => a * b, 1) }).map((values): CheckpointTensor => ({ shape, values })),
    );
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }).map((name) => `weights/${name}`), tensorArbitrary, { maxKeys: 5 }), fc.dictionary(fc.string({ minLength: 1 }).filter((key) => key !== 'dataCrc32' && key !== 'fileCrc32'), fc.string()), (entries, metadata) => {
        const tensors = new Map(Object.entries(entries));
        const bytes = encodeCheckpointFile({ tensors, metadata });
        const headerSize = Number(new DataView(bytes.buffer).getBigUint64(0, true));
        expect((8 + headerSize) % 8).toBe(0);
        const decoded = decodeCheckpointFile(bytes);
        expect([...decoded.tensors.keys()].sort()).toEqual([...tensors.keys()].sort());
        for (const [name, tensor] of tensors) {
          expect(decoded.tensors.get(name)!.shape).toEqual(tensor.shape);
          expect(Buffer.from(decoded.tensors.get(name)!.values.buffer).equals(Buffer.from(tensor.values.buffer))).toBe(true);
        }
        expect(decoded.metadata).toEqual(metadata);
      }),
      { numRuns: 60 },
    );
  });

  it('rejects a flipped data byte through the checksum', () => {
    const bytes = encodeCheckpointFile({ tensors: new Map([['w', { shape: [3], values: Float32Array.from([1, 2, 3]) }]]), metadata: {} });
    const flipped = bytes.slice();
    flipped[bytes.length - 1] = flipped[bytes.length - 1]! ^ 1;
    expect(() => decodeCheckpointFile(flipped)).toThrow(/checksum/);
  });

  it('reads a file laid out by hand per the safetensors spec (u64 LE header size, JSON, LE data) with its CRC-32s taken by zlib', () => {
    // The checksums as the README describes them: 8 hex digits; fileCrc32 over the whole file with its own digits as "00000000".
    const layout = (fileCrc32: string, dataCrc32: string) => JSON.stringify({ __metadata__: { dataCrc32, fileCrc32 }, w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } });
    const data = new Uint8Array(8);
    new DataView(data.buffer).setFloat32(0, 1.5, true);
    new DataView(data.buffer).setFloat32(4, -2, true);
    const hex = (value: number) => value.toString(16).padStart(8, '0');
    const file = (header: string) => {
      const bytes = new Uint8Array(8 + header.length + 8);
      new DataView(bytes.buffer).setBigUint64(0, BigInt(header.length), true);
      bytes.set(new TextEncoder().encode(header), 8);
      bytes.set(data, 8 + header.length);
      return bytes;
    };
    const dataCrc32 = hex(zlib.crc32(data));
    const fileCrc32 = hex(zlib.crc32(file(layout('00000000', dataCrc32))));
    const decoded = decodeCheckpointFile(file(layout(fileCrc32, dataCrc32)));
    expect([...decoded.tensors.get('w')!.values]).toEqual([1.5, -2]);
    expect(decoded.metadata).toEqual({});
    expect(() => decodeCheckpointFile(file(layout(hex((zlib.crc32(data) ^ 1) >>> 0), dataCrc32)))).toThrow(/checksum does not match/);
  });

  it('writes the CRC-32s that zlib computes', () => {
    const bytes = encodeCheckpointFile({ tensors: new Map([['w', { shape: [3], values: Float32Array.from([1, 2, 3]) }]]), metadata: { note: 'x' } });
    const headerEnd = 8 + new DataView(bytes.buffer).getUint32(0, true);
    const header = new TextDecoder().decode(bytes.subarray(8, headerEnd));
    const { fileCrc32, dataCrc32 } = (JSON.parse(header) as { __metadata__: Record<string, string> }).__metadata__;
    expect(dataCrc32).toBe(zlib.crc32(bytes.subarray(headerEnd)).toString(16).padStart(8, '0'));
    const withZeros = bytes.slice();
    withZeros.set(new TextEncoder().encode(header.replace(`"fileCrc32":"${fileCrc32}"`, '"fileCrc32":"00000000"')), 8);
    expect(fileCrc32).toBe(zlib.crc32(withZeros).toString(16).padStart(8, '0'));
  });
});
