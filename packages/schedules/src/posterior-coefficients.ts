import { invalidOption } from '@diffusion/core/errors';
import type { DiscreteSchedule } from '@diffusion/core/errors';

/** The Gaussian posterior `q(x_{t-1} | x_t, x0) = N(a_t x0 + b_t x_t, variance_t)`, one entry per step t = 1..T. */
export interface PosteriorCoefficients {
  /** a_t = sqrt(alphabar_{t-1}) beta_t / (1 - alphabar_t). */
  readonly x0Coefficient: Float64Array;
  /** b_t = lambda_t (1 - alphabar_{t-1}) / (1 - alphabar_t). */
  readonly xtCoefficient: Float64Array;
  /** beta-tilde_t = beta_t (1 - alphabar_{t-1}) / (1 - alphabar_t); 0 at t = 1. */
  readonly variance: Float64Array;
  /** log(beta-tilde_t) with the t = 1 entry replaced by the t = 2 one (improved DDPM); -Infinity if T = 1. */
  readonly logVarianceClipped: Float64Array;
}

/**
 * Posterior of the forward chain, Ho et al. (2020), DDPM eqs. 6–7, with alphabar_0 = 1. The
 * complements 1 - alphabar are accumulated as sums of positive terms, so the coefficients keep
 * full relative precision near t = 1.
 */
export function posteriorCoefficients(schedule: DiscreteSchedule): PosteriorCoefficients {
  const { betas, lambdas, alphasCumprod, numTrainTimesteps: total } = schedule ?? {};
  if (!(betas instanceof Float64Array) || !(lambdas instanceof Float64Array) || !(alphasCumprod instanceof Float64Array) || betas.length !== total) {
    throw invalidOption('posteriorCoefficients.schedule', schedule, 'a DiscreteSchedule (betas, lambdas, alphasCumprod of length numTrainTimesteps)');
  }
  const x0Coefficient = new Float64Array(total);
  const xtCoefficient = new Float64Array(total);
  const variance = new Float64Array(total);
  let previousAlphaBar = 1;
  let previousComplement = 0;
  for (let index = 0; index < total; index += 1) {
    const beta = betas[index]!;
    const complement = previousComplement + beta * previousAlphaBar;
    x0Coefficient[index] = (Math.sqrt(previousAlphaBar) * beta) / complement;
    xtCoefficient[index] = (lambdas[index]! * previousComplement) / complement;
    variance[index] = (beta * previousComplement) / complement;
    previousAlphaBar = alphasCumprod[index]!;
    previousComplement = previousAlphaBar === 0 ? 1 : complement;
  }
  const logVarianceClipped = variance.map((value, index) => Math.log(index === 0 && total > 1 ? variance[1]! : value));
  return { x0Coefficient, xtCoefficient, variance, logVarianceClipped };
}
