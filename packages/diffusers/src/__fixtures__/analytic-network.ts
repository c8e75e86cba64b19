import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';

// The analytic network of the loop vectors, the same function as
// scripts/diffusers-reference/analytic.py: exact estimates of Gaussian data N(0, 1) per element
// under a continuous VP-linear schedule (or the rectified flow), plus small sin(3x) terms.

function alphaBar(timestep: number): number {
  const tau = Math.max((timestep + 1) / 1000, 1e-4);
  return Math.exp(-(0.1 * tau + 0.5 * (20.0 - 0.1) * tau * tau));
}

/** The VP network for a prediction type; `learned` appends variance channels 0.25 (tanh x + 1) on the last (channel) axis. */
export function vpAnalyticNetwork(predictionType: string, learned = false): (x: Tensor, timestep: number) => Tensor {
  return (x, timestep) =>
    tf.tidy(() => {
      const ab = alphaBar(timestep);
      const a = Math.sqrt(ab);
      const s = Math.sqrt(1 - ab);
      const variance = ab + s * s;
      const eps = tf.add(tf.mul(x, s / variance), tf.mul(tf.sin(tf.mul(x, 3)), 0.05 * s));
      const x0 = tf.mul(x, a / variance);
      const out = predictionType === 'epsilon' ? eps : predictionType === 'sample' ? x0 : tf.sub(tf.mul(eps, a), tf.mul(x0, s));
      return learned ? tf.concat([out, tf.mul(tf.add(tf.tanh(x), 1), 0.25)], x.rank - 1) : out;
    });
}

/** The rectified-flow network: the velocity noise - x0 of Gaussian data at s = timestep / 1000. */
export function flowAnalyticNetwork(x: Tensor, timestep: number): Tensor {
  return tf.tidy(() => {
    const s = Math.min(Math.max(timestep / 1000, 0), 1);
    const variance = (1 - s) ** 2 + s * s;
    return tf.add(tf.mul(x, (s - (1 - s)) / variance), tf.mul(tf.sin(tf.mul(x, 3)), 0.05 * s));
  });
}

/** NCHW data (row-major, as torch) as an NHWC tensor. */
export function nhwcFromNchw(values: readonly number[], shape: readonly number[]): Tensor {
  return tf.tidy(() => tf.transpose(tf.tensor(values, [...shape], 'float32'), [0, 2, 3, 1]));
}

/** An NHWC tensor as NCHW values (row-major). */
export function nchwValues(tensor: Tensor): Float32Array {
  return tf.tidy(() => tf.transpose(tensor, [0, 3, 1, 2]).dataSync() as Float32Array);
}
