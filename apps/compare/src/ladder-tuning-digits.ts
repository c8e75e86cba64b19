import type { RandomSource } from '@diffusion/core';
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from './config';

const pixels = 28 * 28;

/** The bytes of row `row` of a row-major image array, as a key. */
function rowKey(values: Float32Array, row: number, width: number): string {
  return Buffer.from(values.buffer, values.byteOffset + row * width * 4, width * 4).toString('base64');
}

/**
 * `count` MNIST digits of a split (shuffled by `random`) that are none of the images in
 * `exclude` (compared by content), as a `[count, 28, 28, 1]` tensor the caller owns: ladders are
 * tuned on these, never on the set the samples are measured against.
 */
export function ladderTuningDigits(split: { readonly images: Float32Array; readonly count: number }, exclude: readonly tf.Tensor[], count: number, random: RandomSource): tf.Tensor4D {
  const used = new Set<string>();
  for (const set of exclude) {
    const values = set.dataSync() as Float32Array;
    for (let row = 0; row < set.shape[0]!; row += 1) used.add(rowKey(values, row, pixels));
  }
  // Fisher-Yates over the split's rows, taking unused ones until there are enough.
  const order = Uint32Array.from({ length: split.count }, (_, index) => index);
  const uniforms = random.uniforms(split.count);
  const out = new Float32Array(count * pixels);
  let taken = 0;
  for (let index = 0; index < split.count && taken < count; index += 1) {
    const other = index + Math.floor(uniforms[index]! * (split.count - index));
    [order[index], order[other]] = [order[other]!, order[index]!];
    const row = order[index]!;
    if (used.has(rowKey(split.images, row, pixels))) continue;
    out.set(split.images.subarray(row * pixels, (row + 1) * pixels), taken * pixels);
    taken += 1;
  }
  if (taken < count) throw new ConfigError(`tuningSamples: ${count} tuning digits asked for, but only ${taken} test digits lie outside the held-out and evaluation sets`);
  return tf.tensor4d(out, [count, 28, 28, 1]);
}
