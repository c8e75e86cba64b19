import { createGaussianMixture } from '@diffusion/data';
import { builtinSamplers } from '@diffusion/samplers';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { datasetByName } from './playground-datasets';
import { sampleModel, type SampleableModel } from './playground-guided-sampling';
import { guiderNames } from './playground-guidance';
import { buildPlaygroundRegistry } from './playground-registry';
import { samplingLadder } from './playground-sampling';

const data = datasetByName('mixture');
const mixture = data.mixture!;
/** The mixture's exact class-conditional denoiser in place of a trained network: D_c and D_u are both exact. */
const exactModel: SampleableModel = { data, numClasses: mixture.numClasses, denoiser: () => mixture.classDenoiser };
const sampler = builtinSamplers().find((candidate) => candidate.name === 'dpmpp-2m')!;
const sigmas = samplingLadder(buildPlaygroundRegistry('linear').schedule, 20);
const run = (classChoice: 'all' | number, guider: string, guidanceScale: number, count = 1000) =>
  sampleModel(exactModel, { sampler, sigmas, count, seed: 5, ema: true, guidance: { classChoice, guider, guidanceScale } });

describe('guided sampling on the page (exact denoisers of the conformance mixture)', () => {
  it('moves the samples toward the picked class as the scale rises: the share nearest its component grows (closed form at w = 0, 1)', () => {
    // Two overlapping classes, N((±0.5, 0), 0.5² I): a draw of class 0 is nearest its own mean when
    // its first coordinate is > 0, with probability Phi(0.5 / 0.5) = Phi(1) = 0.8413 (w = 1); the
    // unconditional mixture puts half the samples on each side (w = 0).
    const overlapping = createGaussianMixture({ means: [[0.5, 0], [-0.5, 0]], std: 0.5 });
    const model: SampleableModel = { data: { name: 'overlap', dataset: overlapping, mixture: overlapping }, numClasses: 2, denoiser: () => overlapping.classDenoiser };
    const shares = [0, 1, 2, 4].map((guidanceScale) => sampleModel(model, { sampler, sigmas, count: 1000, seed: 5, ema: true, guidance: { classChoice: 0, guider: 'cfg', guidanceScale } }).nearestFraction!);
    console.log(`exact overlapping 2-class mixture, class 0, cfg, dpmpp-2m at 20 steps, 1000 samples: share nearest its component at w = 0, 1, 2, 4: ${shares.map((share) => share.toFixed(3)).join(', ')}`);
    // Binomial standard deviation at n = 1000: 0.016 (w = 0), 0.012 (w = 1).
    expect(Math.abs(shares[0]! - 0.5)).toBeLessThan(0.06);
    expect(Math.abs(shares[1]! - 0.8413)).toBeLessThan(0.045);
    expect(shares[2]!).toBeGreaterThan(shares[1]! + 0.03);
    expect(shares[3]!).toBeGreaterThan(shares[2]!);
  });

  it('puts every sample of a well-separated class at its component past w = 1, pushed outward more as w grows (conformance mixture)', () => {
    // The browser test's sampler and budget (dpmpp-2m, 12 steps, 600 points) on the exact denoisers.
    const ladder = samplingLadder(buildPlaygroundRegistry('linear').schedule, 12);
    const runs = [0, 1, 4, 8].map((guidanceScale) => sampleModel(exactModel, { sampler, sigmas: ladder, count: 600, seed: 0, ema: true, guidance: { classChoice: 0, guider: 'cfg', guidanceScale } }));
    console.log(`exact conformance mixture, class 0, cfg, dpmpp-2m at 12 steps, 600 samples, w = 0, 1, 4, 8: share nearest component 0 ${runs.map((run) => run.nearestFraction!.toFixed(3)).join(', ')}; sliced W1 to it ${runs.map((run) => run.distance.value.toFixed(3)).join(', ')} (floor ${runs[0]!.distance.floor.toFixed(3)})`);
    expect(runs[0]!.nearestFraction!).toBeLessThan(0.35);
    for (const run of runs.slice(1)) expect(run.nearestFraction!).toBeGreaterThan(0.99);
    // Sharpening past w = 1 moves samples away from the other classes, off the component's own law.
    expect(runs[1]!.distance.value).toBeLessThan(runs[1]!.distance.floor + 0.03);
    expect(runs[2]!.distance.value).toBeGreaterThan(runs[1]!.distance.value);
    expect(runs[3]!.distance.value).toBeGreaterThan(runs[2]!.distance.value);
  });

  it("draws the picked class's component at w = 1 and the whole mixture for 'all classes' (exact sliced W1 near the floor)", () => {
    for (const classChoice of ['all', 0, 3] as const) {
      const result = run(classChoice, 'cfg', 1, 400);
      expect(result.distance.classIndex).toBe(classChoice === 'all' ? undefined : classChoice);
      expect(result.distance.kind).toBe('exact');
      expect(result.distance.value, String(classChoice)).toBeLessThan(result.distance.floor + 0.04);
      if (classChoice !== 'all') expect(result.labels!.every((label) => label === classChoice)).toBe(true);
    }
  });

  it('sharpens every class at once past w = 1 with all classes picked', () => {
    const unguided = run('all', 'cfg', 0, 400);
    const guided = run('all', 'cfg', 4, 400);
    // At w = 0 the labels do not steer: about a quarter land nearest their own (random) class.
    expect(unguided.nearestFraction!).toBeLessThan(0.35);
    expect(guided.nearestFraction!).toBeGreaterThan(0.99);
  });

  it('counts two network evaluations per guided call and one at w = 1; the interval one outside it', () => {
    const alone = run(0, 'cfg', 1, 50);
    expect(alone.guider).toBeUndefined();
    expect(alone.evaluations).toBe(alone.calls);
    const cfg = run(0, 'cfg', 3, 50);
    expect(cfg.guider?.name).toBe('cfg');
    expect(cfg.evaluations).toBe(2 * cfg.calls);
    const interval = run(0, 'guidance-interval', 3, 50);
    const inside = Array.from(sigmas.subarray(0, 20)).filter((sigma) => sigma > 0.28 && sigma <= 5.42).length;
    // dpmpp-2m calls the denoiser once per step, at sigmas[0..19].
    expect(interval.evaluations).toBe(interval.calls + inside);
  });

  it('leaves no tensor behind across runs of every guider', () => {
    run(0, 'cfg', 2, 20);
    const before = tf.memory().numTensors;
    for (const guider of guiderNames) for (const scale of [0, 1, 6]) run(2, guider, scale, 40);
    sampleModel({ data: datasetByName('swiss-roll'), numClasses: undefined, denoiser: () => mixture.veDenoiser }, { sampler, sigmas, count: 40, seed: 1, ema: false, guidance: undefined });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('samples an unconditional model without labels or guidance', () => {
    const result = sampleModel({ data, numClasses: undefined, denoiser: () => mixture.veDenoiser }, { sampler, sigmas, count: 200, seed: 2, ema: false, guidance: { classChoice: 0, guider: 'cfg', guidanceScale: 4 } });
    expect(result.labels).toBeUndefined();
    expect(result.guidance).toBeUndefined();
    expect(result.nearestFraction).toBeUndefined();
    expect(result.evaluations).toBe(result.calls);
  });
});
