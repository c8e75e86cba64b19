import { invalidOption } from '@diffusion/core';

/**
 * Checks a guidance scale `w` in diffusers' `guidance_scale` convention: a finite number >= 0,
 * where 1 is the conditional denoiser alone and 0 the unconditional one.
 */
export function checkGuidanceScale(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw invalidOption(field, value, 'a finite guidance scale >= 0 (diffusers\' guidance_scale: 1 = the conditional denoiser alone, 0 = the unconditional one)');
  }
  return value;
}
