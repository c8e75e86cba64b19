import { createRandomSource } from '@diffusion/core';
import { describeSamplerConformance, exactMixtureDenoiser, karrasLadder } from '@diffusion/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { create__Name__Sampler } from './__NAME__-sampler.js';
import { plugin } from './index.js';

// The suite every sampler runs: contract, memory, NaN guard, declared order, accuracy.
describeSamplerConformance(create__Name__Sampler);

const means = [[1.5, 1.5], [1.5, -1.5], [-1.5, 1.5], [-1.5, -1.5]] as const;

/** The exact denoiser of the conformance mixture (4 Gaussians, std 0.3) in float64 plain JS: an independent reference. */
function denoise64(x: number, y: number, sigma: number): [number, number] {
  const variance = 0.09 + sigma * sigma;
  const logits = means.map(([mx, my]) => -((x - mx) ** 2 + (y - my) ** 2) / (2 * variance));
  const largest = Math.max(...logits);
  const weights = logits.map((logit) => Math.exp(logit - largest));
  const total = weights.reduce((a, b) => a + b, 0);
  const shrink = 0.09 / variance;
  return [0, 1].map((axis) => means.reduce((sum, mean, k) => sum + (weights[k]! / total) * (mean[axis]! + shrink * ((axis === 0 ? x : y) - mean[axis]!)), 0)) as [number, number];
}

describe('create__Name__Sampler', () => {
  it('follows the same update written in float64 on the exact mixture', () => {
    const sigmas = karrasLadder(12, 0.01, 20);
    const start = createRandomSource(5).normals(64).map((value) => value * 20);
    const expected = Float64Array.from(start);
    for (let i = 0; i + 1 < sigmas.length; i += 1) {
      for (let p = 0; p < expected.length; p += 2) {
        const [dx, dy] = denoise64(expected[p]!, expected[p + 1]!, sigmas[i]!);
        const step = (sigmas[i + 1]! - sigmas[i]!) / sigmas[i]!;
        expected[p] = expected[p]! + step * (expected[p]! - dx);
        expected[p + 1] = expected[p + 1]! + step * (expected[p + 1]! - dy);
      }
    }
    const noise = tf.tensor(Float32Array.from(start), [32, 2]);
    const output = create__Name__Sampler().sample(exactMixtureDenoiser(), noise, sigmas);
    const got = output.dataSync();
    tf.dispose([noise, output]);
    got.forEach((value, index) => expect(Math.abs(value - expected[index]!)).toBeLessThan(2e-5 * Math.max(1, Math.abs(expected[index]!))));
  });

  it('exports the plugin module shape', () => {
    expect(plugin.samplers.map((create) => create().name)).toEqual(['__NAME__']);
  });
});
