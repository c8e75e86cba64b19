import { checkInRange, checkOptions, checkPositiveInteger, toDerivative } from '@diffusion/core';
import { add, mul, type Tensor } from '@tensorflow/tfjs-core';
import { lmsCoefficients, maximumLmsOrder } from './lms-coefficients';
import { defineSampler } from '@diffusion/sampler-kit';
import type { BuiltinSampler } from './builtin-samplers';

/** Options of {@link createLmsSampler}. */
export interface LmsSamplerOptions {
  /** Number of past derivatives combined (1 is Euler); default 4, at most 16. */
  readonly order?: number;
}

/**
 * Linear multistep sampler (k-diffusion `sample_lms`, diffusers `LMSDiscreteScheduler`): the
 * Adams–Bashforth-type step `x + Σ_j c_j d_{i−j}` in sigma with `d = (x − D)/sigma` and `c_j` the
 * integrals of the Lagrange basis over [sigma_i, sigma_{i+1}]; the order ramps up over the first
 * steps. One denoiser call per step.
 */
export function createLmsSampler(options?: LmsSamplerOptions): BuiltinSampler {
  const given = checkOptions('createLmsSampler', options, ['order']);
  const order = checkInRange('createLmsSampler.order', checkPositiveInteger('createLmsSampler.order', given.order ?? 4), 1, maximumLmsOrder);
  return defineSampler({
    name: 'lms',
    options: { order },
    stochastic: false,
    order,
    // The last `order` derivatives (x − D)/sigma, newest first.
    state: () => ({ derivatives: [] as Tensor[] }),
    step(x, { index, sigma, sigmas, denoise }, state) {
      const denoised = denoise(x, sigma);
      state.derivatives = [toDerivative(x, denoised, sigma), ...state.derivatives.slice(0, order - 1)];
      const coefficients = lmsCoefficients(sigmas, index, state.derivatives.length);
      let next: Tensor = x;
      coefficients.forEach((coefficient, k) => {
        next = add(next, mul(state.derivatives[k]!, coefficient));
      });
      return { x: next, denoised };
    },
  });
}
