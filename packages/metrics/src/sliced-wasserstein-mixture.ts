import { checkOptions, invalidOption } from '@diffusion/core';
import { normalCdf, normalDensity } from './normal-distribution';
import { ownDimension, project, toPointArray, type Points } from './metric-points';
import { checkDirections } from './slice-directions';
import type { SlicedWassersteinOptions } from './sliced-wasserstein';

/** The parts of a Gaussian mixture with diagonal covariances that the metric reads (`@diffusion/data`'s mixtures have them). */
export interface GaussianMixtureLike {
  /** Component weights, summing to 1. */
  readonly weights: ArrayLike<number>;
  /** Component means, each of length d. */
  readonly means: readonly ArrayLike<number>[];
  /** Per-component diagonal variances, each of length d. */
  readonly variances: readonly ArrayLike<number>[];
}

/** A 1-D Gaussian mixture: the projection of a mixture on a direction. */
interface ProjectedMixture {
  readonly weights: Float64Array;
  readonly means: Float64Array;
  readonly stds: Float64Array;
}

/** F(z) and G(z) = integral of F from -infinity to z = sum_k w_k s_k Psi((z - m_k)/s_k), with Psi(u) = u Phi(u) + phi(u). */
function cdfAndIntegral(mixture: ProjectedMixture, z: number, out: Float64Array): Float64Array {
  let cdf = 0;
  let integral = 0;
  for (let k = 0; k < mixture.weights.length; k += 1) {
    const u = (z - mixture.means[k]!) / mixture.stds[k]!;
    // Beyond 9 standard deviations Phi is 0 or 1 and Psi is 0 or u to within 1e-19 (absolute).
    if (u > 9) {
      cdf += mixture.weights[k]!;
      integral += mixture.weights[k]! * mixture.stds[k]! * u;
      continue;
    }
    if (u < -9) continue;
    const phi = normalCdf(u);
    cdf += mixture.weights[k]! * phi;
    integral += mixture.weights[k]! * mixture.stds[k]! * (u * phi + normalDensity(u));
  }
  out[0] = cdf;
  out[1] = integral;
  return out;
}

/**
 * Exact W1 between the empirical distribution of sorted `z` and a 1-D Gaussian mixture:
 * the integral of |F_n - F|, in closed form piece by piece with the antiderivative of the
 * normal CDF; on a piece where F crosses the level i/n the crossing is found by bisection.
 */
export function wasserstein1ToMixture1d(z: Float64Array, mixture: ProjectedMixture): number {
  const n = z.length;
  const mirrored = { weights: mixture.weights, means: mixture.means.map((mean) => -mean), stds: mixture.stds };
  const left = new Float64Array(2);
  const right = new Float64Array(2);
  const middle = new Float64Array(2);
  // Tails: the integral of F over (-inf, z_0] is G(z_0); that of 1 - F over [z_{n-1}, inf) is G of the mirrored mixture at -z_{n-1}.
  let total = cdfAndIntegral(mixture, z[0]!, left)[1]! + cdfAndIntegral(mirrored, -z[n - 1]!, middle)[1]!;
  for (let i = 1; i < n; i += 1) {
    const [start, end] = [z[i - 1]!, z[i]!];
    if (end === start) continue;
    const level = i / n; // F_n on [z_{i-1}, z_i)
    cdfAndIntegral(mixture, end, right);
    if (left[0]! < level && level < right[0]!) {
      // F crosses the level inside the piece: split there (bisection on the monotone F).
      let [low, high] = [start, end];
      for (let step = 0; step < 200 && high - low > 4e-16 * Math.max(1, Math.abs(low)); step += 1) {
        const halfway = 0.5 * (low + high);
        if (cdfAndIntegral(mixture, halfway, middle)[0]! < level) low = halfway;
        else high = halfway;
      }
      const crossing = 0.5 * (low + high);
      const crossingIntegral = cdfAndIntegral(mixture, crossing, middle)[1]!;
      total += level * (crossing - start) - (crossingIntegral - left[1]!) + (right[1]! - crossingIntegral) - level * (end - crossing);
    } else {
      total += Math.abs(level * (end - start) - (right[1]! - left[1]!));
    }
    left.set(right);
  }
  return total;
}

/**
 * Sliced Wasserstein-1 distance from samples to a Gaussian mixture, against the exact projected
 * mixture (means `<u, mu_k>`, stds `sqrt(u' Sigma_k u)`) rather than a second sample (Rabin et
 * al. 2011; Bonneel et al. 2015 eq. 2, p = 1). Tensors are read, not disposed.
 */
export function slicedWasserstein1ToMixture(samples: Points, mixture: GaussianMixtureLike, options: SlicedWassersteinOptions = {}): number {
  checkOptions('slicedWasserstein1ToMixture', options, ['directions']);
  if (mixture === null || typeof mixture !== 'object' || !mixture.means?.length || mixture.variances?.length !== mixture.means.length || mixture.weights?.length !== mixture.means.length) {
    throw invalidOption('slicedWasserstein1ToMixture.mixture', mixture, 'a mixture with as many weights, means and diagonal variances (e.g. from @diffusion/data)');
  }
  const dimension = mixture.means[0]!.length;
  if (ownDimension(samples) !== undefined && ownDimension(samples) !== dimension) {
    throw invalidOption('slicedWasserstein1ToMixture.samples', `dimension ${ownDimension(samples)}`, `points of the mixture's dimension ${dimension}`, 'shape-mismatch');
  }
  const directions = checkDirections('slicedWasserstein1ToMixture.directions', options.directions, dimension);
  const points = toPointArray('slicedWasserstein1ToMixture.samples', samples, dimension);
  const weights = Float64Array.from(mixture.weights);
  let total = 0;
  for (const direction of directions) {
    const means = Float64Array.from(mixture.means, (mean) => direction.reduce((sum, value, axis) => sum + value * mean[axis]!, 0));
    const stds = Float64Array.from(mixture.variances, (variance) => Math.sqrt(direction.reduce((sum, value, axis) => sum + value * value * variance[axis]!, 0)));
    total += wasserstein1ToMixture1d(project(points, direction).sort(), { weights, means, stds });
  }
  return total / directions.length;
}
