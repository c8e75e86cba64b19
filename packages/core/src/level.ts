import type { Tensor } from '@tensorflow/tfjs-core';

/**
 * A noise level for a batch: `x_t = alpha x0 + sigma noise`. Scalars apply to the whole batch;
 * tensors must broadcast against the sample (shape `[batch, 1, …]`).
 */
export interface Level {
  /** Signal scale alpha(t). */
  readonly alpha: number | Tensor;
  /** Noise scale sigma(t). */
  readonly sigma: number | Tensor;
}
