import { DiffusionError, checkClassLabels, checkFinite, checkNonNegative, checkNonNegativeInteger, invalidOption, type ConditionalDenoiser, type Denoiser, type RandomSource } from '@diffusion/core';
import { tensor1d, tensor2d, Tensor } from '@tensorflow/tfjs-core';
import type { LabelledDataset, LabelledPoints } from './dataset';
import { denoiseMixtureTensor, type ObservationTerms } from './gaussian-mixture-tensor';
import { checkMixtureOptions, type GaussianMixtureOptions } from './gaussian-mixture-options';

/** A Gaussian mixture with its exact denoiser `E[x0 | a x0 + b n = x]` and marginal densities. */
export interface GaussianMixture<Options = unknown> extends LabelledDataset<Options> {
  /** Component weights (normalised copy). */
  readonly weights: Float64Array;
  /** Component means, each of length `dimension`. */
  readonly means: readonly Float64Array[];
  /** Per-component diagonal variances `s_k^2`, each of length `dimension`. */
  readonly variances: readonly Float64Array[];
  /** Mean of the mixture, length `dimension`. */
  readonly mean: Float64Array;
  /** Covariance of the mixture, row-major `dimension x dimension`. */
  readonly covariance: Float64Array;
  /** Log-density of each point (row-major `n x dimension`), nats. */
  logDensity(points: Float64Array): Float64Array;
  /** Log-density of `x = a x0 + b n`, x0 from the mixture and n ~ N(0, I), at each row of `x`; nats. */
  marginalLogDensity(x: Float64Array, a: number, b: number): Float64Array;
  /** The exact posterior mean `E[x0 | x]` for `x = a x0 + b n`, float64, row-major like `x`. */
  posteriorMeanArray(x: Float64Array, a: number, b: number): Float64Array;
  /** The exact x0-estimate for a VP state `x = alpha x0 + sigma n` (float32; the caller owns it; `x` is not disposed). */
  vpDenoiser(x: Tensor, alpha: number, sigma: number): Tensor;
  /** The exact denoiser `D(x; sigma)` for `x = x0 + sigma n` (variance-exploding form, core's `Denoiser`). */
  readonly veDenoiser: Denoiser;
  /**
   * The exact class-conditional posterior mean `E[x0 | x, k]` for `x = a x0 + b n`, row by row:
   * `labels[i]` in `0 … K - 1` picks component k, the label `K` (the null class) gives the
   * unconditional `E[x0 | x]`. Float64, row-major like `x`.
   */
  classPosteriorMeanArray(x: Float64Array, a: number, b: number, labels: ArrayLike<number>): Float64Array;
  /**
   * The exact class-conditional denoiser `D(x; sigma, k) = E[x0 | x0 + sigma n = x, class k]` (VE):
   * `condition` holds int32 labels `[rows]` in `0 … K` (K, or no condition, gives the unconditional
   * `veDenoiser`). The component is the class. The caller owns the result.
   */
  readonly classDenoiser: ConditionalDenoiser;
}

/**
 * Gaussian mixture with its exact posterior-mean denoiser (Tweedie's formula, Efron 2011 section 2;
 * the per-component Gaussian posterior of Bishop 2006 eq. 2.116, mixed by responsibilities).
 * Labelled: the component is the class, and each class's exact conditional denoiser is the
 * component's Gaussian posterior mean (`classDenoiser`, `classPosteriorMeanArray`).
 */
