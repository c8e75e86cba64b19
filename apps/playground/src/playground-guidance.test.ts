import { DiffusionError } from '@diffusion/core';
import { builtinGuiderFactories, type BuiltinGuider } from '@diffusion/guidance';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { datasetByName } from './playground-datasets';
import { createPlaygroundGuidance, describeGuider, guiderNames, samplingLabels } from './playground-guidance';

const data = datasetByName('mixture');
const mixture = data.mixture!;
const numClasses = mixture.numClasses;

/** Row-major 2-D points spread over the mixture's support and beyond. */
const points = (rows: number, seed: number) => Float64Array.from({ length: rows * 2 }, (_, index) => 3 * Math.sin(seed * 7.1 + index * 1.37) + Math.cos(index * 0.61));

function expectDiffusionError(run: () => unknown, field: RegExp): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(DiffusionError);
  expect((caught as DiffusionError).field).toMatch(field);
}

describe('the labels of a sampling run', () => {
  it('asks every sample for the picked class', () => {
    expect(Array.from(samplingLabels(2, 5, data.dataset, 0))).toEqual([2, 2, 2, 2, 2]);
  });

  it("draws 'all classes' in the data's own proportions, the same for the same seed", () => {
    const labels = samplingLabels('all', 4000, data.dataset, 7);
    expect(Array.from(labels)).toEqual(Array.from(samplingLabels('all', 4000, data.dataset, 7)));
    for (let k = 0; k < numClasses; k += 1) {
      const share = labels.filter((label) => label === k).length / labels.length;
      // Equal weights 0.25: four binomial standard deviations at n = 4000 is 0.027.
      expect(Math.abs(share - 0.25)).toBeLessThan(0.03);
    }
  });

  it('refuses a class outside [0, K) and a dataset without classes, naming the field', () => {
    for (const bad of [-1, 4, 1.5, Number.NaN]) expectDiffusionError(() => samplingLabels(bad, 3, data.dataset, 0), /^guidance\.classChoice$/);
    expectDiffusionError(() => samplingLabels(0, 3, datasetByName('swiss-roll').dataset, 0), /^guidance\.dataset$/);
  });
});

