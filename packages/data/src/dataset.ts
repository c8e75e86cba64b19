import type { RandomSource } from '@diffusion/core';
import type { Tensor } from '@tensorflow/tfjs-core';

/** A seeded sampler of points: the shape every dataset of this package shares. */
export interface Dataset<Options = unknown> {
  /** Stable kebab-case name, e.g. `'two-moons'`. */
  readonly name: string;
  /** Number of coordinates of one point. */
  readonly dimension: number;
  /** The JSON-serialisable options the dataset was built from. */
  readonly options: Options;
  /** `count` points as a row-major `count x dimension` float64 array; deterministic for a given random stream. */
  sampleArray(count: number, random: RandomSource): Float64Array;
  /** `count` points as a float32 tensor of shape `[count, dimension]`; the caller owns it. */
  sample(count: number, random: RandomSource): Tensor;
}
