import { checkInRange, checkNonNegative, checkOptions } from '@diffusion/core';
import { mul, sub } from '@tensorflow/tfjs-core';
import { addNoise, ancestralSigmas, eulerMove, checkNoiseSource } from './ancestral-step';
import { defineSampler } from '@diffusion/sampler-kit';
import type { BuiltinSampler } from './builtin-samplers';

/** Options of {@link createDpmpp2sAncestralSampler}. */
export interface Dpmpp2sAncestralSamplerOptions {
  /**
   * Scale of the ancestral noise relative to the posterior's, in [0, 1]: 0 is DPM-Solver++(2S), 1
   * (default) the DDPM-like posterior noise. Above 1 the noise would be capped at `sigmaNext` and
   * the step turn into a one-call Euler step to sigma 0 mid-ladder, so it is refused.
   */
  readonly eta?: number;
  /** Extra factor on the injected noise (k-diffusion `s_noise`); default 1. */
  readonly sNoise?: number;
  /**
   * Default noise when the caller injects none: `'brownian-tree'` (default; k-diffusion's
   * `BrownianTreeNoiseSampler`, so one seed gives converging samples as steps grow) or
   * `'independent'` (fresh normals from core's seeded stream each step).
   */
  readonly noiseSource?: 'brownian-tree' | 'independent';
}

/**
 * Ancestral DPM-Solver++(2S), k-diffusion `sample_dpmpp_2s_ancestral`: Lu et al. (2022b) Alg. 1
 * with `r = 1/2` down to the ancestral `sigmaDown`, in `lambda = −log sigma` with
 * `h = log(sigma/sigmaDown)`: `u = (sigmaS/sigma) x − expm1(−h/2) D(x; sigma)` at
 * `sigmaS = sigma e^{−h/2}`, then `x_down = (sigmaDown/sigma) x − expm1(−h) D(u; sigmaS)`, then fresh
 * noise of standard deviation `sigmaUp`. The last step into sigma 0 is a plain Euler step: 2 steps − 1 calls.
 */
export function createDpmpp2sAncestralSampler(options?: Dpmpp2sAncestralSamplerOptions): BuiltinSampler {
  const given = checkOptions('createDpmpp2sAncestralSampler', options, ['eta', 'sNoise', 'noiseSource']);
  const eta = checkInRange('createDpmpp2sAncestralSampler.eta', given.eta ?? 1, 0, 1);
  const sNoise = checkNonNegative('createDpmpp2sAncestralSampler.sNoise', given.sNoise ?? 1);
  const noiseSource = checkNoiseSource('createDpmpp2sAncestralSampler.noiseSource', given.noiseSource);
  return defineSampler({
    name: 'dpmpp-2s-ancestral',
    options: { eta, sNoise, noiseSource },
    stochastic: eta > 0 && sNoise > 0,
    noiseSource,
    // Without noise (sNoise 0) the deterministic part still stops at sigmaDown: second order only when eta is 0.
    order: eta === 0 ? 2 : undefined,
    evaluationsPerStep: 2,
    // With eta <= 1, sigmaDown is 0 only on the last step into sigma 0, a plain Euler step.
    evaluations: (steps) => Math.max(0, 2 * steps - 1),
    step(x, { sigma, sigmaNext, denoise, randomNormal }) {
      const denoised = denoise(x, sigma);
      const { sigmaDown, sigmaUp } = ancestralSigmas(sigma, sigmaNext, eta);
      if (sigmaDown === 0) return { x: eulerMove(x, denoised, sigma, 0), denoised };
      const h = Math.log(sigma / sigmaDown);
      const sigmaS = sigma * Math.exp(-h / 2);
      const intermediate = sub(mul(x, sigmaS / sigma), mul(denoised, Math.expm1(-h / 2)));
      const next = sub(mul(x, sigmaDown / sigma), mul(denoise(intermediate, sigmaS), Math.expm1(-h)));
      return { x: addNoise(next, sigmaUp * sNoise, randomNormal), denoised };
    },
  });
}
