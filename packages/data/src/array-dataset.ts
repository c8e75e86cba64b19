import { checkNonNegativeInteger, invalidOption, type RandomSource } from '@diffusion/core';
import { tensor, tensor1d } from '@tensorflow/tfjs-core';
import type { Dataset, LabelledBatch } from './dataset';

/** Options of {@link createArrayDataset}. */
export interface ArrayDatasetOptions {
  /** Stable name of the dataset (e.g. the file it came from). */
  readonly name: string;
  /** Every example, row-major `[count, …shape]`, already normalised. */
  readonly values: Float32Array;
  /** Shape of one example: `[dimension]` for points, `[height, width, channels]` for images. */
  readonly shape: readonly number[];
  /** Class of each example, integers in `[0, numClasses)`. */
  readonly labels?: Int32Array;
  /** Flip each drawn image left-right with probability 1/2 (images `[h, w, c]` only). */
  readonly horizontalFlip?: boolean;
}

/** A {@link Dataset} over a fixed array of examples (a file the user gave), drawn with replacement. */
export interface ArrayDataset extends Dataset<{ readonly name: string; readonly count: number; readonly horizontalFlip: boolean }> {
  /** Number of stored examples. */
  readonly count: number;
  /** Classes of the stored examples, when labelled. */
  readonly labels?: Int32Array;
  /** `count` examples with their classes (labelled datasets only), drawn as `sample` draws them. */
  sampleBatch(count: number, random: RandomSource): LabelledBatch;
}

/**
 * A dataset over stored examples: each draw picks `count` rows uniformly with replacement from
 * `random` (then, with `horizontalFlip`, one more uniform per row decides its flip), so a trainer
 * that draws from its own seeded stream sees the same batches after an exact resume.
 */
export function createArrayDataset(options: ArrayDatasetOptions): ArrayDataset {
  const { name, values, shape, labels } = options;
  const dimension = shape.reduce((product, size) => product * size, 1);
  const count = values.length / dimension;
  if (!(values instanceof Float32Array) || !Number.isInteger(count) || count < 1) throw invalidOption('createArrayDataset.values', values?.length, `a non-empty Float32Array of whole examples of shape [${shape.join(', ')}]`);
  if (labels !== undefined && labels.length !== count) throw invalidOption('createArrayDataset.labels', labels.length, `${count} labels, one per example`);
  const flip = options.horizontalFlip === true;
  if (flip && shape.length !== 3) throw invalidOption('createArrayDataset.horizontalFlip', true, 'images of shape [height, width, channels]');
  const [height = 1, width = 1, channels = 1] = shape;
  const draw = (total: number, random: RandomSource): { rows: Float64Array; data: Float32Array } => {
    const rows = random.integers(checkNonNegativeInteger(`${name}.sample.count`, total), count);
    const flips = flip ? random.uniforms(total) : undefined;
    const data = new Float32Array(total * dimension);
    rows.forEach((row, index) => {
      const source = values.subarray(row * dimension, (row + 1) * dimension);
      if (flips === undefined || flips[index]! >= 0.5) {
        data.set(source, index * dimension);
        return;
      }
      for (let y = 0; y < height; y += 1) {
        for (let x = 0; x < width; x += 1) {
          const from = (y * width + x) * channels;
          const to = index * dimension + (y * width + (width - 1 - x)) * channels;
          for (let channel = 0; channel < channels; channel += 1) data[to + channel] = source[from + channel]!;
        }
      }
    });
    return { rows, data };
  };
  return {
    name,
    dimension,
    shape: [...shape],
    options: { name, count, horizontalFlip: flip },
    count,
    ...(labels === undefined ? {} : { labels }),
    sampleArray: (total, random) => Float64Array.from(draw(total, random).data),
    sample: (total, random) => tensor(draw(total, random).data, [total, ...shape], 'float32'),
    sampleBatch,
    // Labelled: the Dataset's label interface too (classes 0 … the largest label).
    ...(labels === undefined
      ? {}
      : {
          numClasses: numClasses(labels),
          classNames: Array.from({ length: numClasses(labels) }, (_, label) => String(label)),
          sampleLabelled: sampleBatch,
          sampleLabelledArray(total: number, random: RandomSource) {
            const { rows, data } = draw(total, random);
            return { points: Float64Array.from(data), labels: Int32Array.from(rows, (row) => labels[row]!) };
          },
        }),
  };

  function sampleBatch(total: number, random: RandomSource): LabelledBatch {
    if (labels === undefined) throw invalidOption(`${name}.sampleBatch`, 'an unlabelled dataset', 'a dataset with labels');
    const { rows, data } = draw(total, random);
    return { x: tensor(data, [total, ...shape], 'float32'), labels: tensor1d(Int32Array.from(rows, (row) => labels[row]!), 'int32') };
  }
}

function numClasses(labels: Int32Array): number {
  let largest = 0;
  for (const label of labels) largest = Math.max(largest, label);
  return largest + 1;
}
