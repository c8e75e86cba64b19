import { keep, less, logicalAnd, notEqual, scalar, sub, sum, where, type Tensor } from '@tensorflow/tfjs-core';

/** Where a denoiser call happened, for the error message. */
export interface EvaluationPlace {
  /** Step index. */
  readonly index: number;
  /** Sigma the denoiser was called at. */
  readonly sigma: number;
}

/** Watches denoiser outputs for NaN/Inf on the device and reads the verdict once, at the end of a run. */
export interface NonFiniteGuard {
  /** Records one denoiser output (borrowed) and where it was made. */
  watch(denoised: Tensor, place: EvaluationPlace): void;
  /** The first call whose output held NaN or Infinity, with its 0-based call number; one device read. */
  firstBad(): (EvaluationPlace & { readonly call: number }) | undefined;
  /** Number of calls watched. */
  readonly calls: number;
  /** Frees the device scalar. */
  dispose(): void;
}

/**
 * A guard costing a few scalar kernels per call and one sync per run: `sum(D − D)` is NaN exactly
 * when an entry of D is NaN or ±Infinity (NaN − NaN and Inf − Inf are NaN), and the index of the
 * first such call is kept in an int32 scalar on the device.
 */
export function createNonFiniteGuard(): NonFiniteGuard {
  const places: EvaluationPlace[] = [];
  let first: Tensor = keep(scalar(-1, 'int32'));
  return {
    watch(denoised, place) {
      const residual = sum(sub(denoised, denoised));
      const bad = logicalAnd(less(first, 0), notEqual(residual, residual));
      const next = keep(where(bad, scalar(places.length, 'int32'), first));
      places.push(place);
      first.dispose();
      first = next;
    },
    firstBad() {
      const call = (first.dataSync() as Int32Array)[0]!;
      return call < 0 ? undefined : { ...places[call]!, call };
    },
    get calls() {
      return places.length;
    },
    dispose() {
      first.dispose();
    },
  };
}
