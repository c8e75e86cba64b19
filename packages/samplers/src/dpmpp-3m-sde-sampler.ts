import { checkNonNegative, checkOptions } from '@diffusion/core';
import { add, mul, sub, type Tensor } from '@tensorflow/tfjs-core';
import { addNoise, checkNoiseSource } from './ancestral-step';
import { defineSampler, type SamplerStep } from '@diffusion/sampler-kit';
import type { BuiltinSampler } from './builtin-samplers';

/** Options of {@link createDpmpp3mSdeSampler}. */
export interface Dpmpp3mSdeSamplerOptions {
  /** Stochasticity: 0 is the ODE (DPM-Solver++ 3M), 1 (default) the reverse SDE. */
  readonly eta?: number;
  /** Extra factor on the injected noise; default 1. */
  readonly sNoise?: number;
  /**
   * Default noise when the caller injects none: `'brownian-tree'` (default; k-diffusion's
   * `BrownianTreeNoiseSampler`, so one seed gives converging samples as steps grow) or
   * `'independent'` (fresh normals from core's seeded stream each step).
   */
  readonly noiseSource?: 'brownian-tree' | 'independent';
}

/**
 * One step of DPM-Solver++(3M) with SDE noise `eta`, k-diffusion `sample_dpmpp_3m_sde`; with
 * eta = 0 it is diffusers' `multistep_dpm_solver_third_order_update` (Lu et al. 2022b):
 * `x_next = e^{−H} x − expm1(−H) D + phi2 D1 − phi3 D2`, `H = (1 + eta) h`,
 * `phi2 = expm1(−H)/H + 1`, `phi3 = phi2/H − 1/2`, with D1, D2 divided differences of the
 * last three denoiser outputs in log-sigma; lower orders while the history fills, `x = D` into 0.
 */
export function dpmpp3mStep(eta: number, sNoise: number): SamplerStep<Dpmpp3mState> {
  return (x, { index, sigma, sigmaNext, sigmas, denoise, randomNormal }, state) => {
    const denoised = denoise(x, sigma);
    const { previous, beforePrevious } = state;
    state.beforePrevious = previous;
    state.previous = denoised;
    if (sigmaNext === 0) return { x: denoised, denoised };
    const h = Math.log(sigma / sigmaNext);
    const hEta = (1 + eta) * h;
    let next = sub(mul(x, Math.exp(-hEta)), mul(denoised, Math.expm1(-hEta)));
    const phi2 = Math.expm1(-hEta) / hEta + 1;
    if (previous !== undefined) {
      const r0 = Math.log(sigmas[index - 1]! / sigma) / h;
      const d10 = mul(sub(denoised, previous), 1 / r0);
      if (beforePrevious !== undefined) {
        const r1 = Math.log(sigmas[index - 2]! / sigmas[index - 1]!) / h;
        const d11 = mul(sub(previous, beforePrevious), 1 / r1);
        const d1 = add(d10, mul(sub(d10, d11), r0 / (r0 + r1)));
        const d2 = mul(sub(d10, d11), 1 / (r0 + r1));
        const phi3 = phi2 / hEta - 0.5;
        next = sub(add(next, mul(d1, phi2)), mul(d2, phi3));
      } else {
        next = add(next, mul(d10, phi2));
      }
    }
    return { x: addNoise(next, sigmaNext * Math.sqrt(-Math.expm1(-2 * eta * h)) * sNoise, randomNormal), denoised };
  };
}

/** The history of a DPM-Solver++(3M) run: the last two denoiser outputs. */
export interface Dpmpp3mState {
  previous?: Tensor | undefined;
  beforePrevious?: Tensor | undefined;
}

/** DPM-Solver++(3M) SDE, k-diffusion `sample_dpmpp_3m_sde` (Lu et al. 2022b, third-order multistep with SDE noise). */
export function createDpmpp3mSdeSampler(options?: Dpmpp3mSdeSamplerOptions): BuiltinSampler {
  const given = checkOptions('createDpmpp3mSdeSampler', options, ['eta', 'sNoise', 'noiseSource']);
  const eta = checkNonNegative('createDpmpp3mSdeSampler.eta', given.eta ?? 1);
  const sNoise = checkNonNegative('createDpmpp3mSdeSampler.sNoise', given.sNoise ?? 1);
  const noiseSource = checkNoiseSource('createDpmpp3mSdeSampler.noiseSource', given.noiseSource);
  return defineSampler({
    name: 'dpmpp-3m-sde',
    options: { eta, sNoise, noiseSource },
    noiseSource,
    stochastic: eta > 0 && sNoise > 0,
    order: eta === 0 ? 3 : undefined,
    state: (): Dpmpp3mState => ({}),
    step: dpmpp3mStep(eta, sNoise),
  });
}
