import { checkOptions, checkPositive, invalidOption } from '@diffusion/core';
import type { LossWeighting } from '@diffusion/core';
import { defineLossWeighting } from './loss-weighting-definition';

/** Options of {@link createP2Weighting}. */
export interface P2WeightingOptions {
  /** Offset k that keeps the weight bounded as SNR -> 0; > 0. Default 1. */
  readonly k?: number;
  /** Exponent gamma; > 0 (gamma = 0 is the uniform weighting). Default 1. */
  readonly gamma?: number;
}

/**
 * Perception-prioritised (P2) weighting, Choi et al. (2022, "P2 weighting"): lambda'_t = lambda_t / (k + SNR)^gamma,
 * where lambda_t is the factor that turns the VLB terms into L_simple. Relative to eps-MSE that is
 * w = (k + exp(logSnr))^-gamma.
 */
export function createP2Weighting(options?: P2WeightingOptions): LossWeighting {
  const checked = checkOptions('createP2Weighting', options, ['k', 'gamma']);
  const k = checkPositive('createP2Weighting.k', checked.k ?? 1);
  const gamma = checkPositive('createP2Weighting.gamma', checked.gamma ?? 1);
  // The weight is largest (k^-gamma) as SNR -> 0; it must stay finite.
  if (!Number.isFinite(k ** -gamma)) throw invalidOption('createP2Weighting.gamma', gamma, `a gamma for which k^-gamma is finite (k = ${k})`);
  return defineLossWeighting('p2', { k, gamma }, (logSnr) => (k + Math.exp(logSnr)) ** -gamma);
}