describe('the guided denoiser of the page', () => {
  it('is CFG on the exact class-conditional denoiser of the picked class at the picked scale (float64 closed form)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: numClasses - 1 }), fc.double({ min: 0, max: 8, noNaN: true }), fc.double({ min: 0.01, max: 20, noNaN: true }), fc.integer({ min: 0, max: 1000 }), (classIndex, guidanceScale, sigma, seed) => {
        const x = points(6, seed);
        const guidance = createPlaygroundGuidance(mixture.classDenoiser, { numClasses, labels: new Int32Array(6).fill(classIndex), guider: 'cfg', guidanceScale });
        const input = tf.tensor2d(Float32Array.from(x), [6, 2]);
        const output = guidance.denoise(input, sigma);
        const got = output.dataSync();
        input.dispose();
        output.dispose();
        guidance.dispose();
        // D = D_u + w (D_c - D_u) with D_c the class's component posterior mean, D_u the mixture's (x = x0 + sigma n).
        const rounded = Float64Array.from(Float32Array.from(x));
        const conditional = mixture.classPosteriorMeanArray(rounded, 1, sigma, new Int32Array(6).fill(classIndex));
        const unconditional = mixture.classPosteriorMeanArray(rounded, 1, sigma, new Int32Array(6).fill(numClasses));
        conditional.forEach((value, index) => {
          const expected = unconditional[index]! + guidanceScale * (value - unconditional[index]!);
          expect(Math.abs(got[index]! - expected)).toBeLessThan(2e-5 * (1 + guidanceScale) * Math.max(1, Math.abs(expected)));
        });
      }),
      { numRuns: 60 },
    );
  });

  it("runs every guider of @diffusion/guidance on the picked labels: the guider's own float64 path on the exact D_c, D_u", () => {
    const labels = Int32Array.from([0, 1, 2, 3, 1, 0]);
    const x = Float64Array.from(Float32Array.from(points(6, 3)));
    for (const name of guiderNames) {
      for (const guidanceScale of [0, 2.5, 8]) {
        for (const sigma of [0.05, 0.5, 3, 30]) {
          const guidance = createPlaygroundGuidance(mixture.classDenoiser, { numClasses, labels, guider: name, guidanceScale });
          expect(guidance.guider?.name).toBe(name);
          expect(guidance.guider?.options.guidanceScale).toBe(guidanceScale);
          const input = tf.tensor2d(Float32Array.from(x), [6, 2]);
          const output = guidance.denoise(input, sigma);
          const got = output.dataSync();
          tf.dispose([input, output]);
          guidance.dispose();
          const reference = (builtinGuiderFactories().find((factory) => factory.name === name)!.create({ guidanceScale }) as BuiltinGuider).guideFloat64({
            sampleSize: 2,
            conditional: (points, level) => mixture.classPosteriorMeanArray(points, 1, level, labels),
            unconditional: (points, level) => mixture.classPosteriorMeanArray(points, 1, level, new Int32Array(6).fill(numClasses)),
          })(x, sigma);
          reference.forEach((expected, index) => expect(Math.abs(got[index]! - expected), `${name} w=${guidanceScale} sigma=${sigma}`).toBeLessThan(5e-5 * Math.max(1, Math.abs(expected))));
        }
      }
    }
  });

  it('is the conditional denoiser alone at w = 1, at one evaluation per call; two elsewhere (the interval: one outside it)', () => {
    const labels = new Int32Array(4).fill(1);
    const alone = createPlaygroundGuidance(mixture.classDenoiser, { numClasses, labels, guider: 'apg', guidanceScale: 1 });
    expect(alone.guider).toBeUndefined();
    expect(alone.evaluations(1)).toBe(1);
    const x = tf.tensor2d(Float32Array.from(points(4, 9)), [4, 2]);
    const condition = tf.tensor1d(labels, 'int32');
    const direct = mixture.classDenoiser(x, 0.7, condition);
    const viaPage = alone.denoise(x, 0.7);
    expect(Array.from(viaPage.dataSync())).toEqual(Array.from(direct.dataSync()));
    tf.dispose([x, condition, direct, viaPage]);
    alone.dispose();
    const cfg = createPlaygroundGuidance(mixture.classDenoiser, { numClasses, labels, guider: 'cfg', guidanceScale: 3 });
    expect([cfg.evaluations(0.01), cfg.evaluations(50)]).toEqual([2, 2]);
    cfg.dispose();
    const interval = createPlaygroundGuidance(mixture.classDenoiser, { numClasses, labels, guider: 'guidance-interval', guidanceScale: 3 });
    expect([interval.evaluations(0.1), interval.evaluations(1), interval.evaluations(50)]).toEqual([1, 2, 1]);
    interval.dispose();
  });

  it('refuses an unknown guider, a scale outside [0, 8] and labels outside [0, K) with a DiffusionError naming the field', () => {
    const labels = [0, 1];
    expectDiffusionError(() => createPlaygroundGuidance(mixture.classDenoiser, { numClasses, labels, guider: 'pag', guidanceScale: 2 }), /^guidance\.guider$/);
    for (const guidanceScale of [Number.NaN, -0.5, 8.01, Number.POSITIVE_INFINITY, '2' as unknown as number]) {
      expectDiffusionError(() => createPlaygroundGuidance(mixture.classDenoiser, { numClasses, labels, guider: 'cfg', guidanceScale }), /^guidance\.guidanceScale$/);
    }
    // The label K is the null class: not a class one can ask for.
    expectDiffusionError(() => createPlaygroundGuidance(mixture.classDenoiser, { numClasses, labels: [0, numClasses], guider: 'cfg', guidanceScale: 2 }), /labels\[1\]$/);
  });

  it('leaves no tensor behind, for every guider, over a run of calls', () => {
    const labels = Int32Array.from([0, 1, 2, 3]);
    const x = tf.tensor2d(Float32Array.from(points(4, 1)), [4, 2]);
    const before = tf.memory().numTensors;
    for (const name of guiderNames) {
      for (const guidanceScale of [0, 1, 4]) {
        const guidance = createPlaygroundGuidance(mixture.classDenoiser, { numClasses, labels, guider: name, guidanceScale });
        for (const sigma of [40, 5, 1, 0.3, 0.05]) guidance.denoise(x, sigma).dispose();
        guidance.dispose();
        expect(tf.memory().numTensors, `${name} at w = ${guidanceScale}`).toBe(before);
      }
    }
    x.dispose();
  });

  it('describes each guider with the options it runs with', () => {
    expect(describeGuider('cfg')).toMatch(/D_u \+ w \(D_c − D_u\)/);
    expect(describeGuider('cfg-rescale')).toMatch(/"guidanceRescale":0\.7/);
    expect(describeGuider('guidance-interval')).toMatch(/"sigmaLow":0\.28,"sigmaHigh":5\.42/);
    expect(describeGuider('apg')).toMatch(/"eta":0/);
    expect(describeGuider('nope')).toBe('');
  });
});
