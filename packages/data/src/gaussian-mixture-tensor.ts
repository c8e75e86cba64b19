import { DiffusionError } from '@diffusion/core';
import { add, cast, expandDims, mul, neg, oneHot, reshape, softmax, split, square, sub, sum, tensor, tidy, type Tensor } from '@tensorflow/tfjs-core';

/** Per-component terms of a mixture observed as `x = a x0 + b n` (all float64, per component k). */
export interface ObservationTerms {
  readonly dimension: number;
  /** mu_k. */
  readonly means: readonly Float64Array[];
  /** v_k = a^2 s_k^2 + b^2 (diagonal). */
  readonly variance: readonly Float64Array[];
  /** a s_k^2 / v_k (diagonal). */
  readonly gain: readonly Float64Array[];
  /** log w_k - 1/2 sum_d log(2 pi v_kd). */
  readonly logNormaliser: Float64Array;
  /** a mu_k. */
  readonly scaledMeans: readonly Float64Array[];
}

function stack(rows: readonly Float64Array[], dimension: number, map: (value: number) => number = (value) => value): Tensor {
  const flat = new Float32Array(rows.length * dimension);
  rows.forEach((row, k) => row.forEach((value, axis) => (flat[k * dimension + axis] = map(value))));
  return tensor(flat, [1, rows.length, dimension], 'float32');
}

/**
 * The exact mixture posterior mean with tensor ops: responsibilities by a softmax of the log-joint
 * (log-sum-exp stable), mixed per-component Gaussian posterior means. With `labels` (int32, one per
 * row of `x`, already checked to lie in `0 … K`), row i takes component `labels[i]`'s own posterior
 * mean instead, and the label `K` (the null class) the mixture's. Returns a new float32 tensor
 * shaped like `x` that the caller owns; `x` is not disposed.
 */
export function denoiseMixtureTensor(x: Tensor, terms: ObservationTerms, name: string, labels?: Tensor): Tensor {
  const { dimension } = terms;
  if (x.rank < 1 || x.shape[x.rank - 1] !== dimension) {
    throw new DiffusionError('shape-mismatch', `${name}.x: got a tensor of shape [${x.shape.join(', ')}]; expected a last axis of size ${dimension}.`, {
      field: `${name}.x`,
      value: x.shape,
      allowed: `shape [..., ${dimension}]`,
    });
  }
  return tidy(() => {
    const points = expandDims(reshape(cast(x, 'float32'), [-1, dimension]), 1); // [n, 1, d]
    const difference = sub(points, stack(terms.scaledMeans, dimension)); // [n, K, d]
    const halfPrecision = stack(terms.variance, dimension, (value) => 0.5 / value);
    const logits = add(neg(sum(mul(square(difference), halfPrecision), 2)), reshape(tensor(Float32Array.from(terms.logNormaliser)), [1, -1])); // [n, K]
    let weights = softmax(logits); // [n, K]
    if (labels !== undefined) {
      const count = terms.means.length;
      const [picked, none] = split(cast(oneHot(cast(reshape(labels, [-1]), 'int32'), count + 1), 'float32'), [count, 1], 1) as [Tensor, Tensor];
      weights = add(picked, mul(none, weights));
    }
    const responsibilities = expandDims(weights, 2); // [n, K, 1]
    const componentMeans = add(stack(terms.means, dimension), mul(difference, stack(terms.gain, dimension)));
    return reshape(sum(mul(responsibilities, componentMeans), 1), x.shape);
  });
}
