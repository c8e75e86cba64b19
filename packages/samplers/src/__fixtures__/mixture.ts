// Test-only helpers (not exported): the exact denoiser of the conformance Gaussian mixture and
// the linear DDPM schedule, in float64 plain JS, from /work/shared/conformance/README.md
// ("Analytic denoiser"). Tensors cross in and out as float32 only at the edge.
import { tensor, type Tensor } from '@tensorflow/tfjs-core';

export const mixtureMeans: readonly (readonly [number, number])[] = [
  [1.5, 1.5],
  [1.5, -1.5],
  [-1.5, 1.5],
  [-1.5, -1.5],
];
export const mixtureStd = 0.3;
export const trainTimesteps = 1000;

/** ᾱ of the linear schedule 1e-4..0.02, T = 1000: `cumprod(1 − linspace(1e-4, 0.02, 1000))`. */
export function linearAlphasCumprod(): Float64Array {
  const out = new Float64Array(trainTimesteps);
  const step = (0.02 - 1e-4) / (trainTimesteps - 1);
  let product = 1;
  for (let index = 0; index < trainTimesteps; index += 1) {
    const beta = index === trainTimesteps - 1 ? 0.02 : 1e-4 + index * step;
    product *= 1 - beta;
    out[index] = product;
  }
  return out;
}

export const alphasCumprod = linearAlphasCumprod();
/** sqrt((1 − ᾱ)/ᾱ) at each integer timestep. */
export const trainSigmas = Float64Array.from(alphasCumprod, (abar) => Math.sqrt((1 - abar) / abar));

/** sigma(t) for fractional t: `np.interp(t, arange(1000), trainSigmas)`. */
export function sigmaAt(t: number): number {
  if (t <= 0) return trainSigmas[0]!;
  if (t >= trainTimesteps - 1) return trainSigmas[trainTimesteps - 1]!;
  const low = Math.floor(t);
  const weight = t - low;
  return weight === 0 ? trainSigmas[low]! : trainSigmas[low]! * (1 - weight) + trainSigmas[low + 1]! * weight;
}

/** ᾱ(t): exact table for integer t, `1/(1 + sigma(t)²)` otherwise (the README's mapping). */
export function abarAt(t: number): number {
  if (Number.isInteger(t) && t >= 0) return alphasCumprod[t]!;
  const sigma = sigmaAt(t);
  return 1 / (1 + sigma * sigma);
}

/** Posterior mean E[x0 | x] for rows of `x` (n × 2) observed as `a x0 + b n`. */
export function posteriorMean(x: ArrayLike<number>, a: number, b: number): Float64Array {
  const count = x.length / 2;
  const v = a * a * mixtureStd * mixtureStd + b * b;
  const out = new Float64Array(x.length);
  const logits = new Float64Array(4);
  for (let row = 0; row < count; row += 1) {
    const x0 = x[2 * row]!;
    const x1 = x[2 * row + 1]!;
    let largest = Number.NEGATIVE_INFINITY;
    mixtureMeans.forEach(([m0, m1], k) => {
      const d0 = x0 - a * m0;
      const d1 = x1 - a * m1;
      logits[k] = Math.log(0.25) - (d0 * d0 + d1 * d1) / (2 * v);
      largest = Math.max(largest, logits[k]!);
    });
    let total = 0;
    for (let k = 0; k < 4; k += 1) total += Math.exp(logits[k]! - largest);
    let mean0 = 0;
    let mean1 = 0;
    mixtureMeans.forEach(([m0, m1], k) => {
      const r = Math.exp(logits[k]! - largest) / total;
      const gain = (a * mixtureStd * mixtureStd) / v;
      mean0 += r * (m0 + gain * (x0 - a * m0));
      mean1 += r * (m1 + gain * (x1 - a * m1));
    });
    out[2 * row] = mean0;
    out[2 * row + 1] = mean1;
  }
  return out;
}

/** VP epsilon prediction of the exact model at ᾱ: `(x − a x0̂)/b`. */
export function epsilonVp(x: ArrayLike<number>, abar: number): Float64Array {
  const a = Math.sqrt(abar);
  const b = Math.sqrt(1 - abar);
  const x0 = posteriorMean(x, a, b);
  return Float64Array.from(x0, (value, index) => (x[index]! - a * value) / b);
}

/** VP v prediction of the exact model at ᾱ: `a ε̂ − b x0̂`. */
export function velocityVp(x: ArrayLike<number>, abar: number): Float64Array {
  const a = Math.sqrt(abar);
  const b = Math.sqrt(1 - abar);
  const x0 = posteriorMean(x, a, b);
  return Float64Array.from(x0, (value, index) => a * ((x[index]! - a * value) / b) - b * value);
}

export type ModelOutput = 'x0' | 'epsilon' | 'v_prediction';

/** A counting sigma-space denoiser `D(x; sigma)` of the exact mixture, read through a VP network output. */
export interface CountingDenoiser {
  (x: Tensor, sigma: number): Tensor;
  calls: number;
  sigmas: number[];
}

/**
 * The exact denoiser in sigma-space. `'x0'` evaluates `E[x0 | x0 + sigma n]` directly (a = 1,
 * b = sigma); `'epsilon'` and `'v_prediction'` evaluate the VP network output at `x_VP = x/sqrt(1+sigma²)`
 * and convert it back to x0 as a parameterisation would.
 */
export function createMixtureDenoiser(output: ModelOutput = 'x0'): CountingDenoiser {
  const denoise = ((x: Tensor, sigma: number) => {
    denoise.calls += 1;
    denoise.sigmas.push(sigma);
    const values = Float64Array.from(x.dataSync());
    let x0: Float64Array;
    if (output === 'x0') x0 = posteriorMean(values, 1, sigma);
    else {
      const abar = 1 / (1 + sigma * sigma);
      const a = Math.sqrt(abar);
      const b = Math.sqrt(1 - abar);
      const xVp = Float64Array.from(values, (value) => value * a);
      if (output === 'epsilon') {
        const eps = epsilonVp(xVp, abar);
        x0 = Float64Array.from(xVp, (value, index) => (value - b * eps[index]!) / a);
      } else {
        const v = velocityVp(xVp, abar);
        x0 = Float64Array.from(xVp, (value, index) => a * value - b * v[index]!);
      }
    }
    return tensor(Float32Array.from(x0), x.shape, 'float32');
  }) as CountingDenoiser;
  denoise.calls = 0;
  denoise.sigmas = [];
  return denoise;
}

/** Largest `|actual − expected| / max(1, |expected|)` over two equally long arrays. */
export function largestScaledError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} != ${expected.length}`);
  let worst = 0;
  for (let index = 0; index < actual.length; index += 1) {
    worst = Math.max(worst, Math.abs(actual[index]! - expected[index]!) / Math.max(1, Math.abs(expected[index]!)));
  }
  return worst;
}
