import { checkNonNegative, checkOneOf, checkOptions } from '@diffusion/core';
import { add, mul, sub, type Tensor } from '@tensorflow/tfjs-core';
import { addNoise, checkNoiseSource } from './ancestral-step';
import { defineSampler } from '@diffusion/sampler-kit';
import type { BuiltinSampler } from './builtin-samplers';

/** Options of {@link createDpmpp2mSdeSampler}. */
export interface Dpmpp2mSdeSamplerOptions {
  /** Stochasticity: 0 is the ODE (DPM-Solver++ 2M), 1 (default) the reverse SDE. */
  readonly eta?: number;
  /** Extra factor on the injected noise; default 1. */
  readonly sNoise?: number;
  /** Second-order correction: `'midpoint'` (default) or `'heun'`. */
  readonly solverType?: 'midpoint' | 'heun';
  /**
   * Default noise when the caller injects none: `'brownian-tree'` (default; k-diffusion's
   * `BrownianTreeNoiseSampler`, so one seed gives converging samples as steps grow) or
   * `'independent'` (fresh normals from core's seeded stream each step).
   */
  readonly noiseSource?: 'brownian-tree' | 'independent';
}

/**
 * DPM-Solver++(2M) SDE, k-diffusion `sample_dpmpp_2m_sde` (Lu et al. 2022b, SDE variant): with
 * `h = log(sigma/sigmaNext)` and `H = (1 + eta) h`,
 * `x_next = (sigmaNext/sigma) e^{−eta h} x − expm1(−H) D + c (D − D_prev)/r + sigmaNext sqrt(−expm1(−2 eta h)) z`,
 * `c = −expm1(−H)/2` (midpoint) or `expm1(−H)/H + 1` (heun). The noise is a Brownian tree's by default, as in k-diffusion.
 */
export function createDpmpp2mSdeSampler(options?: Dpmpp2mSdeSamplerOptions): BuiltinSampler {
  const given = checkOptions('createDpmpp2mSdeSampler', options, ['eta', 'sNoise', 'solverType', 'noiseSource']);
  const eta = checkNonNegative('createDpmpp2mSdeSampler.eta', given.eta ?? 1);
  const sNoise = checkNonNegative('createDpmpp2mSdeSampler.sNoise', given.sNoise ?? 1);
  const solverType = checkOneOf('createDpmpp2mSdeSampler.solverType', given.solverType ?? 'midpoint', ['midpoint', 'heun']);
  const noiseSource = checkNoiseSource('createDpmpp2mSdeSampler.noiseSource', given.noiseSource);
  return defineSampler({
    name: 'dpmpp-2m-sde',
    options: { eta, sNoise, solverType, noiseSource },
    noiseSource,
    stochastic: eta > 0 && sNoise > 0,
    order: eta === 0 ? 2 : undefined,
    state: (): { previous?: Tensor } => ({}),
    step(x, { index, sigma, sigmaNext, sigmas, denoise, randomNormal }, state) {
      const denoised = denoise(x, sigma);
      const { previous } = state;
      state.previous = denoised;
      if (sigmaNext === 0) return { x: denoised, denoised };
      const h = Math.log(sigma / sigmaNext);
      const hEta = (1 + eta) * h;
      let next = sub(mul(x, (sigmaNext / sigma) * Math.exp(-eta * h)), mul(denoised, Math.expm1(-hEta)));
      if (previous !== undefined) {
        const r = Math.log(sigmas[index - 1]! / sigma) / h;
        const weight = solverType === 'midpoint' ? -Math.expm1(-hEta) / 2 : Math.expm1(-hEta) / hEta + 1;
        next = add(next, mul(sub(denoised, previous), weight / r));
      }
      return { x: addNoise(next, sigmaNext * Math.sqrt(-Math.expm1(-2 * eta * h)) * sNoise, randomNormal), denoised };
    },
  });
}
