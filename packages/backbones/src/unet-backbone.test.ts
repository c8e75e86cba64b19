import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gradientNorms, leakedTensors, maxAbsDifference, normalTensor, perturbWeights, expectError } from '../test/backbone-assertions';
import { createUnetBackbone } from './unet-backbone';
import { nearestUpsample } from './unet-blocks';
import type { UnetBackboneOptions } from './unet-options';

const tiny: UnetBackboneOptions = { imageSize: 8, channels: 2, baseChannels: 8, channelMultipliers: [1, 2], numResBlocks: 1, attentionResolutions: [4], groups: 4, seed: 3 };

// Hand formulas: conv k x k (in → out) with bias, Linear, GroupNorm, residual block, attention block.
const conv = (k: number, cin: number, cout: number) => k * k * cin * cout + cout;
const linear = (fin: number, fout: number) => fin * fout + fout;
const norm = (c: number) => 2 * c;
const resBlock = (cin: number, cout: number, temb: number) =>
  norm(cin) + conv(3, cin, cout) + linear(temb, cout) + norm(cout) + conv(3, cout, cout) + (cin === cout ? 0 : conv(1, cin, cout));
const attention = (c: number) => norm(c) + linear(c, 3 * c) + linear(c, c);

function expectedUnetCount(o: Required<Pick<UnetBackboneOptions, 'imageSize' | 'channels' | 'baseChannels' | 'channelMultipliers' | 'numResBlocks' | 'attentionResolutions' | 'embeddingDimension'>> & { numClasses?: number }): number {
  const b = o.baseChannels;
  const temb = 4 * b;
  let total = linear(o.embeddingDimension, temb) + linear(temb, temb) + conv(3, o.channels, b);
  if (o.numClasses !== undefined) total += (o.numClasses + 1) * temb;
  let c = b;
  o.channelMultipliers.forEach((m, level) => {
    for (let r = 0; r < o.numResBlocks; r += 1) {
      total += resBlock(c, m * b, temb);
      c = m * b;
      if (o.attentionResolutions.includes(o.imageSize / 2 ** level)) total += attention(c);
    }
    total += conv(3, c, c);
  });
  total += resBlock(c, c, temb);
  if (o.attentionResolutions.includes(o.imageSize / 2 ** o.channelMultipliers.length)) total += attention(c);
  [...o.channelMultipliers].reverse().forEach((m, reversed) => {
    const level = o.channelMultipliers.length - 1 - reversed;
    total += conv(3, c, c);
    for (let r = 0; r < o.numResBlocks; r += 1) {
      total += resBlock(c + m * b, m * b, temb);
      c = m * b;
      if (o.attentionResolutions.includes(o.imageSize / 2 ** level)) total += attention(c);
    }
  });
  return total + norm(c) + conv(3, c, o.channels);
}

