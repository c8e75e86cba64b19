import { checkNonNegative, invalidOption } from '@diffusion/core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { addNoise } from './ancestral-step';

/** The churn options of Karras et al. (2022) Alg. 2, as a sampler's options take them. */
export interface ChurnOptions {
  /** Total churn `S_churn` spread over the run; 0 (default) is deterministic. */
  readonly sChurn?: number;
  /** Churn only for sigma >= `sTmin`; default 0. */
  readonly sTmin?: number;
  /** Churn only for sigma <= `sTmax`; default Infinity (`null` also means Infinity: how `options` stores it, as JSON has no Infinity). */
  readonly sTmax?: number | null;
  /** Noise scale `S_noise` of the churn; default 1. */
  readonly sNoise?: number;
}

/** Checked churn settings, and the JSON-safe form a sampler records as its `options`. */
export interface Churn {
  readonly sChurn: number;
  readonly sTmin: number;
  readonly sTmax: number;
  readonly sNoise: number;
  readonly options: { readonly sChurn: number; readonly sTmin: number; readonly sTmax: number | null; readonly sNoise: number };
}

/** Checks the churn options of the sampler factory `owner` (fields `owner.sChurn`, …). */
export function checkChurn(owner: string, given: ChurnOptions): Churn {
  const sChurn = checkNonNegative(`${owner}.sChurn`, given.sChurn ?? 0);
  const sTmin = checkNonNegative(`${owner}.sTmin`, given.sTmin ?? 0);
  const sTmax = given.sTmax ?? Number.POSITIVE_INFINITY;
  if (typeof sTmax !== 'number' || Number.isNaN(sTmax) || sTmax < sTmin) throw invalidOption(`${owner}.sTmax`, sTmax, `a number >= sTmin (${sTmin}), or Infinity`);
  const sNoise = checkNonNegative(`${owner}.sNoise`, given.sNoise ?? 1);
  return { sChurn, sTmin, sTmax, sNoise, options: { sChurn, sTmin, sTmax: Number.isFinite(sTmax) ? sTmax : null, sNoise } };
}

/**
 * Karras et al. (2022) Alg. 2 lines 4–6: `gamma = min(S_churn / N, sqrt 2 − 1)` for sigma in
 * `[sTmin, sTmax]` (else 0), `sigmaHat = sigma (1 + gamma)`, and `xHat = x + S_noise sqrt(sigmaHat² − sigma²) n`.
 * `xHat` is `x` itself when no noise is added.
 */
export function churnStep(x: Tensor, sigma: number, steps: number, churn: Churn, randomNormal: () => Tensor): { xHat: Tensor; sigmaHat: number } {
  const gamma = sigma >= churn.sTmin && sigma <= churn.sTmax ? Math.min(churn.sChurn / steps, Math.SQRT2 - 1) : 0;
  const sigmaHat = sigma * (1 + gamma);
  return { xHat: addNoise(x, churn.sNoise * Math.sqrt(sigmaHat * sigmaHat - sigma * sigma), randomNormal), sigmaHat };
}
