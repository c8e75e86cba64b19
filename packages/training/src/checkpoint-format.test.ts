import fc from 'fast-check';
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
      fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }).map((name) => `weights/${name}`), tensorArbitrary, { maxKeys: 5 }), fc.dictionary(fc.string({ minLength: 1 }).filter((key) => key !== 'dataCrc32'), fc.string()), (entries, metadata) => {
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
        expect(decoded.metadata).toMatchObject(metadata);
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

  it('reads a file laid out by hand per the safetensors spec (u64 LE header size, JSON, LE data)', () => {
    const header = JSON.stringify({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } });
    const bytes = new Uint8Array(8 + header.length + 8);
    const view = new DataView(bytes.buffer);
    view.setBigUint64(0, BigInt(header.length), true);
    bytes.set(new TextEncoder().encode(header), 8);
    view.setFloat32(8 + header.length, 1.5, true);
    view.setFloat32(8 + header.length + 4, -2, true);
    expect([...decodeCheckpointFile(bytes).tensors.get('w')!.values]).toEqual([1.5, -2]);
  });
});
