import { DiffusionError, checkBoolean, checkClassLabels, checkOptions, checkPositiveInteger, invalidOption, type ConditionalDenoiser, type GuidanceDenoisers } from '@diffusion/core';
import { Tensor, concat, fill, slice, tensor1d, tidy } from '@tensorflow/tfjs-core';

/** Options of {@link createClassGuidanceDenoisers}. */
export interface ClassGuidanceDenoisersOptions {
  /** The requested class of each sample, integers in `[0, numClasses)` (an int32 tensor `[batch]` or an array). */
  readonly labels: ArrayLike<number> | Tensor;
  /** Number of classes K of the model; the label K is its null class. */
  readonly numClasses: number;
  /** Compute `D_c` and `D_u` in one network call on the doubled batch (default true); false for a network that cannot take mixed labels. */
  readonly batched?: boolean;
}

/** Guidance inputs built from a class-conditional denoiser; `dispose` frees the label tensors. */
export interface ClassGuidanceDenoisers extends GuidanceDenoisers {
  /** The requested labels, checked. */
  readonly labels: Int32Array;
  /** Frees the label tensors. */
  dispose(): void;
}

/**
 * `D_c` (the requested labels) and `D_u` (the null label K, Ho & Salimans 2022) from one
 * class-conditional denoiser, and, unless `batched` is false, both from one call on the
 * concatenated batch `[x; x]` with labels `[y; K]` (as diffusers' pipelines batch the conditional
 * and unconditional inputs).
 */
export function createClassGuidanceDenoisers(denoiser: ConditionalDenoiser, options: ClassGuidanceDenoisersOptions): ClassGuidanceDenoisers {
  const field = 'createClassGuidanceDenoisers';
  if (typeof denoiser !== 'function') throw invalidOption(`${field}.denoiser`, denoiser, 'a function (x, sigma, condition) => x0', 'invalid-argument');
  const given = checkOptions(field, options, ['labels', 'numClasses', 'batched']);
  const numClasses = checkPositiveInteger(`${field}.numClasses`, given.numClasses);
  const batched = checkBoolean(`${field}.batched`, given.batched ?? true);
  const raw = given.labels instanceof Tensor ? given.labels.dataSync() : given.labels;
  const labels = checkClassLabels(`${field}.labels`, raw, numClasses);
  if (labels.length === 0) throw invalidOption(`${field}.labels`, raw, 'at least one label', 'invalid-argument');
  const batch = labels.length;
  const conditionalLabels = tensor1d(labels, 'int32');
  const nullLabels = fill([batch], numClasses, 'int32');
  const pairedLabels = concat([conditionalLabels, nullLabels]);

  function checkBatch(x: Tensor): void {
    if (!(x instanceof Tensor) || x.shape[0] !== batch) {
      const shape = x instanceof Tensor ? x.shape : x;
      throw new DiffusionError('shape-mismatch', `${field}: got x of shape ${JSON.stringify(shape)}; expected a batch of ${batch} (one sample per requested label).`, {
        field: `${field}.x`,
        value: shape,
        allowed: `a tensor [${batch}, …]`,
      });
    }
  }

  return {
    labels,
    conditional(x, sigma) {
      checkBatch(x);
      return denoiser(x, sigma, conditionalLabels);
    },
    unconditional(x, sigma) {
      checkBatch(x);
      return denoiser(x, sigma, nullLabels);
    },
    ...(batched
      ? {
          paired(x: Tensor, sigma: number) {
            checkBatch(x);
            return tidy(() => {
              const both = denoiser(concat([x, x]), sigma, pairedLabels);
              return { conditional: slice(both, 0, batch), unconditional: slice(both, batch, batch) };
            });
          },
        }
      : {}),
    dispose() {
      conditionalLabels.dispose();
      nullLabels.dispose();
      pairedLabels.dispose();
    },
  };
}
