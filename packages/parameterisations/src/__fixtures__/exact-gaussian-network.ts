import type { Parameterisation, Schedule } from '@diffusion/core';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { expect } from 'vitest';
import { createDenoiser } from '../denoiser';
import { edmCoefficients } from '../edm-coefficients';

/** Data x0 ~ N(mean, spread^2 I): its denoiser is known in closed form. */
export interface GaussianData {
  readonly mean: number;
  readonly spread: number;
}

/** E[x0 | x_t = alpha x0 + sigma n] for Gaussian data. */
export function exactGaussianX0(data: GaussianData, xt: number, alpha: number, sigma: number): number {
  return data.mean + ((alpha * data.spread ** 2) / (alpha ** 2 * data.spread ** 2 + sigma ** 2)) * (xt - alpha * data.mean);
}

/**
 * A network that recovers its level from the time input alone (through `levelOfTime`) and returns
 * the exact output of the named parameterisation, written out here independently of the implementation.
 */
export function exactGaussianNetwork(data: GaussianData, name: string, levelOfTime: (t: number) => { alpha: number; sigma: number }) {
  return (input: Tensor, time: Tensor) => {
    const timeValue = time.dataSync()[0]!;
    const values = Array.from(input.dataSync());
    if (name === 'edm') {
      const sigmaVe = Math.exp(4 * timeValue);
      const { cSkip, cOut, cIn } = edmCoefficients(sigmaVe, 0.5);
      return tf.tensor(values.map((value) => (exactGaussianX0(data, value / cIn, 1, sigmaVe) - (cSkip * value) / cIn) / cOut), input.shape);
    }
    const { alpha, sigma } = levelOfTime(timeValue);
    return tf.tensor(
      values.map((xt) => {
        const x0 = exactGaussianX0(data, xt, alpha, sigma);
        const eps = (xt - alpha * x0) / sigma;
        const outputs: Record<string, number> = { x0, eps, v: (alpha * eps - sigma * x0) / Math.hypot(alpha, sigma), score: -eps / sigma, flow: eps - x0 };
        return outputs[name]!;
      }),
      input.shape,
    );
  };
}

/**
 * Property: `createDenoiser` over the exact network gives the exact VE denoiser for every
 * parameterisation, within 1e-5 (1 + |x|), and leaks no tensor.
 */
export function checkExactDenoising(options: {
  data: GaussianData;
  schedule: Schedule;
  levelOfTime: (t: number) => { alpha: number; sigma: number };
  parameterisations: readonly Parameterisation[];
  sigmas: fc.Arbitrary<number>;
  shape: [number, number];
  numRuns: number;
}): void {
  const { data, schedule, levelOfTime, parameterisations, sigmas, shape, numRuns } = options;
  const before = tf.memory().numTensors;
  fc.assert(
    fc.property(sigmas, fc.integer({ min: 0, max: 1e6 }), (sigma, seed) =>
      parameterisations.every((parameterisation) => {
        const denoise = createDenoiser({ network: exactGaussianNetwork(data, parameterisation.name, levelOfTime), parameterisation, schedule });
        const x = tf.randomNormal(shape, data.mean, Math.sqrt(data.spread ** 2 + sigma ** 2), 'float32', seed);
        const denoised = denoise(x, sigma);
        const inputs = x.dataSync();
        const ok = Array.from(denoised.dataSync()).every((value, index) => Math.abs(value - exactGaussianX0(data, inputs[index]!, 1, sigma)) < 1e-5 * (1 + Math.abs(inputs[index]!)));
        tf.dispose([x, denoised]);
        return ok;
      }),
    ),
    { numRuns },
  );
  expect(tf.memory().numTensors).toBe(before);
}
