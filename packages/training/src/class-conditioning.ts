import { DiffusionError, checkClassLabels, checkInRange, checkPositiveInteger, invalidOption, type Backbone, type RandomSource } from '@diffusion/core';
import { Tensor } from '@tensorflow/tfjs-core';

/** Class conditioning of a trainer: K classes, the null class K, and the label dropout of classifier-free guidance. */
export interface ClassConditioning {
  /** Number of classes K; the label K is the null class. */
  readonly numClasses: number;
  /** Probability of replacing a label by the null class in training (Ho & Salimans 2022, Algorithm 1's `p_uncond`). */
  readonly pUncond: number;
}

/**
 * The trainer's class conditioning: K from the backbone's `numClasses` (or the trainer's own
 * `numClasses` option, for a backbone that takes labels without declaring it), `pUncond` default 0.1.
 * Undefined for an unconditional backbone; `pUncond` or `numClasses` given to one is an error.
 */
export function resolveClassConditioning(backbone: Backbone, numClasses: unknown, pUncond: unknown): ClassConditioning | undefined {
  const declared = backbone.numClasses;
  if (declared !== undefined) checkPositiveInteger('createTrainer.backbone.numClasses', declared);
  if (numClasses !== undefined) {
    checkPositiveInteger('createTrainer.numClasses', numClasses);
    if (declared !== undefined && declared !== numClasses) throw invalidOption('createTrainer.numClasses', numClasses, `the backbone's numClasses (${declared}) or no value`);
  }
  const classes = declared ?? (numClasses as number | undefined);
  if (classes === undefined) {
    if (pUncond !== undefined) throw invalidOption('createTrainer.pUncond', pUncond, `no value: the ${backbone.name} backbone takes no class labels (build it with numClasses)`, 'invalid-argument');
    return undefined;
  }
  return { numClasses: classes, pUncond: checkInRange('createTrainer.pUncond', pUncond ?? 0.1, 0, 1, '[)') };
}

/** A batch as the trainer takes it: the examples, and their labels when the model is class-conditional. */
export interface LabelledInput {
  readonly x: unknown;
  readonly labels: unknown;
}

/** Reads and checks a batch's labels: `batch` integers in `[0, K)` (a tensor or an array). */
export function readLabels(field: string, labels: unknown, batch: number, conditioning: ClassConditioning | undefined): Int32Array | undefined {
  if (conditioning === undefined) {
    if (labels !== undefined) throw invalidOption(field, labels instanceof Tensor ? `a tensor of shape [${labels.shape.join(', ')}]` : labels, 'no labels: the backbone is not class-conditional (build it with numClasses)', 'invalid-argument');
    return undefined;
  }
  if (labels === undefined) throw invalidOption(field, undefined, `${batch} class labels in [0, ${conditioning.numClasses}) (the backbone is class-conditional)`, 'invalid-argument');
  if (labels instanceof Tensor && labels.rank !== 1) {
    throw new DiffusionError('shape-mismatch', `${field}: got labels of shape [${labels.shape.join(', ')}]; expected [${batch}].`, { field, value: labels.shape, allowed: `shape [${batch}]` });
  }
  const values = checkClassLabels(field, labels instanceof Tensor ? labels.dataSync() : labels, conditioning.numClasses);
  if (values.length !== batch) throw invalidOption(field, values.length, `${batch} labels (one per example)`, 'shape-mismatch');
  return values;
}

/**
 * Label dropout for classifier-free guidance (Ho & Salimans 2022, Algorithm 1): each label becomes
 * the null class K with probability `pUncond`, from the trainer's own seeded stream (one uniform per
 * example, drawn even when `pUncond` is 0, so the stream's position depends only on the step).
 */
export function dropLabels(labels: Int32Array, conditioning: ClassConditioning, random: RandomSource): Int32Array {
  const uniforms = random.uniforms(labels.length);
  return labels.map((label, index) => (uniforms[index]! < conditioning.pUncond ? conditioning.numClasses : label));
}
