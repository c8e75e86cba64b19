import { DiffusionError, describeValue, type DiffusionErrorCode } from '@diffusion/core';

/**
 * The error of a value a diffusers file holds that we cannot honour: `field` is
 * `"<file>: <key>"` (for example `unet/config.json: down_block_types[2]`), the message names
 * the value and what is allowed.
 */
export function configError(file: string, key: string, value: unknown, allowed: string, code: DiffusionErrorCode = 'invalid-option'): DiffusionError {
  return new DiffusionError(code, `${file}: ${key}: got ${describeValue(value)}; expected ${allowed}.`, { field: `${file}: ${key}`, value, allowed });
}
