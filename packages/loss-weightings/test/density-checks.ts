// Numerical checks shared by the time-density tests: quadrature, Kolmogorov-Smirnov and chi-square.
import type { TimeDensity } from '@diffusion/core';

/** Composite Simpson rule of f over [low, high] with `intervals` (even) sub-intervals. */
export function simpson(f: (x: number) => number, low: number, high: number, intervals = 20000): number {
  const width = (high - low) / intervals;
  let sum = f(low) + f(high);
  for (let index = 1; index < intervals; index += 1) sum += (index % 2 === 1 ? 4 : 2) * f(low + index * width);
  return (sum * width) / 3;
}

/** Kolmogorov-Smirnov statistic sup |F_n - F| of samples against a cdf. */
export function kolmogorovSmirnov(samples: Float64Array, cdf: (t: number) => number): number {
  const sorted = Float64Array.from(samples).sort();
  let statistic = 0;
  sorted.forEach((value, index) => {
    const expected = cdf(value);
    statistic = Math.max(statistic, Math.abs((index + 1) / sorted.length - expected), Math.abs(index / sorted.length - expected));
  });
  return statistic;
}

/** KS critical value at the 0.1% level for n samples (asymptotic 1.95 / sqrt n). */
export function ksBound(count: number): number {
  return 1.95 / Math.sqrt(count);
}

/** Pearson chi-square of samples on the grid t = k/T against the probabilities density(k/T) / T. */
export function chiSquare(samples: Float64Array, density: TimeDensity, steps: number): number {
  const counts = new Float64Array(steps);
  samples.forEach((t) => (counts[Math.round(t * steps) - 1]! += 1));
  let statistic = 0;
  for (let step = 1; step <= steps; step += 1) {
    const expected = (samples.length * density.density(step / steps)) / steps;
    statistic += (counts[step - 1]! - expected) ** 2 / expected;
  }
  return statistic;
}

/** A chi-square bound that a correct sampler exceeds with negligible probability: df + 6 sqrt(2 df). */
export function chiSquareBound(degreesOfFreedom: number): number {
  return degreesOfFreedom + 6 * Math.sqrt(2 * degreesOfFreedom);
}
