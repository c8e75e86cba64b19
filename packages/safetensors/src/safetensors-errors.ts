import { DiffusionError } from '@diffusion/core/errors';

/**
 * The error of a damaged or unreadable safetensors file: code `'checkpoint'`, `field`
 * `"<file>: <place>"` (for example `unet/diffusion_pytorch_model.safetensors: "conv_in.weight".data_offsets`).
 */
export function safetensorsError(file: string, place: string, reason: string, value?: unknown, cause?: unknown): DiffusionError {
  return new DiffusionError('checkpoint', `${file}: ${reason}.`, {
    field: `${file}: ${place}`,
    value,
    allowed: 'a complete safetensors file',
    ...(cause === undefined ? {} : { cause }),
  });
}
