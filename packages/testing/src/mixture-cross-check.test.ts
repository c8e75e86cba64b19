import * as tf from '@tensorflow/tfjs-core';
import { createRandomSource } from '@diffusion/core';
import { createConformanceMixture } from '@diffusion/data';
import { slicedWasserstein1ToMixture as metricsSlicedWasserstein1ToMixture } from '@diffusion/metrics';
import { describe, expect, it } from 'vitest';
import { conformanceMixture, exactMixtureDenoiser, sampleMixture } from './mixture-denoiser';
import { slicedWasserstein1ToMixture } from './mixture-wasserstein';

// The suite carries its own float64 denoiser and metric so that it depends only on core; these
// tests hold them to the independent implementations in @diffusion/data and @diffusion/metrics.
describe('cross-checks against @diffusion/data and @diffusion/metrics', () => {
  it('the exact denoiser agrees with data’s conformance mixture to float32 round-off', () => {
    const theirs = createConformanceMixture().veDenoiser;
    const ours = exactMixtureDenoiser();
    const x = tf.tensor2d(Float32Array.from(createRandomSource(4).normals(400).map((value) => 3 * value)), [200, 2]);
    let largest = 0;
    for (const sigma of [0.002, 0.05, 0.3, 1, 4, 40]) {
      const [a, b] = [ours(x, sigma), theirs(x, sigma)];
      const difference = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
      largest = Math.max(largest, difference);
      tf.dispose([a, b]);
    }
    x.dispose();
    expect(largest).toBeLessThan(2e-5);
  });

  it('the exact sliced W1 agrees with metrics’ slicedWasserstein1ToMixture to 1e-9', () => {
    const mixture = createConformanceMixture();
    for (const seed of [1, 2]) {
      const samples = sampleMixture(conformanceMixture, 3000, createRandomSource(seed)).map((value, index) => value * (1 + 0.05 * seed * (index % 2)));
      expect(Math.abs(slicedWasserstein1ToMixture(samples, conformanceMixture) - metricsSlicedWasserstein1ToMixture(samples, mixture))).toBeLessThan(1e-9);
    }
  });
});
