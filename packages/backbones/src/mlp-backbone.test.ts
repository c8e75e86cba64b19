import { createRandomSource } from '@diffusion/core';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gradientNorms, leakedTensors, maxAbsDifference, normalTensor, expectError } from '../test/backbone-assertions';
import { createMlpBackbone } from './mlp-backbone';

/** Hand formula: Linear(in, out) has in*out + out scalars. */
const linear = (inFeatures: number, outFeatures: number) => inFeatures * outFeatures + outFeatures;

function expectedMlpCount(dimension: number, widths: number[], embedding: number, mode: 'concatenate' | 'add', conditionDimension = 0, numClasses?: number): number {
  let total = 0;
  let width = dimension + conditionDimension + (mode === 'concatenate' ? embedding : 0);
  for (const hidden of widths) {
    total += linear(width, hidden) + (mode === 'add' ? linear(embedding, hidden) : 0);
    width = hidden;
  }
  total += linear(width, dimension);
  if (numClasses !== undefined) total += (numClasses + 1) * embedding;
  return total;
}

describe('createMlpBackbone', () => {
  it('maps [batch, dimension] to the same shape', () => {
    const backbone = createMlpBackbone({ dimension: 3, hiddenWidths: [8, 8], embeddingDimension: 4 });
    const x = normalTensor(1, [5, 3]);
    const output = backbone.apply(x, tf.tensor1d([0, 0.2, 0.4, 0.6, 1]));
    expect(output.shape).toEqual([5, 3]);
    expect(backbone.sampleShape).toEqual([3]);
    tf.dispose([x, output]);
    backbone.dispose();
  });

  it('has the 141,058 parameters of the W1 benchmark network (2 + 32 inputs, widths 256 x 3)', () => {
    const backbone = createMlpBackbone({ dimension: 2, hiddenWidths: [256, 256, 256], embeddingDimension: 32 });
    expect(backbone.parameterCount).toBe(141058);
    backbone.dispose();
  });

  it('counts parameters by the hand formula for any small configuration', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 1, max: 3 }).map((half) => 2 * half),
        fc.constantFrom('concatenate' as const, 'add' as const),
        fc.constantFrom<[number, number | undefined]>([0, undefined], [3, undefined], [0, 4]),
        (dimension, widths, embedding, mode, [conditionDimension, numClasses]) => {
          const backbone = createMlpBackbone({
            dimension, hiddenWidths: widths, embeddingDimension: embedding, timeInjection: mode,
            ...(conditionDimension > 0 ? { conditionDimension } : {}), ...(numClasses === undefined ? {} : { numClasses }),
          });
          const sizes = [...backbone.variables().values()].reduce((total, weight) => total + weight.size, 0);
          backbone.dispose();
          expect(backbone.parameterCount).toBe(expectedMlpCount(dimension, widths, embedding, mode, conditionDimension, numClasses));
          expect(sizes).toBe(backbone.parameterCount);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('draws each weight from its own Philox stream: LeCun uniform with limit sqrt(3 / fanIn), biases 0', () => {
    const backbone = createMlpBackbone({ dimension: 2, hiddenWidths: [5], embeddingDimension: 4, seed: 7 });
    const weight = backbone.variables().get('layers.0.weight')!;
    const limit = Math.sqrt(3 / 6);
    const expected = Array.from(createRandomSource(7).fork('layers.0.weight').uniforms(30), (u) => Math.fround((2 * u - 1) * limit));
    expect(Array.from(weight.dataSync())).toEqual(expected);
    expect(Array.from(backbone.variables().get('layers.0.bias')!.dataSync())).toEqual([0, 0, 0, 0, 0]);
    backbone.dispose();
  });

  it('computes the closed-form forward pass (float64 reference, tolerance 1e-5)', () => {
    const backbone = createMlpBackbone({ dimension: 1, hiddenWidths: [3], embeddingDimension: 2, timeScale: 1000, seed: 3 });
    const weights = new Map([...backbone.variables()].map(([name, weight]) => [name, Array.from(weight.dataSync())]));
    // Give the biases non-zero values so they are checked too.
    backbone.variables().get('layers.0.bias')!.assign(tf.tensor1d([0.1, -0.2, 0.3]));
    backbone.variables().get('output.bias')!.assign(tf.tensor1d([0.05]));
    weights.set('layers.0.bias', [0.1, -0.2, 0.3]);
    weights.set('output.bias', [0.05]);
    const xs = [0.3, -1.2];
    const ts = [0.25, 0.0007];
    const output = backbone.apply(tf.tensor2d(xs, [2, 1]), tf.tensor1d(ts));
    const expected = xs.map((x, row) => {
      const angle = 1000 * ts[row]!; // half = 1: the only frequency is exp(0) = 1
      const input = [x, Math.sin(angle), Math.cos(angle)];
      const w0 = weights.get('layers.0.weight')!; // [3 inputs, 3 hidden], row-major
      const hidden = [0, 1, 2].map((j) => {
        const z = input.reduce((sum, value, i) => sum + value * w0[i * 3 + j]!, weights.get('layers.0.bias')![j]!);
        return z / (1 + Math.exp(-z));
      });
      const w1 = weights.get('output.weight')!;
      return hidden.reduce((sum, value, j) => sum + value * w1[j]!, weights.get('output.bias')![0]!);
    });
    expect(maxAbsDifference(output.dataSync(), expected)).toBeLessThan(1e-5);
    output.dispose();
    backbone.dispose();
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const options = { dimension: 2, hiddenWidths: [16, 16], embeddingDimension: 8, timeEmbedding: 'fourier' as const };
    const [a, b, c] = [createMlpBackbone({ ...options, seed: 11 }), createMlpBackbone({ ...options, seed: 11 }), createMlpBackbone({ ...options, seed: 12 })];
    const x = normalTensor(2, [4, 2]);
    const t = tf.tensor1d([0.1, 0.5, 0.9, 0.3]);
    const [ya, yb, yc] = [a.apply(x, t), b.apply(x, t), c.apply(x, t)];
    expect(Array.from(ya.dataSync())).toEqual(Array.from(yb.dataSync()));
    expect(maxAbsDifference(ya.dataSync(), yc.dataSync())).toBeGreaterThan(1e-3);
    tf.dispose([x, t, ya, yb, yc]);
    [a, b, c].forEach((backbone) => backbone.dispose());
  });

  it('passes gradients to every weight, in both time injections and with classes', () => {
    for (const timeInjection of ['concatenate', 'add'] as const) {
      const backbone = createMlpBackbone({ dimension: 2, hiddenWidths: [6, 6], embeddingDimension: 4, timeInjection, residual: true, numClasses: 3 });
      const x = normalTensor(4, [5, 2]);
      const t = tf.tensor1d([0.1, 0.2, 0.3, 0.4, 0.5]);
      const labels = tf.tensor1d([0, 1, 2, 3, 1], 'int32');
      const norms = gradientNorms(backbone, x, t, labels);
      expect(norms.size).toBe(backbone.variables().size);
      for (const [name, norm] of norms) expect(norm, name).toBeGreaterThan(0);
      tf.dispose([x, t, labels]);
      backbone.dispose();
    }
  });

  it('uses the condition: outputs change with the continuous condition', () => {
    const backbone = createMlpBackbone({ dimension: 2, hiddenWidths: [8], embeddingDimension: 4, conditionDimension: 3 });
    const x = normalTensor(5, [2, 2]);
    const t = tf.tensor1d([0.5, 0.5]);
    const condition = normalTensor(6, [2, 3]);
    const [withCondition, without] = [backbone.apply(x, t, condition), backbone.apply(x, t)];
    expect(maxAbsDifference(withCondition.dataSync(), without.dataSync())).toBeGreaterThan(1e-4);
    tf.dispose([x, t, condition, withCondition, without]);
    backbone.dispose();
  });

  it('leaves no tensor behind but its result', () => {
    const backbone = createMlpBackbone({ dimension: 2, hiddenWidths: [8], embeddingDimension: 4, timeEmbedding: 'fourier', numClasses: 2 });
    const x = normalTensor(7, [3, 2]);
    const t = tf.tensor1d([0.1, 0.2, 0.3]);
    expect(leakedTensors(() => backbone.apply(x, t).dispose())).toBe(0);
    tf.dispose([x, t]);
    const before = tf.memory().numTensors;
    const weights = backbone.variables().size;
    backbone.dispose();
    // The weights and the fixed Fourier frequencies are freed.
    expect(tf.memory().numTensors).toBe(before - weights - 1);
  });

  it('overfits a few points: Adam lowers the loss at least tenfold in 300 steps', () => {
    const backbone = createMlpBackbone({ dimension: 2, hiddenWidths: [32, 32], embeddingDimension: 8, seed: 1 });
    const x = normalTensor(8, [8, 2]);
    const t = tf.tensor1d([0.05, 0.15, 0.25, 0.35, 0.45, 0.55, 0.65, 0.75]);
    const target = normalTensor(9, [8, 2]);
    const optimizer = tf.train.adam(1e-2);
    const weights = [...backbone.variables().values()];
    const loss = () => tf.losses.meanSquaredError(target, backbone.apply(x, t)) as tf.Scalar;
    const first = tf.tidy(() => loss().dataSync()[0]!);
    const before = tf.memory().numTensors;
    for (let step = 0; step < 300; step += 1) tf.tidy(() => {
      optimizer.minimize(loss, false, weights);
    });
    const last = tf.tidy(() => loss().dataSync()[0]!);
    expect(last).toBeLessThan(first / 10);
    optimizer.dispose();
    expect(tf.memory().numTensors).toBeLessThanOrEqual(before);
    tf.dispose([x, t, target]);
    backbone.dispose();
  });

  describe('errors', () => {
    it('names the option at fault', () => {
      expectError(() => createMlpBackbone({ dimension: 0 }), 'createMlpBackbone.dimension');
      expectError(() => createMlpBackbone({ dimension: 2, hiddenWidths: [4, -1] }), 'createMlpBackbone.hiddenWidths[1]');
      expectError(() => createMlpBackbone({ dimension: 2, hiddenWidths: [] }), 'createMlpBackbone.hiddenWidths');
      expectError(() => createMlpBackbone({ dimension: 2, embeddingDimension: 7 }), 'createMlpBackbone.embeddingDimension');
      expectError(() => createMlpBackbone({ dimension: 2, timeEmbedding: 'learned' as 'fourier' }), 'createMlpBackbone.timeEmbedding', 'unknown-name');
      expectError(() => createMlpBackbone({ dimension: 2, seed: 1.5 }), 'createMlpBackbone.seed');
      expectError(() => createMlpBackbone({ dimension: 2, widths: [3] } as never), 'createMlpBackbone.widths');
      expectError(() => createMlpBackbone({ dimension: 2, conditionDimension: 2, numClasses: 3 }), 'createMlpBackbone.numClasses');
    });

    it('names x, noiseLevel or condition when a shape is wrong', () => {
      const backbone = createMlpBackbone({ dimension: 2, hiddenWidths: [4], embeddingDimension: 4, conditionDimension: 1 });
      const good = tf.zeros([3, 2]);
      expectError(() => backbone.apply(tf.zeros([3, 3]), tf.zeros([3])), 'x', 'shape-mismatch');
      expectError(() => backbone.apply(tf.zeros([2]), tf.zeros([2])), 'x', 'shape-mismatch');
      expectError(() => backbone.apply(good, tf.zeros([2])), 'noiseLevel', 'shape-mismatch');
      expectError(() => backbone.apply(good, tf.zeros([3]), tf.zeros([3, 2])), 'condition', 'shape-mismatch');
      backbone.dispose();
      expectError(() => backbone.apply(good, tf.zeros([3])), 'mlp', 'invalid-argument');
      const unconditional = createMlpBackbone({ dimension: 2, hiddenWidths: [4], embeddingDimension: 4 });
      expectError(() => unconditional.apply(good, tf.zeros([3]), tf.zeros([3])), 'condition', 'invalid-argument');
      unconditional.dispose();
      good.dispose();
    });
  });
});
