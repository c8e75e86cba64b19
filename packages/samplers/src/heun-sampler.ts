import { checkOptions, toDerivative } from '@diffusion/core';
import { add, mul } from '@tensorflow/tfjs-core';
import { checkChurn, churnStep, type ChurnOptions } from './karras-churn';
import { defineSampler } from '@diffusion/sampler-kit';
import type { BuiltinSampler } from './builtin-samplers';

/** Options of {@link createHeunSampler} (Karras et al. 2022, Alg. 2). */
export type HeunSamplerOptions = ChurnOptions;

/**
 * Heun's second-order sampler with optional churn, Karras et al. (2022) Alg. 2: Euler
 * predictor, trapezoidal corrector, and a plain Euler step into sigma 0; 2 steps − 1 calls.
 */
export function createHeunSampler(options?: HeunSamplerOptions): BuiltinSampler {
  const given = checkOptions('createHeunSampler', options, ['sChurn', 'sTmin', 'sTmax', 'sNoise']);
  const churn = checkChurn('createHeunSampler', given);
  const stochastic = churn.sChurn > 0 && churn.sNoise > 0;
  return defineSampler({
    name: 'heun',
    options: churn.options,
    stochastic,
    order: churn.sChurn === 0 ? 2 : undefined,
    evaluationsPerStep: 2,
    // The last step into sigma 0 is a plain Euler step.
    evaluations: (steps) => Math.max(0, 2 * steps - 1),
    step(x, { sigma, sigmaNext, steps, denoise, randomNormal }) {
      const { xHat, sigmaHat } = churnStep(x, sigma, steps, churn, randomNormal);
      const denoised = denoise(xHat, sigmaHat);
      const derivative = toDerivative(xHat, denoised, sigmaHat);
      const euler = add(xHat, mul(derivative, sigmaNext - sigmaHat));
      if (sigmaNext === 0) return { x: euler, denoised };
      const derivativeNext = toDerivative(euler, denoise(euler, sigmaNext), sigmaNext);
      return { x: add(xHat, mul(add(derivative, derivativeNext), (sigmaNext - sigmaHat) / 2)), denoised };
    },
  });
}
