import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gradientNorms, leakedTensors, maxAbsDifference, normalTensor, perturbWeights, expectError } from '../test/backbone-assertions';
import { createParameterStore } from './backbone-parameters';
import { createDitBackbone, type DitBackboneOptions } from './dit-backbone';
import { createDitBlock, layerNorm, patchify, unpatchify } from './dit-blocks';
import { sincosPositionEmbedding2d } from './position-embedding';

const tiny: DitBackboneOptions = { imageSize: 8, channels: 2, patchSize: 2, hiddenSize: 16, depth: 2, heads: 2, embeddingDimension: 8, seed: 1 };

const linear = (fin: number, fout: number) => fin * fout + fout;
function expectedDitCount(o: { imageSize: number; channels: number; patchSize: number; hiddenSize: number; depth: number; mlpRatio: number; embeddingDimension: number; numClasses?: number }): number {
  const d = o.hiddenSize;
  const patch = o.patchSize * o.patchSize * o.channels;
  const block = linear(d, 6 * d) + linear(d, 3 * d) + linear(d, d) + linear(d, o.mlpRatio * d) + linear(o.mlpRatio * d, d);
  return linear(patch, d) + linear(o.embeddingDimension, d) + linear(d, d) + (o.numClasses === undefined ? 0 : (o.numClasses + 1) * d) +
    o.depth * block + linear(d, 2 * d) + linear(d, patch);
}

