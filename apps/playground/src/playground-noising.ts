import type { Schedule } from '@diffusion/core';

/**
 * The forward process on a set of points, q(x_t | x0) = N(alpha(t) x0, sigma(t)^2 I) (Ho et al.
 * 2020, eq. 4; Kingma et al. 2021, eq. 1): `x_t = alpha x0 + sigma eps` with the given, fixed
 * `eps`, so dragging t moves every point along its own straight path. Row-major, float64.
 */
export function noisePoints(x0: Float64Array, eps: Float64Array, alpha: number, sigma: number): Float64Array {
  if (eps.length !== x0.length) throw new Error(`noisePoints: eps has ${eps.length} entries; expected ${x0.length} like x0.`);
  const out = new Float64Array(x0.length);
  for (let index = 0; index < x0.length; index += 1) out[index] = alpha * x0[index]! + sigma * eps[index]!;
  return out;
}

/** alpha(t), sigma(t) and logSnr(t) of a schedule on `count` evenly spaced times of [tMin, tMax]. */
export interface ScheduleCurves {
  readonly t: Float64Array;
  readonly alpha: Float64Array;
  readonly sigma: Float64Array;
  readonly logSnr: Float64Array;
}

/** Tabulates a schedule for the chart; the ends are kept off 0 and 1 where log-SNR is infinite. */
export function scheduleCurves(schedule: Schedule, count = 101, tMin = 0.001, tMax = 0.999): ScheduleCurves {
  const t = new Float64Array(count);
  const alpha = new Float64Array(count);
  const sigma = new Float64Array(count);
  const logSnr = new Float64Array(count);
  for (let index = 0; index < count; index += 1) {
    const time = count === 1 ? tMin : tMin + ((tMax - tMin) * index) / (count - 1);
    t[index] = time;
    alpha[index] = schedule.alpha(time);
    sigma[index] = schedule.sigma(time);
    logSnr[index] = schedule.logSnr(time);
  }
  return { t, alpha, sigma, logSnr };
}

/** Half-width of a square view that holds x_t for data of scale about `dataRadius`. */
export function viewRadius(alpha: number, sigma: number, dataRadius = 3.5): number {
  // 3 standard deviations of the noise beyond the scaled data, never smaller than the data's own view.
  return Math.max(dataRadius, Math.abs(alpha) * dataRadius + 3 * sigma);
}
