import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { createRandomSource, type Denoiser } from '@diffusion/core';
import { uniformDequantise } from '@diffusion/metrics';
import { createLinearSchedule } from '@diffusion/schedules';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { ExperimentContext } from './experiment-context';
import { odeNllOf } from './ode-nll-stage';

/** Denoiser of N(0, s^2 I) data: E[x0 | x0 + sigma n = x] = s^2 / (s^2 + sigma^2) x; its flow is a scaling, its Jacobian diagonal. */
const gaussianDenoiser = (std: number): Denoiser => (x, sigma) => tf.mul(x, (std * std) / (std * std + sigma * sigma));

/** A context with only what the ODE NLL stage reads: 8-bit "images" of 5 x 5 pixels (25 dimensions: Hutchinson's divergence). */
function imageContext(heldOut: tf.Tensor, seed: number, config: { odeNll: boolean; odeRtol?: number; odePoints?: number }): ExperimentContext {
  return {
    config: { ...config, seed },
    schedule: createLinearSchedule(),
    random: createRandomSource(seed),
    setup: { heldOut, decoder: 'discretized-gaussian', nllUnit: 'bits per dimension', dimension: 25 },
  } as unknown as ExperimentContext;
}

describe('odeNllOf on 8-bit images (bits per dimension of the dequantised data)', () => {
  const std = 0.5;
  const count = 12;
  // Pixels on the 8-bit levels -1 + 2k/255.
  const levels = createRandomSource(3).integers(count * 25, 256);
  const heldOut = tf.tensor4d(Float32Array.from(levels, (k) => -1 + (2 * k) / 255), [count, 5, 5, 1]);

  it("is score_sde's bits/dim of the Gaussian model's closed-form density at the dequantised points, +7 bits", () => {
    const seed = 4;
    const before = tf.memory().numTensors;
    const result = odeNllOf(imageContext(heldOut, seed, { odeNll: true, odeRtol: 1e-6, odePoints: 10 }), gaussianDenoiser(std))!;
    expect(tf.memory().numTensors).toBe(before);
    expect(result).toMatchObject({ points: 10, rtol: 1e-6, atol: 1e-6, divergence: 'hutchinson', probes: 1, dequantised: true });
    // The flow of the Gaussian model carries N(0, (s^2 + sigmaMin^2) I) to N(0, (s^2 + sigmaMax^2) I): the
    // ODE NLL is -log N(x; 0, (s^2 + sigmaMin^2) I) of each dequantised point (the prior's error at sigmaMax ~ 1e-9).
    const dequantised = uniformDequantise(tf.slice(heldOut, 0, 10), createRandomSource(seed).fork('ode-nll-dequantisation'));
    const values = dequantised.dataSync();
    dequantised.dispose();
    const variance = std * std + result.sigmaMin ** 2;
    const bitsPerDim = (points: ArrayLike<number>): number => {
      let nats = 0;
      for (let row = 0; row < 10; row += 1) {
        let norm = 0;
        for (let axis = 0; axis < 25; axis += 1) norm += points[row * 25 + axis]! ** 2;
        nats += (12.5 * Math.log(2 * Math.PI * variance) + norm / (2 * variance)) / 10;
      }
      return nats / (25 * Math.LN2) + 7;
    };
    expect(Math.abs(result.value - bitsPerDim(values))).toBeLessThan(1e-5);
    // Not at the 8-bit levels themselves: the dequantisation moves every pixel within its bin.
    expect(Math.abs(result.value - bitsPerDim(heldOut.dataSync()))).toBeGreaterThan(1e-3);
  });

  it('is off with odeNll: false, and the same for every model (seeded dequantisation and probes)', () => {
    expect(odeNllOf(imageContext(heldOut, 0, { odeNll: false }), gaussianDenoiser(std))).toBeUndefined();
    const a = odeNllOf(imageContext(heldOut, 1, { odeNll: true, odePoints: 4 }), gaussianDenoiser(std))!;
    const b = odeNllOf(imageContext(heldOut, 1, { odeNll: true, odePoints: 4 }), gaussianDenoiser(std))!;
    expect(a.value).toBe(b.value);
    expect(a.rtol).toBe(1e-3);
    const other = odeNllOf(imageContext(heldOut, 2, { odeNll: true, odePoints: 4 }), gaussianDenoiser(std))!;
    expect(other.value).not.toBe(a.value);
  });
});
