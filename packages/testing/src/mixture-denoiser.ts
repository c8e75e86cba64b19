import { tensor, type Tensor } from '@tensorflow/tfjs-core';
import { checkFiniteArray, checkPositive, invalidOption, type Denoiser, type RandomSource } from '@diffusion/core';

/** An isotropic Gaussian mixture in d dimensions: `sum_k w_k N(mu_k, s^2 I)`. */
export interface IsotropicMixture {
  /** Component means, one row of length d each. */
  readonly means: readonly (readonly number[])[];
  /** Component standard deviation s (shared, isotropic). */
  readonly std: number;
  /** Component weights, summing to 1. */
  readonly weights: readonly number[];
}

/** The conformance mixture of the reference vectors: 4 components at (±1.5, ±1.5), std 0.3, equal weights. */
export const conformanceMixture: IsotropicMixture = Object.freeze({
  means: Object.freeze([Object.freeze([1.5, 1.5]), Object.freeze([1.5, -1.5]), Object.freeze([-1.5, 1.5]), Object.freeze([-1.5, -1.5])]),
  std: 0.3,
  weights: Object.freeze([0.25, 0.25, 0.25, 0.25]),
});

function checkMixture(mixture: IsotropicMixture): IsotropicMixture {
  checkPositive('mixture.std', mixture.std);
  const weights = checkFiniteArray('mixture.weights', mixture.weights);
  if (mixture.means.length !== weights.length) throw invalidOption('mixture.means', mixture.means.length, `${weights.length} means, one per weight`);
  const dimension = mixture.means[0]?.length ?? 0;
  mixture.means.forEach((mean, index) => {
    checkFiniteArray(`mixture.means[${index}]`, mean);
    if (mean.length !== dimension) throw invalidOption(`mixture.means[${index}]`, mean, `a mean of length ${dimension}`);
  });
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  if (weights.some((weight) => weight < 0) || Math.abs(total - 1) > 1e-9) throw invalidOption('mixture.weights', mixture.weights, 'non-negative weights summing to 1');
  return mixture;
}

/**
 * The exact denoiser `D(x; sigma) = E[x0 | x0 + sigma n = x]` of an isotropic Gaussian mixture
 * (Karras et al. 2022, eq. 1-3; the posterior mean of a mixture), computed in float64 plain
 * JavaScript and returned as a new float32 tensor the caller owns. Input rows are samples.
 */
export function exactMixtureDenoiser(mixture: IsotropicMixture = conformanceMixture): Denoiser {
  const { means, std, weights } = checkMixture(mixture);
  const count = weights.length;
  const dimension = means[0]!.length;
  const logWeights = weights.map((weight) => Math.log(weight));
  const flatMeans = Float64Array.from(means.flat());
  return (x: Tensor, sigma: number): Tensor => {
    if (x.shape[x.shape.length - 1] !== dimension) throw invalidOption('exactMixtureDenoiser.x.shape', x.shape, `a last axis of size ${dimension}`, 'shape-mismatch');
    const values = x.dataSync();
    const out = new Float32Array(values.length);
    const variance = std * std + sigma * sigma;
    const shrink = (std * std) / variance;
    const logits = new Float64Array(count);
    for (let row = 0; row < values.length; row += dimension) {
      let largest = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < count; k += 1) {
        let squared = 0;
        for (let axis = 0; axis < dimension; axis += 1) squared += (values[row + axis]! - flatMeans[k * dimension + axis]!) ** 2;
        logits[k] = logWeights[k]! - squared / (2 * variance);
        if (logits[k]! > largest) largest = logits[k]!;
      }
      let normaliser = 0;
      for (let k = 0; k < count; k += 1) {
        logits[k] = Math.exp(logits[k]! - largest);
        normaliser += logits[k]!;
      }
      for (let axis = 0; axis < dimension; axis += 1) {
        const value = values[row + axis]!;
        let estimate = 0;
        // E[x0 | x, k] = mu_k + s^2 / (s^2 + sigma^2) (x - mu_k), weighted by the responsibilities.
        for (let k = 0; k < count; k += 1) {
          const mean = flatMeans[k * dimension + axis]!;
          estimate += (logits[k]! / normaliser) * (mean + shrink * (value - mean));
        }
        out[row + axis] = Number.isFinite(value) ? estimate : Number.NaN;
      }
    }
    return tensor(out, [...x.shape], 'float32');
  };
}

/** Draws `count` exact samples of a mixture as a flat float64 array of `count * d` values. */
export function sampleMixture(mixture: IsotropicMixture, count: number, random: RandomSource): Float64Array {
  const { means, std, weights } = checkMixture(mixture);
  const dimension = means[0]!.length;
  const picks = random.uniforms(count);
  const normals = random.normals(count * dimension);
  const out = new Float64Array(count * dimension);
  for (let index = 0; index < count; index += 1) {
    let component = 0;
    let cumulative = weights[0]!;
    while (picks[index]! > cumulative && component < weights.length - 1) cumulative += weights[++component]!;
    for (let axis = 0; axis < dimension; axis += 1) out[index * dimension + axis] = means[component]![axis]! + std * normals[index * dimension + axis]!;
  }
  return out;
}
