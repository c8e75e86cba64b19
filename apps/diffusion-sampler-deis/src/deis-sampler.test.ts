import * as tf from '@tensorflow/tfjs-core';
import { DiffusionError, createRandomSource } from '@diffusion/core';
import { describeSamplerConformance, exactMixtureDenoiser } from '@diffusion/testing';
import { describe, expect, it } from 'vitest';
import { createDeisSampler } from './deis-sampler.js';
import defaultPlugin, { plugin } from './index.js';

describeSamplerConformance(createDeisSampler);
describeSamplerConformance(createDeisSampler, { factoryOptions: { order: 2 }, title: 'sampler conformance: deis (order 2)' });
describeSamplerConformance(createDeisSampler, { factoryOptions: { variant: 'rhoAB' }, title: 'sampler conformance: deis (rhoAB)' });

const means = [[1.5, 1.5], [1.5, -1.5], [-1.5, 1.5], [-1.5, -1.5]] as const;

/** The exact mixture denoiser in float64 plain JS, written out again for an independent reference. */
function denoise64(x: number, y: number, sigma: number): [number, number] {
  const variance = 0.09 + sigma * sigma;
  const logits = means.map(([mx, my]) => -((x - mx) ** 2 + (y - my) ** 2) / (2 * variance));
  const largest = Math.max(...logits);
  const weights = logits.map((logit) => Math.exp(logit - largest));
  const total = weights.reduce((a, b) => a + b, 0);
  const shrink = 0.09 / variance;
  return [0, 1].map((axis) => means.reduce((sum, mean, k) => sum + (weights[k]! / total) * (mean[axis]! + shrink * ((axis === 0 ? x : y) - mean[axis]!)), 0)) as [number, number];
}

/** Probability-flow ODE dx/dsigma = (x - D(x; sigma)) / sigma solved by classical RK4 in float64 with many steps. */
function referenceSolution(start: Float64Array, sigmaMax: number, steps = 3000): Float64Array {
  const velocity = (x: number, y: number, sigma: number): [number, number] => {
    const level = Math.max(sigma, 1e-9);
    const [dx, dy] = denoise64(x, y, level);
    return [(x - dx) / level, (y - dy) / level];
  };
  const out = new Float64Array(start.length);
  for (let p = 0; p < start.length; p += 2) {
    let [x, y] = [start[p]!, start[p + 1]!];
    for (let i = 0; i < steps; i += 1) {
      const sigma = sigmaMax * (1 - i / steps);
      const h = -sigmaMax / steps;
      const k1 = velocity(x, y, sigma);
      const k2 = velocity(x + (h / 2) * k1[0], y + (h / 2) * k1[1], sigma + h / 2);
      const k3 = velocity(x + (h / 2) * k2[0], y + (h / 2) * k2[1], sigma + h / 2);
      const k4 = velocity(x + h * k3[0], y + h * k3[1], sigma + h);
      x += (h / 6) * (k1[0] + 2 * k2[0] + 2 * k3[0] + k4[0]);
      y += (h / 6) * (k1[1] + 2 * k2[1] + 2 * k3[1] + k4[1]);
    }
    out[p] = x;
    out[p + 1] = y;
  }
  return out;
}

function runDeis(options: Parameters<typeof createDeisSampler>[0], start: Float64Array, sigmas: Float64Array): Float32Array {
  const noise = tf.tensor(Float32Array.from(start), [start.length / 2, 2]);
  const out = createDeisSampler(options).sample(exactMixtureDenoiser(), noise, sigmas);
  const values = Float32Array.from(out.dataSync());
  tf.dispose([noise, out]);
  return values;
}

const rms = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.sqrt(Array.from(a).reduce((total, value, index) => total + (value - b[index]!) ** 2, 0) / a.length);

describe('createDeisSampler', () => {
  it('at order 1 is the Euler / DDIM step, against a float64 Euler loop', () => {
    const sigmas = Float64Array.from([80, 24, 7, 2, 0.6, 0.1, 0]);
    const start = createRandomSource(5).normals(64).map((value) => value * 80);
    const expected = Float64Array.from(start);
    for (let i = 0; i + 1 < sigmas.length; i += 1) {
      for (let p = 0; p < expected.length; p += 2) {
        const [dx, dy] = denoise64(expected[p]!, expected[p + 1]!, sigmas[i]!);
        const step = (sigmas[i + 1]! - sigmas[i]!) / sigmas[i]!;
        expected[p] = expected[p]! + step * (expected[p]! - dx);
        expected[p + 1] = expected[p + 1]! + step * (expected[p + 1]! - dy);
      }
    }
    const got = runDeis({ order: 1 }, start, sigmas);
    // float32 round-off on values of size up to ~80 at the start.
    got.forEach((value, index) => expect(Math.abs(value - expected[index]!)).toBeLessThan(2e-5));
  });

  it('converges at rates 1, 2 and about 3 (rhoAB orders 1-3) on the exact mixture, tAB at about 2 and 2.4', () => {
    const sigmaMax = 3;
    const start = createRandomSource(3).normals(64).map((value) => value * sigmaMax);
    const reference = referenceSolution(start, sigmaMax);
    const uniform = (n: number) => Float64Array.from({ length: n + 1 }, (_, i) => sigmaMax * (1 - i / n));
    const rates = [1, 2, 3].map((order) => {
      const [coarse, fine] = [40, 80].map((n) => rms(runDeis({ order: order as 1 | 2 | 3, variant: 'rhoAB' }, start, uniform(n)), reference));
      return Math.log2(coarse! / fine!);
    });
    // Measured: 0.97, 1.96, 2.58 (the order-1 and order-2 start-up steps hold order 3 a little below 3).
    expect(rates[0]).toBeGreaterThan(0.85);
    expect(rates[0]).toBeLessThan(1.15);
    expect(rates[1]).toBeGreaterThan(1.8);
    expect(rates[2]).toBeGreaterThan(2.4);
    // tAB: eps is not smooth in t at sigma 0 (t ∝ sigma^2 there), so its order decays on fine uniform-sigma
    // ladders; measured from 20 to 40 steps: 1.80 (order 2) and 2.42 (order 3).
    const [tab2, tab3] = [2, 3].map((order) => {
      const [coarse, fine] = [20, 40].map((n) => rms(runDeis({ order: order as 2 | 3, variant: 'tAB' }, start, uniform(n)), reference));
      return Math.log2(coarse! / fine!);
    });
    expect(tab2).toBeGreaterThan(1.6);
    expect(tab3).toBeGreaterThan(2.1);
  });

  it('rejects an unknown order, variant or option with a DiffusionError naming it', () => {
    expect(() => createDeisSampler({ order: 4 as never })).toThrow(/createDeisSampler\.order: got 4/);
    expect(() => createDeisSampler({ variant: 'x' as never })).toThrow(/createDeisSampler\.variant/);
    expect(() => createDeisSampler({ betaMin: 5, betaMax: 1 })).toThrow(DiffusionError);
    expect(() => createDeisSampler({ eta: 1 } as never)).toThrow(/createDeisSampler\.eta/);
  });

  it('exports the plugin module shape apps load by name', () => {
    expect(defaultPlugin).toBe(plugin);
    expect(plugin.samplers.map((create) => [create().name, create().options])).toEqual([['deis', { order: 3, variant: 'tAB', betaMin: 0.1, betaMax: 20 }]]);
  });
});
