import { checkFiniteArray, checkPositiveInteger, invalidOption } from '@diffusion/core';
import type { IsotropicMixture } from './mixture-denoiser';

const inverseSqrtTwoPi = 0.3989422804014327;

/**
 * Standard normal CDF, absolute error below 1e-15: Marsaglia's (2004) Taylor series for |z| < 3,
 * the Laplace continued fraction for the tail beyond (Abramowitz & Stegun 26.2.14).
 */
export function normalCdf(z: number): number {
  if (z < -38) return 0;
  if (z > 38) return 1;
  const square = z * z;
  if (Math.abs(z) < 3) {
    let sum = z;
    let term = z;
    let previous = 0;
    for (let odd = 3; sum !== previous; odd += 2) {
      previous = sum;
      term *= square / odd;
      sum += term;
    }
    return 0.5 + sum * Math.exp(-0.5 * square) * inverseSqrtTwoPi;
  }
  const absolute = Math.abs(z);
  // Q(x) = phi(x) / (x + 1/(x + 2/(x + 3/(x + …)))), evaluated from a fixed depth upwards.
  let fraction = absolute;
  for (let depth = 60; depth >= 1; depth -= 1) fraction = absolute + depth / fraction;
  const tail = (Math.exp(-0.5 * square) * inverseSqrtTwoPi) / fraction;
  return z > 0 ? 1 - tail : tail;
}

/** A 1-D Gaussian mixture: the projection of an isotropic mixture on a unit direction. */
interface ProjectedMixture {
  readonly means: Float64Array;
  readonly weights: Float64Array;
  readonly std: number;
}

function cdf(mixture: ProjectedMixture, x: number): number {
  let total = 0;
  for (let k = 0; k < mixture.means.length; k += 1) total += mixture.weights[k]! * normalCdf((x - mixture.means[k]!) / mixture.std);
  return total;
}

/** The CDF F and its antiderivative vanishing at -infinity, `G(x) = sum_k w_k s (z Phi(z) + phi(z))`. */
function cdfAndIntegral(mixture: ProjectedMixture, x: number, out: Float64Array, index: number, integrals: Float64Array): void {
  let total = 0;
  let integral = 0;
  for (let k = 0; k < mixture.means.length; k += 1) {
    const z = (x - mixture.means[k]!) / mixture.std;
    const phi = normalCdf(z);
    total += mixture.weights[k]! * phi;
    integral += mixture.weights[k]! * mixture.std * (z * phi + inverseSqrtTwoPi * Math.exp(-0.5 * z * z));
  }
  out[index] = total;
  integrals[index] = integral;
}

/** The exact `int |F_n - F| dx` between the empirical CDF of sorted values and the mixture CDF. */
function wasserstein1ToProjected(sorted: Float64Array, mixture: ProjectedMixture): number {
  const count = sorted.length;
  const integrals = new Float64Array(count);
  const cdfs = new Float64Array(count);
  sorted.forEach((value, index) => cdfAndIntegral(mixture, value, cdfs, index, integrals));
  // Left tail (F_n = 0): G(y_1). Right tail (F_n = 1): int_{y_n}^inf (1 - F) = sum_k w_k s (phi(z) - z (1 - Phi(z))).
  let total = integrals[0]!;
  const last = sorted[count - 1]!;
  let rightTail = 0;
  for (let k = 0; k < mixture.means.length; k += 1) {
    const z = (last - mixture.means[k]!) / mixture.std;
    rightTail += mixture.weights[k]! * mixture.std * (inverseSqrtTwoPi * Math.exp(-0.5 * z * z) - z * (1 - normalCdf(z)));
  }
  total += rightTail;
  for (let index = 0; index + 1 < count; index += 1) {
    const low = sorted[index]!;
    const high = sorted[index + 1]!;
    if (high === low) continue;
    const level = (index + 1) / count;
    const area = integrals[index + 1]! - integrals[index]!;
    if (cdfs[index]! >= level) total += area - level * (high - low);
    else if (cdfs[index + 1]! <= level) total += level * (high - low) - area;
    else {
      // F crosses the level inside the interval: split there (bisection on the monotone CDF).
      let left = low;
      let right = high;
      for (let iteration = 0; iteration < 60 && right - left > 1e-15 * Math.max(1, Math.abs(left)); iteration += 1) {
        const middle = 0.5 * (left + right);
        if (cdf(mixture, middle) < level) left = middle;
        else right = middle;
      }
      const crossing = 0.5 * (left + right);
      const scratch = new Float64Array(2);
      cdfAndIntegral(mixture, crossing, scratch, 0, scratch.subarray(1));
      const atCrossing = scratch[1]!;
      total += level * (crossing - low) - (atCrossing - integrals[index]!) + (integrals[index + 1]! - atCrossing) - level * (high - crossing);
    }
  }
  return total;
}

/** Options of {@link slicedWasserstein1ToMixture}. */
export interface SlicedWassersteinOptions {
  /** Number of fixed directions `(cos(pi j / J), sin(pi j / J))`, j = 0..J-1 (2-D only). Default 64. */
  readonly directions?: number;
}

/**
 * Sliced Wasserstein-1 distance (Rabin et al. 2011; Bonneel et al. 2015, eq. 2) between 2-D samples
 * (flat `[x0, y0, x1, y1, …]`) and an isotropic Gaussian mixture, averaged over J fixed directions,
 * each 1-D distance `int |F_n - F|` computed exactly against the projected mixture CDF.
 */
export function slicedWasserstein1ToMixture(samples: ArrayLike<number>, mixture: IsotropicMixture, options: SlicedWassersteinOptions = {}): number {
  const directions = checkPositiveInteger('slicedWasserstein1ToMixture.directions', options.directions ?? 64);
  if (mixture.means.some((mean) => mean.length !== 2)) throw invalidOption('slicedWasserstein1ToMixture.mixture.means', mixture.means, 'two-dimensional means');
  const values = checkFiniteArray('slicedWasserstein1ToMixture.samples', samples, 2);
  if (values.length % 2 !== 0) throw invalidOption('slicedWasserstein1ToMixture.samples.length', values.length, 'an even length (rows of 2 values)');
  const count = values.length / 2;
  const weights = Float64Array.from(mixture.weights);
  let total = 0;
  for (let direction = 0; direction < directions; direction += 1) {
    const angle = (Math.PI * direction) / directions;
    const cosine = Math.cos(angle);
    const sine = Math.sin(angle);
    const projected = new Float64Array(count);
    for (let index = 0; index < count; index += 1) projected[index] = cosine * values[2 * index]! + sine * values[2 * index + 1]!;
    projected.sort();
    const means = Float64Array.from(mixture.means, (mean) => cosine * mean[0]! + sine * mean[1]!);
    total += wasserstein1ToProjected(projected, { means, weights, std: mixture.std });
  }
  return total / directions;
}