describe('createUnetBackbone', () => {
  it('maps NHWC images to the same shape and outputs exactly 0 at initialisation (zero-initialised output conv)', () => {
    const backbone = createUnetBackbone(tiny);
    const x = normalTensor(1, [2, 8, 8, 2]);
    const output = backbone.apply(x, tf.tensor1d([0.1, 0.9]));
    expect(output.shape).toEqual([2, 8, 8, 2]);
    expect(backbone.sampleShape).toEqual([8, 8, 2]);
    expect(Math.max(...Array.from(output.dataSync(), Math.abs))).toBe(0);
    tf.dispose([x, output]);
    backbone.dispose();
  });

  it('has the 488,673 parameters of the W3 benchmark U-Net', () => {
    const backbone = createUnetBackbone({ imageSize: 28, channels: 1, baseChannels: 32, channelMultipliers: [1, 2], numResBlocks: 1, groups: 8, embeddingDimension: 64 });
    expect(backbone.parameterCount).toBe(488673);
    backbone.dispose();
  });

  it('counts parameters by the hand formula for small configurations', () => {
    fc.assert(
      fc.property(
        fc.constantFrom([1], [1, 2], [2, 1, 2]),
        fc.integer({ min: 1, max: 2 }),
        fc.integer({ min: 1, max: 3 }),
        fc.boolean(),
        fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
        (channelMultipliers, numResBlocks, channels, withAttention, numClasses) => {
          const imageSize = 8;
          const attentionResolutions = withAttention ? [8 / 2 ** (channelMultipliers.length - 1), 8 / 2 ** channelMultipliers.length] : [];
          const options = { imageSize, channels, baseChannels: 4, channelMultipliers, numResBlocks, attentionResolutions, groups: 2, embeddingDimension: 6, ...(numClasses === undefined ? {} : { numClasses }) };
          const backbone = createUnetBackbone(options);
          expect(backbone.parameterCount).toBe(expectedUnetCount(options));
          expect([...backbone.variables().values()].reduce((total, weight) => total + weight.size, 0)).toBe(backbone.parameterCount);
          backbone.dispose();
        },
      ),
      { numRuns: 20 },
    );
  });

  it('draws the same weights for the same seed and different ones for another seed', () => {
    const [a, b, c] = [createUnetBackbone(tiny), createUnetBackbone(tiny), createUnetBackbone({ ...tiny, seed: 4 })];
    const weightsOf = (backbone: typeof a) => backbone.variables().get('down.1.blocks.0.conv1.weight')!.dataSync();
    expect(Array.from(weightsOf(a))).toEqual(Array.from(weightsOf(b)));
    expect(maxAbsDifference(weightsOf(a), weightsOf(c))).toBeGreaterThan(1e-3);
    [a, b, c].forEach((backbone) => backbone.dispose());
  });

  it('passes gradients to every weight, including attention and class embedding', () => {
    const backbone = createUnetBackbone({ ...tiny, numResBlocks: 2, attentionResolutions: [8, 2], numClasses: 3 });
    perturbWeights(backbone, 5);
    const x = normalTensor(6, [2, 8, 8, 2]);
    const t = tf.tensor1d([0.3, 0.6]);
    const labels = tf.tensor1d([2, 3], 'int32');
    const norms = gradientNorms(backbone, x, t, labels);
    expect(norms.size).toBe(backbone.variables().size);
    for (const [name, value] of norms) expect(value, name).toBeGreaterThan(0);
    tf.dispose([x, t, labels]);
    backbone.dispose();
  });

  it('depends on the noise level and the class label', () => {
    const backbone = createUnetBackbone({ ...tiny, numClasses: 2 });
    perturbWeights(backbone, 7);
    const x = normalTensor(8, [1, 8, 8, 2]);
    const run = (t: number, label: number) => backbone.apply(x, tf.tensor1d([t]), tf.tensor1d([label], 'int32'));
    const [base, otherTime, otherLabel] = [run(0.2, 0), run(0.7, 0), run(0.2, 1)];
    expect(maxAbsDifference(base.dataSync(), otherTime.dataSync())).toBeGreaterThan(1e-4);
    expect(maxAbsDifference(base.dataSync(), otherLabel.dataSync())).toBeGreaterThan(1e-4);
    tf.dispose([x, base, otherTime, otherLabel]);
    backbone.dispose();
  });

  it('applies dropout only in training mode', () => {
    const backbone = createUnetBackbone({ ...tiny, dropout: 0.5 });
    perturbWeights(backbone, 9);
    const x = normalTensor(10, [1, 8, 8, 2]);
    const t = tf.tensor1d([0.5]);
    const [first, second] = [backbone.apply(x, t), backbone.apply(x, t)];
    expect(Array.from(first.dataSync())).toEqual(Array.from(second.dataSync()));
    backbone.setTraining(true);
    const [third, fourth] = [backbone.apply(x, t), backbone.apply(x, t)];
    expect(maxAbsDifference(third.dataSync(), fourth.dataSync())).toBeGreaterThan(1e-4);
    expect(maxAbsDifference(third.dataSync(), first.dataSync())).toBeGreaterThan(1e-4);
    tf.dispose([x, t, first, second, third, fourth]);
    backbone.dispose();
  });

  it('leaves no tensor behind but its result', () => {
    const backbone = createUnetBackbone({ ...tiny, dropout: 0.1, numClasses: 2 });
    backbone.setTraining(true);
    const x = normalTensor(11, [2, 8, 8, 2]);
    const t = tf.tensor1d([0.1, 0.2]);
    expect(leakedTensors(() => backbone.apply(x, t).dispose())).toBe(0);
    const weights = backbone.variables().size;
    const before = tf.memory().numTensors;
    backbone.dispose();
    expect(tf.memory().numTensors).toBe(before - weights);
    tf.dispose([x, t]);
  });

  it('upsamples exactly like tfjs nearest-neighbour resizing to twice the size', () => {
    const x = normalTensor(12, [2, 3, 4, 5]);
    const ours = nearestUpsample(x);
    const reference = tf.image.resizeNearestNeighbor(x as tf.Tensor4D, [6, 8]);
    expect(ours.shape).toEqual([2, 6, 8, 5]);
    expect(Array.from(ours.dataSync())).toEqual(Array.from(reference.dataSync()));
    tf.dispose([x, ours, reference]);
  });

  it('has the exact nearest-upsampling gradient: each input pixel gets the sum of its 2x2 block', () => {
    const x = normalTensor(13, [3, 2, 3, 2]);
    const weights = normalTensor(14, [3, 4, 6, 2]);
    const gradient = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(nearestUpsample(input), weights)))(x);
    const w = weights.dataSync();
    const expected = new Float32Array(3 * 2 * 3 * 2);
    for (let b = 0; b < 3; b += 1) for (let r = 0; r < 4; r += 1) for (let c = 0; c < 6; c += 1) for (let k = 0; k < 2; k += 1) {
      expected[((b * 2 + Math.floor(r / 2)) * 3 + Math.floor(c / 2)) * 2 + k]! += w[((b * 4 + r) * 6 + c) * 2 + k]!;
    }
    expect(maxAbsDifference(gradient.dataSync(), expected)).toBeLessThan(1e-6);
    tf.dispose([x, weights, gradient]);
  });

  it('needs its own upsampling: tfjs-backend-cpu 4.22 gets the nearest-resize gradient wrong after the first image', async () => {
    // The defect is the cpu backend's; under DIFFUSION_TEST_BACKEND=wasm this case still runs there.
    const previous = tf.getBackend();
    await tf.setBackend('cpu');
    try {
      checkNearestUpsampleGradient();
    } finally {
      await tf.setBackend(previous);
    }
  });

  function checkNearestUpsampleGradient(): void {
    const x = tf.zeros([2, 1, 1, 1]) as tf.Tensor4D;
    const weights = tf.tensor4d([1, 2, 3, 4, 10, 20, 30, 40], [2, 2, 2, 1]);
    const stock = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(tf.image.resizeNearestNeighbor(input as tf.Tensor4D, [2, 2]), weights)))(x);
    const ours = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(nearestUpsample(input), weights)))(x);
    expect(Array.from(ours.dataSync())).toEqual([10, 100]);
    expect(Array.from(stock.dataSync())[1]).not.toBe(100);
    tf.dispose([x, weights, stock, ours]);
  }

  it('names the option at fault', () => {
    expectError(() => createUnetBackbone({ ...tiny, imageSize: 10 }), 'createUnetBackbone.imageSize');
    expectError(() => createUnetBackbone({ ...tiny, groups: 3 }), 'createUnetBackbone.groups');
    expectError(() => createUnetBackbone({ ...tiny, channelMultipliers: [1, 0] }), 'createUnetBackbone.channelMultipliers[1]');
    expectError(() => createUnetBackbone({ ...tiny, baseChannels: -8 }), 'createUnetBackbone.baseChannels');
    expectError(() => createUnetBackbone({ ...tiny, attentionResolutions: [5] }), 'createUnetBackbone.attentionResolutions[0]');
    expectError(() => createUnetBackbone({ ...tiny, attentionHeads: 3 }), 'createUnetBackbone.attentionHeads');
    expectError(() => createUnetBackbone({ ...tiny, dropout: 1 }), 'createUnetBackbone.dropout');
    expectError(() => createUnetBackbone({ ...tiny, channels: undefined as unknown as number }), 'createUnetBackbone.channels');
  });

  it('names x, noiseLevel or condition when a shape is wrong', () => {
    const backbone = createUnetBackbone(tiny);
    expectError(() => backbone.apply(tf.zeros([1, 8, 8, 3]), tf.zeros([1])), 'x', 'shape-mismatch');
    expectError(() => backbone.apply(tf.zeros([1, 2, 8, 8]), tf.zeros([1])), 'x', 'shape-mismatch');
    expectError(() => backbone.apply(tf.zeros([2, 8, 8, 2]), tf.zeros([1])), 'noiseLevel', 'shape-mismatch');
    expectError(() => backbone.apply(tf.zeros([2, 8, 8, 2]), tf.zeros([2]), tf.zeros([2])), 'condition', 'invalid-argument');
    backbone.dispose();
    const conditional = createUnetBackbone({ ...tiny, numClasses: 2 });
    expectError(() => conditional.apply(tf.zeros([2, 8, 8, 2]), tf.zeros([2]), tf.zeros([3])), 'condition', 'shape-mismatch');
    conditional.dispose();
  });
});
