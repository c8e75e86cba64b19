import { checkOptions } from '@diffusion/core';
import { mul, sub, type Tensor } from '@tensorflow/tfjs-core';
import { defineSampler } from '@diffusion/sampler-kit';
import type { BuiltinSampler } from './builtin-samplers';

/** Options of {@link createDpmpp2mSampler} (none yet). */
export type Dpmpp2mSamplerOptions = Record<string, never>;

/**
 * DPM-Solver++(2M), Lu et al. (2022b) Alg. 2 with the midpoint rule, in sigma-space with
 * `h = log(sigma / sigmaNext)`: `x_next = (sigmaNext/sigma) x − expm1(−h) D_mix` with
 * `D_mix = (1 + 1/(2r)) D − D_prev/(2r)`, `r = h_prev/h`. First-order on the first step and into
 * sigma 0 (diffusers' `lower_order_final`, k-diffusion `sample_dpmpp_2m`).
 */
export function createDpmpp2mSampler(options?: Dpmpp2mSamplerOptions): BuiltinSampler {
  checkOptions('createDpmpp2mSampler', options, []);
  return defineSampler({
    name: 'dpmpp-2m',
    options: {},
    stochastic: false,
    order: 2,
    state: (): { previous?: Tensor } => ({}),
    step(x, { index, sigma, sigmaNext, sigmas, denoise }, state) {
      const denoised = denoise(x, sigma);
      const { previous } = state;
      state.previous = denoised;
      if (sigmaNext === 0) return { x: denoised, denoised };
      const h = Math.log(sigma / sigmaNext);
      let mixed = denoised;
      if (previous !== undefined) {
        const r = Math.log(sigmas[index - 1]! / sigma) / h;
        mixed = sub(mul(denoised, 1 + 1 / (2 * r)), mul(previous, 1 / (2 * r)));
      }
      return { x: sub(mul(x, sigmaNext / sigma), mul(mixed, Math.expm1(-h))), denoised };
    },
  });
}

