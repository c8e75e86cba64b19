import { checkNonNegative, checkOptions, invalidOption, toDerivative } from '@diffusion/core';
import { add, mul } from '@tensorflow/tfjs-core';
import { addNoise } from './ancestral-step';
import { defineSampler } from '@diffusion/sampler-kit';
import type { BuiltinSampler } from './builtin-samplers';

/** Options of {@link createHeunSampler} (Karras et al. 2022, Alg. 2). */
export interface HeunSamplerOptions {
  /** Total churn `S_churn` spread over the run; 0 (default) is the deterministic Heun. */
  readonly sChurn?: number;
  /** Churn only for sigma >= `sTmin`; default 0. */
  readonly sTmin?: number;
  /** Churn only for sigma <= `sTmax`; default Infinity (`null` also means Infinity: how `options` stores it, as JSON has no Infinity). */
  readonly sTmax?: number | null;
  /** Noise scale `S_noise` of the churn; default 1. */
  readonly sNoise?: number;
}

/**
 * Heun's second-order sampler with optional churn, Karras et al. (2022) Alg. 2: Euler
 * predictor, trapezoidal corrector, and a plain Euler step into sigma 0; 2 steps − 1 calls.
 */
export function createHeunSampler(options?: HeunSamplerOptions): BuiltinSampler {
  const given = checkOptions('createHeunSampler', options, ['sChurn', 'sTmin', 'sTmax', 'sNoise']);
  const sChurn = checkNonNegative('createHeunSampler.sChurn', given.sChurn ?? 0);
  const sTmin = checkNonNegative('createHeunSampler.sTmin', given.sTmin ?? 0);
  const sTmax = given.sTmax ?? Number.POSITIVE_INFINITY;
  if (typeof sTmax !== 'number' || Number.isNaN(sTmax) || sTmax < sTmin) throw invalidOption('createHeunSampler.sTmax', sTmax, `a number >= sTmin (${sTmin}), or Infinity`);
  const sNoise = checkNonNegative('createHeunSampler.sNoise', given.sNoise ?? 1);
  const stochastic = sChurn > 0 && sNoise > 0;
  return defineSampler({
    name: 'heun',
    options: { sChurn, sTmin, sTmax: Number.isFinite(sTmax) ? sTmax : null, sNoise },
    stochastic,
    order: sChurn === 0 ? 2 : undefined,
    evaluationsPerStep: 2,
    // The last step into sigma 0 is a plain Euler step.
    evaluations: (steps) => Math.max(0, 2 * steps - 1),
    step(x, { sigma, sigmaNext, steps, denoise, randomNormal }) {
      const gamma = sigma >= sTmin && sigma <= sTmax ? Math.min(sChurn / steps, Math.SQRT2 - 1) : 0;
      const sigmaHat = sigma * (1 + gamma);
      const xHat = addNoise(x, sNoise * Math.sqrt(sigmaHat * sigmaHat - sigma * sigma), randomNormal);
      const denoised = denoise(xHat, sigmaHat);
      const derivative = toDerivative(xHat, denoised, sigmaHat);
      const euler = add(xHat, mul(derivative, sigmaNext - sigmaHat));
      if (sigmaNext === 0) return { x: euler, denoised };
      const derivativeNext = toDerivative(euler, denoise(euler, sigmaNext), sigmaNext);
      return { x: add(xHat, mul(add(derivative, derivativeNext), (sigmaNext - sigmaHat) / 2)), denoised };
    },
  });
}
