import { adamsBashforthWeights, maximumAdamsBashforthOrder } from '@diffusion/sampler-kit';

/** Largest LMS order (that of {@link adamsBashforthWeights}). */
export const maximumLmsOrder = maximumAdamsBashforthOrder;

/**
 * Coefficients of the linear multistep step `sigma_i → sigma_{i+1}` (k-diffusion
 * `linear_multistep_coeff`, diffusers `get_lms_coefficient`): the variable-step Adams–Bashforth
 * weights of `@diffusion/sampler-kit`, entry j for the derivative at sigma_{i−j}.
 */
export function lmsCoefficients(sigmas: ArrayLike<number>, index: number, order: number): Float64Array {
  return adamsBashforthWeights(sigmas, index, order);
}