export function createGaussianMixture(options: GaussianMixtureOptions): GaussianMixture<GaussianMixtureOptions> {
  const { dimension, means, variances, weights } = checkMixtureOptions(options);
  const count = weights.length;
  const cumulative = new Float64Array(count);
  weights.reduce((sum, weight, index) => (cumulative[index] = sum + weight), 0);
  const mean = new Float64Array(dimension);
  const covariance = new Float64Array(dimension * dimension);
  for (let k = 0; k < count; k += 1) {
    for (let i = 0; i < dimension; i += 1) {
      mean[i]! += weights[k]! * means[k]![i]!;
      covariance[i * dimension + i]! += weights[k]! * variances[k]![i]!;
      for (let j = 0; j < dimension; j += 1) covariance[i * dimension + j]! += weights[k]! * means[k]![i]! * means[k]![j]!;
    }
  }
  for (let i = 0; i < dimension; i += 1) for (let j = 0; j < dimension; j += 1) covariance[i * dimension + j]! -= mean[i]! * mean[j]!;

  /** Per-component terms of the marginal N(a mu_k, diag(a^2 s_k^2 + b^2)) and the posterior gain a s_k^2 / v_k. */
  function observationTerms(a: number, b: number, name: string, [aName, bName] = ['a', 'b']): ObservationTerms {
    checkFinite(`${name}.${aName}`, a);
    checkNonNegative(`${name}.${bName}`, b);
    if (a === 0 && b === 0) throw invalidOption(`${name}.${bName}`, b, 'a positive noise scale when a = 0 (x would carry no information and no noise)');
    const variance = variances.map((s2) => s2.map((value) => a * a * value + b * b));
    const gain = variances.map((s2, k) => s2.map((value, axis) => (a * value) / variance[k]![axis]!));
    const logNormaliser = Float64Array.from(variance, (v, k) => Math.log(weights[k]!) - 0.5 * v.reduce((sum, entry) => sum + Math.log(2 * Math.PI * entry), 0));
    const scaledMeans = means.map((mu) => mu.map((value) => a * value));
    return { dimension, means, variance, gain, logNormaliser, scaledMeans };
  }

  /** Checks a row-major point array and returns its number of rows. */
  function rowCount(x: Float64Array, name: string): number {
    if (!(x instanceof Float64Array) || x.length % dimension !== 0) {
      throw invalidOption(`${name}.x`, x, `a Float64Array whose length is a multiple of the dimension ${dimension}`, 'shape-mismatch');
    }
    return x.length / dimension;
  }

  /** Visits each row of `x` with its log-joint terms `log w_k + log N(x; a mu_k, v_k)` (float64, stable). */
  function forEachRow(x: Float64Array, terms: ObservationTerms, name: string, visit: (row: number, logits: Float64Array, maximum: number) => void): void {
    const logits = new Float64Array(count);
    for (let row = 0; row < x.length / dimension; row += 1) {
      let maximum = -Infinity;
      for (let k = 0; k < count; k += 1) {
        let quadratic = 0;
        for (let axis = 0; axis < dimension; axis += 1) {
          const value = x[row * dimension + axis]!;
          if (!Number.isFinite(value)) throw invalidOption(`${name}.x[${row * dimension + axis}]`, value, 'a finite number', 'non-finite');
          const difference = value - terms.scaledMeans[k]![axis]!;
          quadratic += (difference * difference) / terms.variance[k]![axis]!;
        }
        logits[k] = terms.logNormaliser[k]! - 0.5 * quadratic;
        if (logits[k]! > maximum) maximum = logits[k]!;
      }
      visit(row, logits, maximum);
    }
  }

  function marginalLogDensity(x: Float64Array, a: number, b: number, name = 'marginalLogDensity'): Float64Array {
    const terms = observationTerms(a, b, name);
    const out = new Float64Array(rowCount(x, name));
    forEachRow(x, terms, name, (row, logits, maximum) => {
      let total = 0;
      for (let k = 0; k < count; k += 1) total += Math.exp(logits[k]! - maximum);
      out[row] = maximum + Math.log(total);
    });
    return out;
  }

  function posteriorMeanArray(x: Float64Array, a: number, b: number, labels?: ArrayLike<number>, name = 'posteriorMeanArray'): Float64Array {
    const terms = observationTerms(a, b, name);
    const rows = rowCount(x, name);
    const classes = labels === undefined ? undefined : checkClassLabels(`${name}.labels`, labels, count, { nullClass: true });
    if (classes !== undefined && classes.length !== rows) throw invalidOption(`${name}.labels`, labels, `${rows} labels (one per row of x)`, 'shape-mismatch');
    const out = new Float64Array(rows * dimension);
    forEachRow(x, terms, name, (row, logits, maximum) => {
      const label = classes?.[row] ?? count;
      let total = 0;
      for (let k = 0; k < count; k += 1) total += (logits[k] = Math.exp(logits[k]! - maximum));
      for (let k = 0; k < count; k += 1) {
        // The class's own component (responsibility 1), or the mixture's responsibilities for the null class.
        const responsibility = label === count ? logits[k]! / total : k === label ? 1 : 0;
        if (responsibility === 0) continue;
        for (let axis = 0; axis < dimension; axis += 1) {
          const index = row * dimension + axis;
          // E[x0 | x, k] = mu_k + (a s_k^2 / v_k)(x - a mu_k)
          out[index]! += responsibility * (means[k]![axis]! + terms.gain[k]![axis]! * (x[index]! - terms.scaledMeans[k]![axis]!));
        }
      }
    });
    return out;
  }

  function sampleLabelledArray(sampleCount: number, random: RandomSource): LabelledPoints {
    checkNonNegativeInteger('sampleArray.count', sampleCount);
    const picks = random.uniforms(sampleCount);
    const noise = random.normals(sampleCount * dimension);
    const out = new Float64Array(sampleCount * dimension);
    const labels = new Int32Array(sampleCount);
    for (let row = 0; row < sampleCount; row += 1) {
      let k = 0;
      while (k < count - 1 && picks[row]! > cumulative[k]!) k += 1;
      labels[row] = k;
      for (let axis = 0; axis < dimension; axis += 1) {
        const index = row * dimension + axis;
        out[index] = means[k]![axis]! + Math.sqrt(variances[k]![axis]!) * noise[index]!;
      }
    }
    return { points: out, labels };
  }
  const sampleArray = (sampleCount: number, random: RandomSource): Float64Array => sampleLabelledArray(sampleCount, random).points;

  /** Reads and checks the labels of `classDenoiser` (a small read-back of `[rows]` integers). */
  function checkLabelTensor(x: Tensor, condition: unknown): void {
    const field = 'classDenoiser.condition';
    if (!(condition instanceof Tensor)) throw invalidOption(field, condition, 'an int32 tensor of class labels, or undefined', 'invalid-argument');
    const rows = x.size / dimension;
    if (condition.size !== rows || condition.rank > 1) {
      throw new DiffusionError('shape-mismatch', `${field}: got labels of shape [${condition.shape.join(', ')}]; expected [${rows}] (one per row of x).`, { field, value: condition.shape, allowed: `shape [${rows}]` });
    }
    checkClassLabels(field, condition.dataSync(), count, { nullClass: true });
  }

  const vpDenoiser = (x: Tensor, alpha: number, sigma: number): Tensor => denoiseMixtureTensor(x, observationTerms(alpha, sigma, 'vpDenoiser', ['alpha', 'sigma']), 'vpDenoiser');
  const veDenoiser: Denoiser = (x, sigma) => denoiseMixtureTensor(x, observationTerms(1, sigma, 'veDenoiser', ['a', 'sigma']), 'veDenoiser');
  const classDenoiser: ConditionalDenoiser = (x, sigma, condition) => {
    const terms = observationTerms(1, sigma, 'classDenoiser', ['a', 'sigma']);
    if (condition !== undefined) checkLabelTensor(x, condition);
    return denoiseMixtureTensor(x, terms, 'classDenoiser', condition);
  };
  const classNames = Array.from({ length: count }, (_, k) => `component ${k}`);

  return {
    name: 'gaussian-mixture',
    dimension,
    shape: [dimension],
    options: JSON.parse(JSON.stringify(options)) as GaussianMixtureOptions,
    weights,
    means,
    variances,
    mean,
    covariance,
    sampleArray,
    sample: (sampleCount, random) => tensor2d(Float32Array.from(sampleArray(sampleCount, random)), [sampleCount, dimension], 'float32'),
    numClasses: count,
    classNames,
    sampleLabelledArray,
    sampleLabelled(sampleCount, random) {
      const { points, labels } = sampleLabelledArray(sampleCount, random);
      return { x: tensor2d(Float32Array.from(points), [sampleCount, dimension], 'float32'), labels: tensor1d(labels, 'int32') };
    },
    logDensity: (points) => marginalLogDensity(points, 1, 0, 'logDensity'),
    marginalLogDensity: (x, a, b) => marginalLogDensity(x, a, b),
    posteriorMeanArray: (x, a, b) => posteriorMeanArray(x, a, b),
    classPosteriorMeanArray: (x, a, b, labels) => posteriorMeanArray(x, a, b, labels, 'classPosteriorMeanArray'),
    vpDenoiser,
    veDenoiser,
    classDenoiser,
  };
}
