import type { DiscreteSchedule, Schedule } from '@diffusion/core';
import { checkNonNegative, invalidOption } from '@diffusion/core';

/** A schedule level found from a variance-exploding sigma (plain float64). */
export interface SigmaLevel {
  /** Schedule time in [0, 1] (for a discrete schedule: (fractional 0-based timestep + 1) / T). */
  readonly t: number;
  /** Signal scale alpha of the level; x_t = alpha x_VE. */
  readonly alpha: number;
  /** Noise scale of the level, alpha * sigmaVe, so that sigma / alpha is exactly sigmaVe. */
  readonly sigma: number;
}

/** True when a schedule carries the discrete (DDPM-style) view: T, alphasCumprod and timestepOfSigma. */
export function isDiscreteSchedule(schedule: Schedule): schedule is DiscreteSchedule {
  const candidate = schedule as Partial<DiscreteSchedule>;
  return typeof candidate.numTrainTimesteps === 'number' && typeof candidate.timestepOfSigma === 'function' && candidate.alphasCumprod instanceof Float64Array;
}

/**
 * The level of a schedule at a VE sigma = sigma_t / alpha_t (Karras et al. 2022, Sec. 2 and App. C):
 * a discrete VP schedule uses k-diffusion's interpolated fractional timestep (log-sigma) and
 * alpha = 1 / sqrt(1 + sigma^2); a continuous schedule uses t = tOfLogSnr(-2 ln sigma) and alpha(t),
 * or 1 / sqrt(1 + sigma^2) when the schedule is variance preserving at t.
 */
export function levelOfSigma(schedule: Schedule, sigmaVe: number): SigmaLevel {
  checkNonNegative('levelOfSigma.sigmaVe', sigmaVe);
  if (isDiscreteSchedule(schedule)) {
    const timestep = schedule.timestepOfSigma(sigmaVe);
    if (!Number.isFinite(timestep)) throw invalidOption('levelOfSigma.sigmaVe', sigmaVe, `a sigma the schedule "${schedule.name}" maps to a finite timestep`, 'invalid-argument');
    const alpha = 1 / Math.sqrt(1 + sigmaVe * sigmaVe);
    return { t: (timestep + 1) / schedule.numTrainTimesteps, alpha, sigma: alpha * sigmaVe };
  }
  const t = sigmaVe === 0 ? 0 : schedule.tOfLogSnr(-2 * Math.log(sigmaVe));
  const scheduleAlpha = schedule.alpha(t);
  // A variance-preserving schedule keeps its level VP even where tOfLogSnr clamps t at an end.
  const variancePreserving = Math.abs(scheduleAlpha ** 2 + schedule.sigma(t) ** 2 - 1) < 1e-9;
  const alpha = variancePreserving ? 1 / Math.sqrt(1 + sigmaVe * sigmaVe) : scheduleAlpha;
  if (!Number.isFinite(t) || !Number.isFinite(alpha) || alpha <= 0) {
    throw invalidOption('levelOfSigma.sigmaVe', sigmaVe, `a sigma at which the schedule "${schedule.name}" has a finite time and alpha > 0 (got t = ${t}, alpha = ${alpha})`, 'invalid-argument');
  }
  return { t, alpha, sigma: alpha * sigmaVe };
}
