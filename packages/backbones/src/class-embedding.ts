import { checkClassLabels } from '@diffusion/core';
import { cast, fill, matMul, oneHot, reshape, type Tensor } from '@tensorflow/tfjs-core';
import type { ParameterStore } from './backbone-parameters';

/** A learned table of class vectors with one extra "no class" row for classifier-free guidance. */
export interface ClassEmbedding {
  /** `labels [batch]` (0 … numClasses, numClasses = no class) or undefined (no class) → `[batch, width]`. */
  apply(labels: Tensor | undefined, batch: number): Tensor;
}

/**
 * Class-label embedding, Dhariwal & Nichol (2021) §4 / Ho & Salimans (2022) null label.
 * Read as one-hot · table (not a gather), so its gradient needs no UnsortedSegmentSum kernel,
 * which tfjs-backend-wasm lacks. The labels are read once (a `[batch]` read-back) and checked to lie
 * in `0 … numClasses`: a one-hot of an out-of-range label would silently be the zero vector.
 */
export function createClassEmbedding(store: ParameterStore, name: string, numClasses: number, width: number): ClassEmbedding {
  const table = store.normal(`${name}.weight`, [numClasses + 1, width], 1 / Math.sqrt(width));
  return {
    apply(labels, batch) {
      if (labels !== undefined) checkClassLabels('condition', labels.dataSync(), numClasses, { nullClass: true });
      const indices = labels === undefined ? fill([batch], numClasses, 'int32') : cast(reshape(labels, [batch]), 'int32');
      return matMul(cast(oneHot(indices, numClasses + 1), 'float32'), table);
    },
  };
}
