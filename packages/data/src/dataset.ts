import { checkNonNegativeInteger, type RandomSource } from '@diffusion/core';
import { tensor1d, tensor2d, type Tensor } from '@tensorflow/tfjs-core';

/** Points with a class label each (row-major `count x dimension` float64, and `count` labels). */
export interface LabelledPoints {
  /** Row-major `count x dimension`. */
  readonly points: Float64Array;
  /** Class of each row, `0 … numClasses - 1`. */
  readonly labels: Int32Array;
}

/** A labelled batch as tensors; the caller owns both. */
export interface LabelledBatch {
  /** Float32 points `[count, ...shape]`. */
  readonly x: Tensor;
  /** Int32 labels `[count]`, `0 … numClasses - 1`. */
  readonly labels: Tensor;
}

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
  /** Number of classes K when every point carries a class label (`0 … K - 1`); absent for unlabelled data. */
  readonly numClasses?: number;
  /** A name per class, `numClasses` of them (e.g. `'7'`, `'upper moon'`). */
  readonly classNames?: readonly string[];
  /** `count` points with their labels: the same points `sampleArray` draws from the same stream state. */
  sampleLabelledArray?(count: number, random: RandomSource): LabelledPoints;
  /** `count` labelled points as tensors (float32 `[count, ...shape]`, int32 `[count]`); the same points as `sample`. */
  sampleLabelled?(count: number, random: RandomSource): LabelledBatch;
}

/** A dataset whose points carry class labels. */
export type LabelledDataset<Options = unknown> = Dataset<Options> & Required<Pick<Dataset<Options>, 'numClasses' | 'classNames' | 'sampleLabelledArray' | 'sampleLabelled'>>;

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

/** Builds a labelled {@link Dataset} from a float64 sampler of points and labels (one draw gives both). */
export function createLabelledDataset<Options>(
  name: string,
  dimension: number,
  options: Options,
  classNames: readonly string[],
  draw: (count: number, random: RandomSource) => LabelledPoints,
): LabelledDataset<Options> {
  const sampleLabelledArray = (count: number, random: RandomSource): LabelledPoints => draw(checkNonNegativeInteger(`${name}.sampleLabelledArray.count`, count), random);
  return {
    ...createDataset(name, dimension, options, (count, random) => draw(count, random).points),
    numClasses: classNames.length,
    classNames: [...classNames],
    sampleLabelledArray,
    sampleLabelled(count, random) {
      const { points, labels } = sampleLabelledArray(count, random);
      return { x: tensor2d(Float32Array.from(points), [count, dimension], 'float32'), labels: tensor1d(labels, 'int32') };
    },
  };
}
