import { createRandomSource, randomNormalTensor } from '@diffusion/core';
import { createEightGaussians, createGaussianMixture } from '@diffusion/data';
import { createCircleDirections, slicedWasserstein1ToMixture } from '@diffusion/metrics';
import { createDpmpp2mSampler } from '@diffusion/samplers';
import { karrasLadder } from '@diffusion/testing';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createApgGuider } from './apg-guider';
import { createCfgGuider } from './cfg-guider';
import { createCfgRescaleGuider } from './cfg-rescale-guider';
import { createClassGuidanceDenoisers } from './class-guidance-denoisers';
import { createGuidanceIntervalGuider } from './guidance-interval-guider';
import type { BuiltinGuider, Float64GuidanceDenoisers } from './guider-definition';

// The exact test bed: on a class-conditional Gaussian mixture (the component is the class) both
// D_c = E[x0 | x, class] and D_u = E[x0 | x] are closed-form, so every guider's output is known
// exactly at every sigma, in float64, and sampling with guidance can be measured per class.
const mixture = createEightGaussians({ std: 0.35 });
const classes = mixture.numClasses;
const dimension = 2;

function float64Denoisers(labels: Int32Array): Float64GuidanceDenoisers {
  return {
    sampleSize: dimension,
    conditional: (x, sigma) => mixture.classPosteriorMeanArray(x, 1, sigma, labels),
    unconditional: (x, sigma) => mixture.classPosteriorMeanArray(x, 1, sigma, new Int32Array(labels.length).fill(classes)),
  };
}

/**
 * CFG through the scores instead of the posterior means: by Tweedie's formula
 * D = x + sigma^2 grad log p_sigma(x), so D_cfg = x + sigma^2 (w grad log p_c + (1 - w) grad log p_u),
 * with grad log N(x; mu_k, s_k^2 + sigma^2) = -(x - mu_k) / (s_k^2 + sigma^2) and the mixture's score
 * the responsibility-weighted sum of those.
 */
function cfgByScores(x: Float64Array, sigma: number, labels: Int32Array, guidanceScale: number): Float64Array {
  const out = new Float64Array(x.length);
  for (let row = 0; row < labels.length; row += 1) {
    const logits = Array.from({ length: classes }, (_, k) => {
      let total = Math.log(mixture.weights[k]!);
      for (let axis = 0; axis < dimension; axis += 1) {
        const variance = mixture.variances[k]![axis]! + sigma * sigma;
        total += -0.5 * Math.log(2 * Math.PI * variance) - (x[row * dimension + axis]! - mixture.means[k]![axis]!) ** 2 / (2 * variance);
      }
      return total;
    });
    const largest = Math.max(...logits);
    const unnormalised = logits.map((logit) => Math.exp(logit - largest));
    const total = unnormalised.reduce((sum, value) => sum + value, 0);
    for (let axis = 0; axis < dimension; axis += 1) {
      const score = (k: number) => -(x[row * dimension + axis]! - mixture.means[k]![axis]!) / (mixture.variances[k]![axis]! + sigma * sigma);
      const unconditionalScore = unnormalised.reduce((sum, value, k) => sum + (value / total) * score(k), 0);
      const guidedScore = guidanceScale * score(labels[row]!) + (1 - guidanceScale) * unconditionalScore;
      out[row * dimension + axis] = x[row * dimension + axis]! + sigma * sigma * guidedScore;
    }
  }
  return out;
}

/** Largest |a - b| relative to max(1, |b|, |x|) entry by entry (x: the input, the scale of the sums when sigma is large). */
function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>, x?: ArrayLike<number>): number {
  let largest = 0;
  for (let index = 0; index < expected.length; index += 1) {
    largest = Math.max(largest, Math.abs(actual[index]! - expected[index]!) / Math.max(1, Math.abs(expected[index]!), Math.abs(x?.[index] ?? 0)));
  }
  return largest;
}

const sigmaArbitrary = fc.double({ min: Math.log(0.002), max: Math.log(80), noNaN: true }).map(Math.exp);
const rowsArbitrary = fc.array(fc.tuple(fc.integer({ min: 0, max: classes - 1 }), fc.double({ min: -4, max: 4, noNaN: true }), fc.double({ min: -4, max: 4, noNaN: true })), { minLength: 1, maxLength: 8 });
const split = (rows: Array<[number, number, number]>, sigma: number) => ({
  labels: Int32Array.from(rows, ([label]) => label),
  x: Float64Array.from(rows.flatMap(([, a, b]) => [a * (1 + sigma), b * (1 + sigma)])),
});

