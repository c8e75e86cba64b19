import { checkFinite, checkFiniteArray, checkOptions, checkPositive, invalidOption } from '@diffusion/core';

/** Options of {@link createGaussianMixture}. */
export interface GaussianMixtureOptions {
  /** One mean per component, each of length `dimension` (at least one component). */
  readonly means: readonly (readonly number[])[];
  /** Standard deviation: one for all, one per component (isotropic), or one vector per component (diagonal). */
  readonly std: number | readonly (number | readonly number[])[];
  /** Component weights, positive and summing to 1 (default: equal weights). */
  readonly weights?: readonly number[];
}

/** The checked, normalised parameters of a mixture. */
export interface MixtureParameters {
  readonly dimension: number;
  readonly means: Float64Array[];
  /** Per-component diagonal variances `s_k^2`. */
  readonly variances: Float64Array[];
  readonly weights: Float64Array;
}

const field = 'createGaussianMixture';

/** Checks the options of a Gaussian mixture and expands `std` to per-component diagonal variances. */
export function checkMixtureOptions(options: GaussianMixtureOptions): MixtureParameters {
  checkOptions(field, options, ['means', 'std', 'weights']);
  if (options === undefined || !Array.isArray(options.means) || options.means.length === 0) {
    throw invalidOption(`${field}.means`, options?.means, 'a non-empty array of mean vectors');
  }
  const means = options.means.map((mean, index) => checkFiniteArray(`${field}.means[${index}]`, mean));
  const dimension = means[0]!.length;
  means.forEach((mean, index) => {
    if (mean.length !== dimension) {
      throw invalidOption(`${field}.means[${index}]`, options.means[index], `a vector of length ${dimension} (the length of means[0])`, 'shape-mismatch');
    }
  });
  const count = means.length;
  const variances = expandStd(options.std, count, dimension);
  let weights: Float64Array;
  if (options.weights === undefined) {
    weights = new Float64Array(count).fill(1 / count);
  } else {
    weights = checkFiniteArray(`${field}.weights`, options.weights);
    if (weights.length !== count) {
      throw invalidOption(`${field}.weights`, options.weights, `${count} weights (one per mean)`, 'shape-mismatch');
    }
    weights.forEach((weight, index) => checkPositive(`${field}.weights[${index}]`, weight));
    const total = weights.reduce((sum, weight) => sum + weight, 0);
    if (Math.abs(total - 1) > 1e-9) throw invalidOption(`${field}.weights`, options.weights, `positive weights summing to 1 (they sum to ${total})`);
  }
  return { dimension, means, variances, weights };
}

function expandStd(std: GaussianMixtureOptions['std'], count: number, dimension: number): Float64Array[] {
  const name = `${field}.std`;
  const square = (value: number, at: string): number => checkPositive(at, value) ** 2;
  if (typeof std === 'number' || !Array.isArray(std)) {
    const variance = square(checkFinite(name, std), name);
    return Array.from({ length: count }, () => new Float64Array(dimension).fill(variance));
  }
  if (std.length !== count) throw invalidOption(name, std, `a number, or ${count} entries (one per mean)`, 'shape-mismatch');
  return std.map((entry: number | readonly number[], index: number) => {
    const at = `${name}[${index}]`;
    if (typeof entry === 'number') return new Float64Array(dimension).fill(square(entry, at));
    const vector = checkFiniteArray(at, entry);
    if (vector.length !== dimension) throw invalidOption(at, entry, `a number or a vector of length ${dimension}`, 'shape-mismatch');
    return vector.map((value, axis) => square(value, `${at}[${axis}]`));
  });
}
