import type { Schedule } from '@diffusion/core';

/** Finite-difference step in t for `logSnrDerivative` (central differences, error O(h^2)). */
const step = 1e-6;

/**
 * d logSnr / dt of a schedule at time t in [0, 1], by central differences (one-sided within
 * `step` of an end, or next to an end where the log-SNR is infinite). The contract has no
 * analytic derivative, so every schedule is treated alike; where `logSnr` is piecewise linear
 * (the continuous view of a discrete schedule) the value at a kink is the mean of the two slopes.
 */
export function logSnrDerivative(schedule: Schedule, t: number): number {
  const low = Math.max(0, t - step);
  const high = Math.min(1, t + step);
  const atLow = schedule.logSnr(low);
  const atHigh = schedule.logSnr(high);
  if (Number.isFinite(atLow) && Number.isFinite(atHigh)) return (atHigh - atLow) / (high - low);
  const atT = schedule.logSnr(t);
  if (Number.isFinite(atHigh) && high > t) return (atHigh - atT) / (high - t);
  if (Number.isFinite(atLow) && low < t) return (atT - atLow) / (t - low);
  return Number.NaN;
}

/** The schedule's time of a log-SNR, clamped to [0, 1] (a log-SNR beyond the range maps to the nearer end). */
export function timeOfLogSnr(schedule: Schedule, logSnr: number): number {
  if (logSnr >= schedule.logSnr(0)) return 0;
  if (logSnr <= schedule.logSnr(1)) return 1;
  const t = schedule.tOfLogSnr(logSnr);
  return Number.isNaN(t) ? 1 : Math.min(1, Math.max(0, t));
}
