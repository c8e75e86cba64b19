import type { DiffusersX0Processing } from '@diffusion/schedules';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';

/**
 * The per-sample `s`: torch.quantile(|x0|, ratio) over each sample (linear interpolation between
 * order statistics), clamped to [1, sampleMaxValue] as diffusers' `torch.clamp(s, min=1, max=…)`.
 */
function thresholds(x0: Tensor, ratio: number, maxValue: number): Tensor {
  return tf.tidy(() => {
    const batch = x0.shape[0]!;
    const size = x0.size / batch;
    const descending = tf.topk(tf.abs(tf.reshape(x0, [batch, size])), size).values;
    const position = ratio * (size - 1);
    const low = Math.floor(position);
    const high = Math.min(low + 1, size - 1);
    const weight = position - low;
    // Ascending index k is descending index size - 1 - k.
    const lowValue = tf.slice(descending, [0, size - 1 - low], [batch, 1]);
    const highValue = tf.slice(descending, [0, size - 1 - high], [batch, 1]);
    const quantile = tf.add(lowValue, tf.mul(tf.sub(highValue, lowValue), weight));
    return tf.minimum(tf.maximum(quantile, 1), maxValue);
  });
}

/**
 * Applies a config's clipping to an x0 estimate (batch first): `clip_sample` clamps to
 * ±clip_sample_range; dynamic `thresholding` (Saharia et al. 2022, Imagen sec. 2.3) clamps each
 * sample to ±s and divides by s. Returns a new tensor (a copy when nothing is clipped).
 */
export function processX0(x0: Tensor, processing: DiffusersX0Processing): Tensor {
  if (processing.kind === 'none') return x0.clone();
  if (processing.kind === 'clip') return tf.clipByValue(x0, -processing.range, processing.range);
  return tf.tidy(() => {
    const s = tf.reshape(thresholds(x0, processing.ratio, processing.maxValue), [x0.shape[0]!, ...x0.shape.slice(1).map(() => 1)]);
    return tf.div(tf.minimum(tf.maximum(x0, tf.neg(s)), s), s);
  });
}
