import type { Tensor } from '@tensorflow/tfjs-core';
import type { Picture } from '../setup';
import type { GuidedQuality } from './guidance-results';

/** How a setup with class labels measures samples drawn for requested labels (`--guidance`). */
export interface ClassEvaluation {
  /** Number of classes K of the data (the model's null class is K). */
  readonly numClasses: number;
  /** Measures samples `[n, …sampleShape]` drawn for `labels[i]` in `[0, K)`; the caller keeps the samples. */
  evaluate(samples: Tensor, labels: Int32Array): GuidedQuality;
  /** Images: up to `perClass` samples of each class, one row per class (the report's grid). */
  classPicture?(samples: Tensor, labels: Int32Array, perClass: number): Picture;
}

/** Balanced requested labels: sample i asks for class `i mod K`. */
export function balancedLabels(count: number, numClasses: number): Int32Array {
  return Int32Array.from({ length: count }, (_, index) => index % numClasses);
}

/** The rows of each class, in order: `rows[k]` lists the samples that asked for class k. */
export function rowsByClass(labels: Int32Array, numClasses: number): number[][] {
  const rows = Array.from({ length: numClasses }, () => [] as number[]);
  labels.forEach((label, row) => rows[label]!.push(row));
  return rows;
}
