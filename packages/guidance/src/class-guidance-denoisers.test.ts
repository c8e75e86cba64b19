import { DiffusionError, type ConditionalDenoiser } from '@diffusion/core';
import { createEightGaussians } from '@diffusion/data';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createClassGuidanceDenoisers } from './class-guidance-denoisers';
import { createCfgGuider } from './cfg-guider';

const mixture = createEightGaussians({ std: 0.35 });

/** The mixture's class denoiser, counting its calls and recording the labels and batch of each. */
function recording(): { denoiser: ConditionalDenoiser; calls: Array<{ batch: number; labels: number[] | undefined }> } {
  const calls: Array<{ batch: number; labels: number[] | undefined }> = [];
  return {
    calls,
    denoiser: (x, sigma, condition) => {
      calls.push({ batch: x.shape[0]!, labels: condition === undefined ? undefined : Array.from(condition.dataSync()) });
      return mixture.classDenoiser(x, sigma, condition);
    },
  };
}

describe('createClassGuidanceDenoisers', () => {
  it('asks for the requested labels (D_c) and the null label K (D_u)', () => {
    const { denoiser, calls } = recording();
    const inputs = createClassGuidanceDenoisers(denoiser, { labels: [3, 0, 7], numClasses: 8 });
    const x = tf.tensor2d([[0.1, 0.2], [1, -1], [-0.5, 2]]);
    tf.dispose([inputs.conditional(x, 0.5), inputs.unconditional(x, 0.5)]);
    expect(calls).toEqual([{ batch: 3, labels: [3, 0, 7] }, { batch: 3, labels: [8, 8, 8] }]);
    tf.dispose(x);
    inputs.dispose();
  });

  it('pairs both in one call on the doubled batch, with the same predictions as two calls', () => {
    const { denoiser, calls } = recording();
    const inputs = createClassGuidanceDenoisers(denoiser, { labels: tf.tensor1d([1, 5], 'int32'), numClasses: 8 });
    const x = tf.tensor2d([[0.3, -0.2], [2, 1]]);
    const paired = inputs.paired!(x, 1.3);
    expect(calls).toEqual([{ batch: 4, labels: [1, 5, 8, 8] }]);
    const conditional = inputs.conditional(x, 1.3);
    const unconditional = inputs.unconditional(x, 1.3);
    expect(Array.from(paired.conditional.dataSync())).toEqual(Array.from(conditional.dataSync()));
    expect(Array.from(paired.unconditional.dataSync())).toEqual(Array.from(unconditional.dataSync()));
    tf.dispose([x, paired.conditional, paired.unconditional, conditional, unconditional]);
    inputs.dispose();
  });

  it('makes one network call per guided evaluation when batched, two when not', () => {
    for (const batched of [true, false]) {
      const { denoiser, calls } = recording();
      const inputs = createClassGuidanceDenoisers(denoiser, { labels: [2, 2], numClasses: 8, batched });
      expect(inputs.paired === undefined).toBe(!batched);
      const guided = createCfgGuider({ guidanceScale: 3 }).guide(inputs);
      const x = tf.zeros([2, 2]);
      guided(x, 2).dispose();
      expect(calls.length).toBe(batched ? 1 : 2);
      tf.dispose(x);
      guided.dispose();
      inputs.dispose();
    }
  });

  it('frees its label tensors on dispose and leaks nothing per call', () => {
    const before = tf.memory().numTensors;
    const inputs = createClassGuidanceDenoisers(mixture.classDenoiser, { labels: [0, 1], numClasses: 8 });
    const x = tf.zeros([2, 2]);
    const during = tf.memory().numTensors;
    const out = inputs.paired!(x, 1);
    tf.dispose([out.conditional, out.unconditional]);
    expect(tf.memory().numTensors).toBe(during);
    x.dispose();
    inputs.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects a label outside [0, K), naming the field', () => {
    for (const labels of [[0, 8], [-1], [2.5]]) {
      expect(() => createClassGuidanceDenoisers(mixture.classDenoiser, { labels, numClasses: 8 })).toThrow(/createClassGuidanceDenoisers\.labels\[\d\]: got .*; expected an integer class label in \[0, 8\)/);
    }
    expect(() => createClassGuidanceDenoisers(mixture.classDenoiser, { labels: [], numClasses: 8 })).toThrow(DiffusionError);
    expect(() => createClassGuidanceDenoisers(mixture.classDenoiser, { labels: [1], numClasses: 0 })).toThrow(/numClasses/);
  });

  it('rejects an input whose batch is not one sample per label', () => {
    const inputs = createClassGuidanceDenoisers(mixture.classDenoiser, { labels: [0, 1, 2], numClasses: 8 });
    const x = tf.zeros([2, 2]);
    expect(() => inputs.conditional(x, 1)).toThrow(/expected a batch of 3/);
    expect(() => inputs.paired!(x, 1)).toThrow(DiffusionError);
    x.dispose();
    inputs.dispose();
  });
});
