import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import type { SpecificationVersion } from './schedule';

/**
 * A denoiser network F_theta with one set of weights shared across all times.
 * `apply(x, noiseLevel)` takes the (scaled) noisy input, shape `[batch, …sampleShape]`, and the
 * network's time input `[batch]` (the parameterisation's `c_noise`), and returns `[batch, …sampleShape]`.
 */
export interface Backbone {
  /** Stable kebab-case name, e.g. `'mlp'`. */
  readonly name: string;
  /** Contract version. */
  readonly specificationVersion: SpecificationVersion;
  /** JSON-serialisable configuration the backbone was built from. */
  readonly config: Readonly<Record<string, unknown>>;
  /** Shape of one sample, without the batch axis. */
  readonly sampleShape: readonly number[];
  /** Number of trainable scalars. */
  readonly parameterCount: number;
  /**
   * Number of class labels K of a class-conditional network: `condition` is then int32 labels
   * `[batch]` in `0 … K`, where `K` is the null class of classifier-free guidance (an extra
   * embedding index, as in DiT and diffusers' `num_class_embeds`). Absent: no class condition.
   */
  readonly numClasses?: number;
  /** Forward pass; the caller owns the result. Differentiable w.r.t. `variables()`. */
  apply(x: Tensor, noiseLevel: Tensor, condition?: Tensor): Tensor;
  /** The trainable variables, by stable name. */
  variables(): ReadonlyMap<string, Variable>;
  /** Frees every variable. */
  dispose(): void;
}
