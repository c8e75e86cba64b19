import { DiffusionError } from '@diffusion/core';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maxAbsDifference, normalTensor } from '../test/backbone-assertions';
import { createBackboneFromSafetensors, loadSafetensors, saveSafetensors } from './backbone-safetensors';
import { createMlpBackbone } from './mlp-backbone';
import { decodeSafetensors, encodeSafetensors } from '@diffusion/safetensors';

const small = { dimension: 2, hiddenWidths: [6, 5], embeddingDimension: 4, numClasses: 2 };

/** Reads a safetensors header without this package's decoder. */
function parseHeader(bytes: Uint8Array): { headerLength: number; header: Record<string, any> } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  const header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + headerLength)).toString('utf8'));
  return { headerLength, header };
}

function expectCheckpointError(body: () => unknown, ...fragments: string[]): void {
  try {
    body();
  } catch (error) {
    expect(error).toBeInstanceOf(DiffusionError);
    expect((error as DiffusionError).code).toBe('checkpoint');
    for (const fragment of fragments) expect((error as Error).message).toContain(fragment);
    return;
  }
  throw new Error('expected a checkpoint DiffusionError');
}

describe('safetensors weights', () => {
  it('writes the layout Python safetensors reads: u64 header length, padded JSON header, contiguous F32 data', () => {
    const backbone = createMlpBackbone({ ...small, seed: 4 });
    const bytes = saveSafetensors(backbone);
    const { headerLength, header } = parseHeader(bytes);
    expect(headerLength % 8).toBe(0);
    expect(bytes[8]).toBe('{'.charCodeAt(0));
    expect(header.__metadata__.backbone).toBe('mlp');
    expect(JSON.parse(header.__metadata__.config)).toEqual(backbone.config);
    const names = Object.keys(header).filter((name) => name !== '__metadata__');
    expect(names.sort()).toEqual([...backbone.variables().keys()].sort());
    const data = new DataView(bytes.buffer, bytes.byteOffset + 8 + headerLength);
    let expectedBegin = 0;
    for (const name of names.sort((a, b) => header[a].data_offsets[0] - header[b].data_offsets[0])) {
      const weight = backbone.variables().get(name)!;
      const { dtype, shape, data_offsets: [begin, end] } = header[name];
      expect(dtype).toBe('F32');
      expect(shape).toEqual(weight.shape);
      expect(begin).toBe(expectedBegin);
      expect(end - begin).toBe(4 * weight.size);
      const values = Array.from({ length: weight.size }, (_, index) => data.getFloat32(begin + 4 * index, true));
      expect(values).toEqual(Array.from(weight.dataSync()));
      expectedBegin = end;
    }
    expect(8 + headerLength + expectedBegin).toBe(bytes.length);
    backbone.dispose();
  });

  it('reads a file laid out by hand the way Python safetensors writes it', () => {
    const json = '{"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}';
    const headerLength = Math.ceil(json.length / 8) * 8;
    const bytes = new Uint8Array(8 + headerLength + 12);
    const view = new DataView(bytes.buffer);
    view.setBigUint64(0, BigInt(headerLength), true);
    bytes.set(Buffer.from(json.padEnd(headerLength, ' ')), 8);
    [1.5, -2, 0.25].forEach((value, index) => view.setFloat32(8 + headerLength + 4 * index, value, true));
    const file = decodeSafetensors(bytes);
    expect(file.metadata).toEqual({});
    expect(file.tensors.get('a')!.shape).toEqual([2]);
    expect(Array.from(new Float32Array(file.tensors.get('a')!.bytes.slice().buffer))).toEqual([1.5, -2]);
    expect(Array.from(new Float32Array(file.tensors.get('b')!.bytes.slice().buffer))).toEqual([0.25]);
  });

  it('round-trips: loaded weights give identical outputs', () => {
    const source = createMlpBackbone({ ...small, seed: 1 });
    const target = createMlpBackbone({ ...small, seed: 2 });
    const x = normalTensor(3, [4, 2]);
    const t = tf.tensor1d([0.1, 0.4, 0.7, 0.9]);
    const labels = tf.tensor1d([0, 1, 2, 1], 'int32');
    const expected = source.apply(x, t, labels);
    const before = target.apply(x, t, labels);
    expect(maxAbsDifference(before.dataSync(), expected.dataSync())).toBeGreaterThan(1e-3);
    const bytes = saveSafetensors(source);
    const tensorsBefore = tf.memory().numTensors;
    loadSafetensors(target, bytes);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    const after = target.apply(x, t, labels);
    expect(Array.from(after.dataSync())).toEqual(Array.from(expected.dataSync()));
    const rebuilt = createBackboneFromSafetensors(bytes);
    expect(rebuilt.name).toBe('mlp');
    expect(rebuilt.config).toEqual(source.config);
    const fromFile = rebuilt.apply(x, t, labels);
    expect(Array.from(fromFile.dataSync())).toEqual(Array.from(expected.dataSync()));
    tf.dispose([x, t, labels, expected, before, after, fromFile]);
    [source, target, rebuilt].forEach((backbone) => backbone.dispose());
  });

  it('lists missing, unexpected and wrong-shape weights and leaves the weights untouched', () => {
    const source = createMlpBackbone({ dimension: 2, hiddenWidths: [6, 5], embeddingDimension: 4 });
    const target = createMlpBackbone({ dimension: 2, hiddenWidths: [6, 7], embeddingDimension: 4, numClasses: 2 });
    const original = Array.from(target.variables().get('layers.0.weight')!.dataSync());
    expectCheckpointError(
      () => loadSafetensors(target, saveSafetensors(source)),
      'missing: classEmbedding.weight',
      'wrong shape: layers.1.weight ([6, 5], expected [6, 7]), layers.1.bias ([5], expected [7]), output.weight ([5, 2], expected [7, 2])',
    );
    const withExtra = encodeSafetensors([
      ...[...source.variables()].map(([name, weight]) => ({ name, shape: weight.shape, values: weight.dataSync() as Float32Array })),
      { name: 'extra.weight', shape: [1], values: new Float32Array([1]) },
    ], { backbone: 'mlp' });
    expectCheckpointError(() => loadSafetensors(source, withExtra), 'unexpected: extra.weight');
    expectCheckpointError(() => loadSafetensors(source, encodeSafetensors([], { backbone: 'unet' })), 'holds a "unet" backbone');
    expect(Array.from(target.variables().get('layers.0.weight')!.dataSync())).toEqual(original);
    source.dispose();
    target.dispose();
  });

  it('loads F16 weights as float32 and rejects an integer weight', () => {
    const backbone = createMlpBackbone({ dimension: 1, hiddenWidths: [1], embeddingDimension: 2 });
    const entries = (dtype: 'F16' | 'I32') => [...backbone.variables()].map(([name, weight]) => ({
      name, shape: weight.shape, ...(name === 'output.bias' ? { values: new Int32Array([3]), dtype } : { values: weight.dataSync() as Float32Array }),
    }));
    loadSafetensors(backbone, encodeSafetensors(entries('F16')));
    expect(Array.from(backbone.variables().get('output.bias')!.dataSync())).toEqual([3]);
    expectCheckpointError(() => loadSafetensors(backbone, encodeSafetensors(entries('I32'))), 'wrong dtype: output.bias (I32, expected a float dtype');
    backbone.dispose();
  });

  it('rejects truncated, corrupted and inconsistent files with a checkpoint error', () => {
    const backbone = createMlpBackbone({ ...small });
    const bytes = saveSafetensors(backbone);
    const { headerLength } = parseHeader(bytes);
    expectCheckpointError(() => loadSafetensors(backbone, bytes.subarray(0, 5)), 'fewer than the 8-byte');
    expectCheckpointError(() => loadSafetensors(backbone, bytes.subarray(0, 8 + headerLength - 3)), 'truncated');
    expectCheckpointError(() => loadSafetensors(backbone, bytes.subarray(0, bytes.length - 4)), 'truncated');
    const garbled = bytes.slice();
    garbled[8] = 0x5b; // '[' instead of '{'
    expectCheckpointError(() => loadSafetensors(backbone, garbled), 'header');
    const longer = new Uint8Array(bytes.length + 4);
    longer.set(bytes);
    expectCheckpointError(() => loadSafetensors(backbone, longer), 'data section');
    const huge = bytes.slice();
    new DataView(huge.buffer).setUint32(4, 1, true);
    expectCheckpointError(() => loadSafetensors(backbone, huge), 'header length');
    const gap = encodeSafetensors([{ name: 'a', shape: [1], values: new Float32Array([1]) }]);
    const gapHeader = '{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}'.padEnd(parseHeader(gap).headerLength, ' ');
    const gapped = new Uint8Array(8 + gapHeader.length + 8);
    new DataView(gapped.buffer).setUint32(0, gapHeader.length, true);
    gapped.set(Buffer.from(gapHeader), 8);
    expectCheckpointError(() => decodeSafetensors(gapped), 'gap or overlap');
    backbone.dispose();
  });

  it('answers any truncation or byte corruption with a checkpoint error or a valid file, never another error', () => {
    const backbone = createMlpBackbone({ dimension: 1, hiddenWidths: [2], embeddingDimension: 2 });
    const bytes = saveSafetensors(backbone);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: bytes.length - 1 }), fc.integer({ min: 0, max: bytes.length - 1 }), fc.integer({ min: 0, max: 255 }), (cut, position, value) => {
        expectCheckpointError(() => decodeSafetensors(bytes.subarray(0, cut)));
        const corrupted = bytes.slice();
        corrupted[position] = value;
        try {
          decodeSafetensors(corrupted);
        } catch (error) {
          expect(error).toBeInstanceOf(DiffusionError);
          expect((error as DiffusionError).code).toBe('checkpoint');
        }
      }),
      { numRuns: 300 },
    );
    backbone.dispose();
  });

  it('names an unknown backbone and missing metadata when rebuilding', () => {
    const bytes = encodeSafetensors([], { backbone: 'transformer-xl', config: '{}' });
    expect(() => createBackboneFromSafetensors(bytes)).toThrow(/no plugin named "transformer-xl"; registered: mlp, unet, dit/);
    expectCheckpointError(() => createBackboneFromSafetensors(encodeSafetensors([])), 'lacks "backbone" or "config"');
  });
});
