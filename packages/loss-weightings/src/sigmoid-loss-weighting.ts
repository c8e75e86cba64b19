import { checkFinite, checkOptions } from '@diffusion/core';
import type { LossWeighting, Schedule } from '@diffusion/core';
import { checkSchedule, createElboFactor } from './elbo-loss-weighting';
import { defineLossWeighting, describeSchedule } from './loss-weighting-definition';

/** Options of {@link createSigmoidWeighting}. */
export interface SigmoidWeightingOptions {
  /** The schedule that maps uniform time to log-SNR (needed to turn a weight over log-SNR into one over time). */
  readonly schedule: Schedule;
  /** Bias b of sigmoid(b - logSnr); finite. Default -3. */
  readonly bias?: number;
}

/** Logistic function 1 / (1 + exp(-x)) without overflow. */
function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const exponential = Math.exp(x);
  return exponential / (1 + exponential);
}

/**
 * Sigmoid weighting of Kingma & Gao (2023): their w(lambda) = sigmoid(b - lambda) multiplies the
 * ELBO integrand, L_w = (1/2) E_{t ~ U}[w(lambda_t) (-dlambda/dt) ||eps - eps_hat||^2]. Relative to
 * eps-MSE under uniform time that is w = sigmoid(b - logSnr) times the ELBO weight of the same schedule
 * (see `createElboWeighting`); as b -> infinity it becomes the ELBO.
 */
export function createSigmoidWeighting(options: SigmoidWeightingOptions): LossWeighting {
  const checked = checkOptions('createSigmoidWeighting', options, ['schedule', 'bias']);
  const schedule = checkSchedule('createSigmoidWeighting.schedule', checked.schedule);
  const bias = checkFinite('createSigmoidWeighting.bias', checked.bias ?? -3);
  const factor = createElboFactor('createSigmoidWeighting', schedule);
  return defineLossWeighting('sigmoid', { bias, schedule: describeSchedule(schedule), ...factor.options }, (logSnr) => {
    const gate = sigmoid(bias - logSnr);
    return gate === 0 ? 0 : gate * factor.compute(logSnr);
  });
}