describe('createDitBackbone', () => {
  it('maps NHWC images to the same shape and outputs exactly 0 at initialisation (adaLN-Zero, zero final layer)', () => {
    const backbone = createDitBackbone(tiny);
    const x = normalTensor(1, [3, 8, 8, 2]);
    const output = backbone.apply(x, tf.tensor1d([0.1, 0.5, 0.9]));
    expect(output.shape).toEqual([3, 8, 8, 2]);
    expect(Math.max(...Array.from(output.dataSync(), Math.abs))).toBe(0);
    tf.dispose([x, output]);
    backbone.dispose();
  });

  it('counts parameters by the hand formula', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(1, 2, 4), fc.integer({ min: 1, max: 3 }), fc.constantFrom(4, 8, 12), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 4 }),
        fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
        (patchSize, channels, hiddenSize, depth, mlpRatio, numClasses) => {
          const options = { imageSize: 8, channels, patchSize, hiddenSize, depth, heads: 2, mlpRatio, embeddingDimension: 6, ...(numClasses === undefined ? {} : { numClasses }) };
          const backbone = createDitBackbone(options);
          expect(backbone.parameterCount).toBe(expectedDitCount(options));
          backbone.dispose();
        },
      ),
      { numRuns: 25 },
    );
  });

  it('builds the MAE/DiT 2-D sine-cosine position table', () => {
    const width = 8;
    const table = sincosPositionEmbedding2d(3, width);
    for (let row = 0; row < 3; row += 1) {
      for (let column = 0; column < 3; column += 1) {
        const at = (index: number) => table[(row * 3 + column) * width + index]!;
        const expected = [Math.sin(column), Math.sin(column / 100), Math.cos(column), Math.cos(column / 100), Math.sin(row), Math.sin(row / 100), Math.cos(row), Math.cos(row / 100)];
        expected.forEach((value, index) => expect(at(index)).toBeCloseTo(value, 6));
      }
    }
  });

  it('cuts row-major patches: token (i, j), feature (a, b, c) is pixel (i p + a, j p + b, c), and unpatchify inverts it', () => {
    const x = normalTensor(2, [2, 6, 6, 3]);
    const tokens = patchify(x, 3);
    expect(tokens.shape).toEqual([2, 4, 27]);
    const pixels = x.arraySync() as number[][][][];
    const patches = tokens.arraySync() as number[][][];
    for (let i = 0; i < 2; i += 1) for (let j = 0; j < 2; j += 1) for (let a = 0; a < 3; a += 1) for (let b = 0; b < 3; b += 1) {
      for (let c = 0; c < 3; c += 1) expect(patches[1]![i * 2 + j]![(a * 3 + b) * 3 + c]).toBe(pixels[1]![i * 3 + a]![j * 3 + b]![c]);
    }
    const back = unpatchify(tokens, 3, 6, 3);
    expect(Array.from(back.dataSync())).toEqual(Array.from(x.dataSync()));
    tf.dispose([x, tokens, back]);
  });

  it('normalises each token to mean 0 and variance 1 (layer norm without affine)', () => {
    const x = normalTensor(3, [2, 5, 8], 3);
    const values = Array.from(layerNorm(x).dataSync());
    for (let token = 0; token < 10; token += 1) {
      const row = values.slice(token * 8, token * 8 + 8);
      const mean = row.reduce((a, b) => a + b, 0) / 8;
      const variance = row.reduce((a, b) => a + (b - mean) ** 2, 0) / 8;
      expect(Math.abs(mean)).toBeLessThan(1e-6);
      expect(Math.abs(variance - 1)).toBeLessThan(1e-4);
    }
    x.dispose();
  });

  it('makes each block the identity at initialisation (zero gates)', () => {
    const store = createParameterStore(4);
    const block = createDitBlock(store, 'block', 8, 2, 4);
    const tokens = normalTensor(5, [2, 3, 8]);
    const conditioning = normalTensor(6, [2, 8]);
    const output = block.apply(tokens, conditioning);
    expect(Array.from(output.dataSync())).toEqual(Array.from(tokens.dataSync()));
    tf.dispose([tokens, conditioning, output]);
    store.dispose();
  });

  it('passes gradients to every weight and is deterministic for a seed', () => {
    const backbone = createDitBackbone({ ...tiny, numClasses: 3 });
    const twin = createDitBackbone({ ...tiny, numClasses: 3 });
    const weightOf = (b: typeof backbone) => Array.from(b.variables().get('blocks.1.attention.qkv.weight')!.dataSync());
    expect(weightOf(backbone)).toEqual(weightOf(twin));
    twin.dispose();
    perturbWeights(backbone, 7, 0.1);
    const x = normalTensor(8, [2, 8, 8, 2]);
    const t = tf.tensor1d([0.25, 0.75]);
    const labels = tf.tensor1d([1, 3], 'int32');
    const norms = gradientNorms(backbone, x, t, labels);
    expect(norms.size).toBe(backbone.variables().size);
    for (const [name, value] of norms) expect(value, name).toBeGreaterThan(0);
    expect(leakedTensors(() => backbone.apply(x, t, labels).dispose())).toBe(0);
    const weights = backbone.variables().size;
    const before = tf.memory().numTensors;
    backbone.dispose();
    expect(tf.memory().numTensors).toBe(before - weights - 1); // the weights and the position table
    tf.dispose([x, t, labels]);
  });

  it('names the option or argument at fault', () => {
    expectError(() => createDitBackbone({ ...tiny, imageSize: 9 }), 'createDitBackbone.imageSize');
    expectError(() => createDitBackbone({ ...tiny, heads: 3 }), 'createDitBackbone.heads');
    expectError(() => createDitBackbone({ ...tiny, hiddenSize: 18 }), 'createDitBackbone.hiddenSize');
    expectError(() => createDitBackbone({ ...tiny, depth: 0 }), 'createDitBackbone.depth');
    expectError(() => createDitBackbone({ ...tiny, patch: 2 } as never), 'createDitBackbone.patch');
    const backbone = createDitBackbone(tiny);
    expectError(() => backbone.apply(tf.zeros([1, 8, 8, 1]), tf.zeros([1])), 'x', 'shape-mismatch');
    expectError(() => backbone.apply(tf.zeros([1, 8, 8, 2]), tf.zeros([1, 1])), 'noiseLevel', 'shape-mismatch');
    expectError(() => backbone.apply(tf.zeros([1, 8, 8, 2]), tf.zeros([1]), tf.zeros([1])), 'condition', 'invalid-argument');
    backbone.dispose();
  });
});
