import { DiffusionError, describeValue } from '@diffusion/core';
import { broadcastTo, reshape, type Tensor } from '@tensorflow/tfjs-core';
import type { Unet2DModelConfig } from './unet2d-config';

function invalid(field: string, value: unknown, allowed: string, code: 'invalid-argument' | 'shape-mismatch' = 'invalid-argument'): DiffusionError {
  return new DiffusionError(code, `diffusers-unet-2d: ${field}: got ${describeValue(value)}; expected ${allowed}.`, { field, value, allowed });
}

/** Checks `x [batch, height, width, in_channels]` (height and width multiples of 2^downsamplings) and returns the batch. */
export function checkSample(x: Tensor, config: Unet2DModelConfig): number {
  const factor = 2 ** (config.down_block_types.length - 1);
  const shape = x?.shape;
  const ok = Array.isArray(shape) && shape.length === 4 && shape[0]! >= 1 && shape[3] === config.in_channels && shape[1]! % factor === 0 && shape[2]! % factor === 0 && shape[1]! > 0 && shape[2]! > 0;
  if (!ok) throw invalid('x', shape, `an NHWC tensor [batch, height, width, ${config.in_channels}] with height and width multiples of ${factor} (the model's sample_size is [${config.sample_size.join(', ')}])`, 'shape-mismatch');
  return shape[0]!;
}

/** diffusers' own timestep values, `[batch]`, `[1]` or a scalar (broadcast to the batch, as diffusers does). */
export function broadcastTimesteps(noiseLevel: Tensor, batch: number): Tensor {
  const shape = noiseLevel?.shape;
  if (!Array.isArray(shape) || !(shape.length === 0 || (shape.length === 1 && (shape[0] === batch || shape[0] === 1)))) {
    throw invalid('noiseLevel', shape, `diffusers timesteps of shape [${batch}], [1] or [] (a scalar)`, 'shape-mismatch');
  }
  return shape.length === 1 && shape[0] === batch ? noiseLevel : broadcastTo(reshape(noiseLevel, [1]), [batch]);
}

/** Checks the class labels: `[batch]` integers in [0, num_class_embeds), required exactly when the model is class-conditional. */
export function checkClassLabels(condition: Tensor | undefined, batch: number, config: Unet2DModelConfig): void {
  const classes = config.num_class_embeds;
  if (classes === null) {
    if (condition !== undefined) throw invalid('condition', condition.shape, 'undefined: this UNet2DModel has no class embedding (num_class_embeds is null)');
    return;
  }
  if (condition === undefined) throw invalid('condition', condition, `int32 class labels [${batch}] in [0, ${classes}) (num_class_embeds is ${classes}; diffusers requires class_labels)`);
  if (condition.shape.length !== 1 || condition.shape[0] !== batch) throw invalid('condition', condition.shape, `class labels of shape [${batch}]`, 'shape-mismatch');
  const labels = condition.dataSync();
  labels.forEach((label, index) => {
    if (!Number.isInteger(label) || label < 0 || label >= classes) throw invalid(`condition[${index}]`, label, `an integer class label in [0, ${classes}) (num_class_embeds is ${classes})`);
  });
}
