import { DiffusionError } from '@diffusion/core';

/**
 * Largest gradient norm an Adam step accepts: 2^64 = sqrt(float32 max). Below it every gradient
 * entry's square is finite in float32, so the second moment v = beta2 v + (1 - beta2) g^2 stays
 * finite, and with it the whole update (|Delta w| <~ learning rate, Kingma & Ba 2015, section 2.1).
 * At or above it a square can overflow to Infinity: v would hold Infinity and the checkpoint with it.
 */
export const maximumGradientNorm = 2 ** 64;

/** The error of a step refused because its (clipped) gradient would overflow Adam's second moment. */
export function momentOverflowError(step: number, gradNorm: number, gradientScale: number, loss: number): DiffusionError {
  const applied = gradNorm * gradientScale;
  return new DiffusionError(
    'non-finite',
    `training: step ${step} has gradient norm ${applied.toExponential(3)} (loss ${loss.toExponential(3)}), at or above 2^64 = sqrt(float32 max): squared gradient entries would overflow, leaving Infinity in Adam's second moments and in the next checkpoint. The weights were not updated; the training has diverged (lower the learning rate, or set gradientClipNorm).`,
    { field: 'gradNorm', value: { step, gradNorm, gradientScale, loss }, allowed: `a gradient norm below ${maximumGradientNorm} after clipping` },
  );
}

/** Throws unless every value of a tensor about to be saved is finite: a checkpoint must be resumable. */
export function checkSavable(key: string, values: Float32Array, completedSteps: number): void {
  let bad = 0;
  let first = -1;
  for (let index = 0; index < values.length; index += 1) {
    if (Number.isFinite(values[index]!)) continue;
    bad += 1;
    if (first < 0) first = index;
  }
  if (bad === 0) return;
  throw new DiffusionError(
    'non-finite',
    `saveCheckpoint: tensor "${key}" holds ${bad} of ${values.length} NaN or ±Infinity values after step ${completedSteps} (the first ${values[first]} at index ${first}); nothing was written, the last good checkpoint is kept. Load it (loadCheckpoint) to continue.`,
    { field: `checkpoint.${key}`, value: { step: completedSteps, count: bad, index: first }, allowed: 'finite values' },
  );
}