describe('the exact test bed in float64 (plain JS)', () => {
  it('CFG equals the score-form closed form to round-off at every sigma and scale', () => {
    fc.assert(
      fc.property(rowsArbitrary, sigmaArbitrary, fc.double({ min: 0, max: 10, noNaN: true }), (rows, sigma, guidanceScale) => {
        const { labels, x } = split(rows, sigma);
        const guided = createCfgGuider({ guidanceScale }).guideFloat64(float64Denoisers(labels))(x, sigma);
        expect(relativeError(guided, cfgByScores(x, sigma, labels, guidanceScale))).toBeLessThan(1e-12);
      }),
      { numRuns: 300 },
    );
  });

  it('APG with eta = 1, no clamp and no momentum is CFG; with eta = 0 its update is orthogonal to D_c', () => {
    fc.assert(
      fc.property(rowsArbitrary, sigmaArbitrary, fc.double({ min: 0, max: 10, noNaN: true }), (rows, sigma, guidanceScale) => {
        const { labels, x } = split(rows, sigma);
        const denoisers = float64Denoisers(labels);
        const asCfg = createApgGuider({ guidanceScale, eta: 1 }).guideFloat64(denoisers)(x, sigma);
        expect(relativeError(asCfg, cfgByScores(x, sigma, labels, guidanceScale))).toBeLessThan(1e-12);
        const projected = createApgGuider({ guidanceScale, eta: 0 }).guideFloat64(denoisers)(x, sigma);
        const conditional = denoisers.conditional(x, sigma);
        for (let row = 0; row < labels.length; row += 1) {
          const update = [0, 1].map((axis) => projected[2 * row + axis]! - conditional[2 * row + axis]!);
          const along = update[0]! * conditional[2 * row]! + update[1]! * conditional[2 * row + 1]!;
          // The update is read back as D - D_c, which rounds at the size of D_c: bound by |D_c| (|update| + |D_c|).
          const conditionalNorm = Math.hypot(conditional[2 * row]!, conditional[2 * row + 1]!);
          expect(Math.abs(along)).toBeLessThanOrEqual(1e-13 * conditionalNorm * (Math.hypot(update[0]!, update[1]!) + conditionalNorm) * Math.max(1, Math.abs(guidanceScale - 1)));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('APG clamps the update to norm r: |D - D_c| <= (w - 1) r', () => {
    fc.assert(
      fc.property(rowsArbitrary, sigmaArbitrary, fc.double({ min: 1, max: 10, noNaN: true }), fc.double({ min: 0.01, max: 3, noNaN: true }), (rows, sigma, guidanceScale, normThreshold) => {
        const { labels, x } = split(rows, sigma);
        const denoisers = float64Denoisers(labels);
        const guided = createApgGuider({ guidanceScale, eta: 1, normThreshold }).guideFloat64(denoisers)(x, sigma);
        const conditional = denoisers.conditional(x, sigma);
        for (let row = 0; row < labels.length; row += 1) {
          const distance = Math.hypot(guided[2 * row]! - conditional[2 * row]!, guided[2 * row + 1]! - conditional[2 * row + 1]!);
          expect(distance).toBeLessThanOrEqual((guidanceScale - 1) * normThreshold * (1 + 1e-14) + 1e-15);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('CFG rescale with phi = 1 gives each sample the standard deviation of the conditional prediction, and is linear in phi', () => {
    fc.assert(
      fc.property(rowsArbitrary, sigmaArbitrary, fc.double({ min: 0, max: 10, noNaN: true }), fc.constantFrom('eps', 'v', 'x0'), (rows, sigma, guidanceScale, space) => {
        const { labels, x } = split(rows, sigma);
        const denoisers = float64Denoisers(labels);
        const run = (guidanceRescale: number) => createCfgRescaleGuider({ guidanceScale, guidanceRescale, space }).guideFloat64(denoisers)(x, sigma);
        const [plain, full, mixed] = [run(0), run(1), run(0.3)];
        expect(relativeError(plain, cfgByScores(x, sigma, labels, guidanceScale))).toBeLessThan(1e-12);
        expect(relativeError(mixed, plain.map((value, index) => 0.7 * value + 0.3 * full[index]!))).toBeLessThan(1e-12);
        const offset = space === 'x0' ? 0 : space === 'eps' ? 1 : 1 / (1 + sigma * sigma);
        const conditional = denoisers.conditional(x, sigma);
        for (let row = 0; row < labels.length; row += 1) {
          const shifted = (values: Float64Array) => [values[2 * row]! - offset * x[2 * row]!, values[2 * row + 1]! - offset * x[2 * row + 1]!];
          const deviation = (values: Float64Array) => Math.abs(shifted(values)[0]! - shifted(values)[1]!) / 2;
          // Round-off in a deviation (half a difference) scales with the numbers subtracted, not with the result.
          const magnitude = Math.max(1, ...shifted(full).map(Math.abs), ...shifted(conditional).map(Math.abs));
          const guidedDeviation = deviation(plain);
          if (guidedDeviation > 1e-9) expect(Math.abs(deviation(full) - deviation(conditional))).toBeLessThanOrEqual(1e-12 * magnitude);
        }
      }),
      // A counterexample CI drew (seed 1451800781): the two coordinates nearly equal, so each deviation is a small difference of numbers near 5.
      { numRuns: 200, examples: [[[[0, 3.9988454317051954, 3.9991980024614313], [0, 0, 0]], 1, 5.099240124595284e-8, 'eps']] },
    );
  });

  it('the guidance interval is D_c exactly outside (sigmaLow, sigmaHigh] and CFG inside', () => {
    const guider = createGuidanceIntervalGuider({ guidanceScale: 3, sigmaLow: 0.3, sigmaHigh: 5 });
    fc.assert(
      fc.property(rowsArbitrary, sigmaArbitrary, (rows, sigma) => {
        const { labels, x } = split(rows, sigma);
        const denoisers = float64Denoisers(labels);
        const guided = guider.guideFloat64(denoisers)(x, sigma);
        if (sigma > 0.3 && sigma <= 5) expect(relativeError(guided, cfgByScores(x, sigma, labels, 3))).toBeLessThan(1e-12);
        else expect(Array.from(guided)).toEqual(Array.from(denoisers.conditional(x, sigma)));
      }),
      { numRuns: 200 },
    );
  });
});

// A 12-dimensional class-conditional mixture for the float32 check: per-sample standard deviations
// and norms of 2-D points are ill-conditioned (the std of two nearly equal coordinates), those of
// image-like samples are not.
const wide = (() => {
  const random = createRandomSource(30);
  const means = Array.from({ length: 5 }, () => Array.from(random.normals(12), (value) => 1.5 * value));
  return createGaussianMixture({ means, std: Array.from({ length: 5 }, (_, k) => 0.3 + 0.1 * k), weights: [0.1, 0.2, 0.3, 0.25, 0.15] });
})();

function wideFloat64Denoisers(labels: Int32Array): Float64GuidanceDenoisers {
  return {
    sampleSize: wide.dimension,
    conditional: (x, sigma) => wide.classPosteriorMeanArray(x, 1, sigma, labels),
    unconditional: (x, sigma) => wide.classPosteriorMeanArray(x, 1, sigma, new Int32Array(labels.length).fill(wide.numClasses)),
  };
}

const guiders: ReadonlyArray<readonly [string, () => BuiltinGuider]> = [
  ['CFG w = 0', () => createCfgGuider({ guidanceScale: 0 })],
  ['CFG w = 4', () => createCfgGuider({ guidanceScale: 4 })],
  ['CFG rescale w = 4, eps', () => createCfgRescaleGuider({ guidanceScale: 4, guidanceRescale: 0.7 })],
  ['CFG rescale w = 4, v', () => createCfgRescaleGuider({ guidanceScale: 4, space: 'v' })],
  ['guidance interval w = 3', () => createGuidanceIntervalGuider({ guidanceScale: 3, sigmaLow: 0.3, sigmaHigh: 5 })],
  ['APG w = 5 (eta 0, r 1, momentum -0.5)', () => createApgGuider({ guidanceScale: 5, eta: 0, normThreshold: 1, momentum: -0.5 })],
];

describe('the exact test bed in float32 (tensors)', () => {
  it.each(guiders)('%s: the tensor guider on the tensor mixture matches the float64 guider along a ladder to float32 accuracy', (_name, build) => {
    const random = createRandomSource(21);
    const count = 64;
    const labels = Int32Array.from({ length: count }, (_, row) => row % wide.numClasses);
    const sigmas = karrasLadder(24).subarray(0, 24);
    const inputs = createClassGuidanceDenoisers(wide.classDenoiser, { labels, numClasses: wide.numClasses });
    const guided = build().guide(inputs);
    const exact = build().guideFloat64(wideFloat64Denoisers(labels));
    let largest = 0;
    for (const sigma of sigmas) {
      // Points of a trajectory's scale at this sigma, already rounded to float32.
      const x = Float64Array.from(Float32Array.from(random.normals(count * wide.dimension), (value) => value * Math.hypot(1.6, sigma)));
      const input = tf.tensor2d(Float32Array.from(x), [count, wide.dimension]);
      const output = guided(input, sigma);
      largest = Math.max(largest, relativeError(output.dataSync(), exact(x, sigma), x));
      tf.dispose([input, output]);
    }
    guided.dispose();
    inputs.dispose();
    expect(largest).toBeLessThan(2e-5);
  });
});

/** Per-class sliced W1 to the class's own component and the share of samples nearest their component's mean. */
function measure(samples: Float32Array, labels: Int32Array): { readonly wasserstein: number; readonly nearest: number } {
  let nearest = 0;
  let wasserstein = 0;
  for (let k = 0; k < classes; k += 1) {
    const rows = labels.reduce<number[]>((list, label, row) => (label === k ? [...list, row] : list), []);
    const points = Float64Array.from(rows.flatMap((row) => [samples[2 * row]!, samples[2 * row + 1]!]));
    wasserstein += slicedWasserstein1ToMixture(points, { weights: [1], means: [mixture.means[k]!], variances: [mixture.variances[k]!] }, { directions: createCircleDirections(32) }) / classes;
  }
  labels.forEach((label, row) => {
    const distances = mixture.means.map((mean) => Math.hypot(samples[2 * row]! - mean[0]!, samples[2 * row + 1]! - mean[1]!));
    if (distances.indexOf(Math.min(...distances)) === label) nearest += 1;
  });
  return { wasserstein, nearest: nearest / labels.length };
}

describe('sampling the exact test bed with CFG', () => {
  it('samples each class at w = 1, the mixture at w = 0, and sharpens the classes past w = 1', () => {
    const count = 480;
    const labels = Int32Array.from({ length: count }, (_, row) => row % classes);
    const sigmas = karrasLadder(20);
    const inputs = createClassGuidanceDenoisers(mixture.classDenoiser, { labels, numClasses: classes });
    const noise = tf.tidy(() => tf.mul(randomNormalTensor(createRandomSource(3), [count, dimension]), sigmas[0]!));
    const results = [0, 1, 3].map((guidanceScale) => {
      const guided = createCfgGuider({ guidanceScale }).guide(inputs);
      const samples = createDpmpp2mSampler().sample(guided, noise, sigmas);
      guided.dispose();
      const values = Float32Array.from(samples.dataSync());
      samples.dispose();
      return measure(values, labels);
    });
    tf.dispose(noise);
    inputs.dispose();
    // Exact draws from the components: the share nearest their own mean at w = 1 (~0.90 here).
    const { points, labels: drawnLabels } = mixture.sampleLabelledArray(8000, createRandomSource(8));
    const exact = measure(Float32Array.from(points), drawnLabels);
    const [unguided, conditional, sharpened] = results as [ReturnType<typeof measure>, ReturnType<typeof measure>, ReturnType<typeof measure>];
    // 480 draws: the binomial standard deviation of the share is about 0.014, the W1 floor about 0.1.
    expect(Math.abs(conditional.nearest - exact.nearest)).toBeLessThan(0.05);
    expect(conditional.wasserstein).toBeLessThan(0.15);
    expect(unguided.nearest).toBeLessThan(0.3);
    expect(unguided.wasserstein).toBeGreaterThan(4 * conditional.wasserstein);
    expect(sharpened.nearest).toBeGreaterThan(conditional.nearest + 0.04);
    expect(sharpened.wasserstein).toBeGreaterThan(conditional.wasserstein);
  });
});
