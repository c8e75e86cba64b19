import { checkNonNegativeInteger, type RandomSource } from '@diffusion/core';
import { tensor2d, type Tensor } from '@tensorflow/tfjs-core';

/** A seeded sampler of points: the shape every dataset of this package shares. */
export interface Dataset<Options = unknown> {
  /** Stable kebab-case name, e.g. `'two-moons'`. */
  readonly name: string;
  /** Number of coordinates of one point. */
  readonly dimension: number;
  /** Shape of one point as `sample` returns it (e.g. `[2]`, or `[28, 28, 1]` for MNIST); its product is `dimension`. */
  readonly shape: readonly number[];
  /** The JSON-serialisable options the dataset was built from. */
  readonly options: Options;
  /** `count` points as a row-major `count x dimension` float64 array; deterministic for a given random stream. */
  sampleArray(count: number, random: RandomSource): Float64Array;
  /** `count` points as a float32 tensor of shape `[count, ...shape]`; the caller owns it. */
  sample(count: number, random: RandomSource): Tensor;
}

/** Builds a {@link Dataset} from a float64 sampler; `sample` wraps it in a float32 tensor the caller owns. */
export function createDataset<Options>(name: string, dimension: number, options: Options, draw: (count: number, random: RandomSource) => Float64Array): Dataset<Options> {
  const sampleArray = (count: number, random: RandomSource): Float64Array => draw(checkNonNegativeInteger(`${name}.sampleArray.count`, count), random);
  return {
    name,
    dimension,
    shape: [dimension],
    options,
    sampleArray,
    sample: (count, random) => tensor2d(Float32Array.from(sampleArray(count, random)), [count, dimension], 'float32'),
  };
}
