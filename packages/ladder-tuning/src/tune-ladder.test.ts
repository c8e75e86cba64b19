import { createRandomSource, DiffusionError, randomNormalTensor, type Sampler } from '@diffusion/core';
import { createConformanceMixture } from '@diffusion/data';
import { slicedWasserstein1ToMixture } from '@diffusion/metrics';
import { createDpmpp2mSampler, createEulerAncestralSampler, createEulerSampler } from '@diffusion/samplers';
import { createLinearSchedule, interpolateLadder, karrasSigmas, sigmasAtTimesteps, timestepsFor } from '@diffusion/schedules';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { parseLadder } from './ladder-sampling';
import { tuneLadder } from './tune-ladder';

const mixture = createConformanceMixture();
const schedule = createLinearSchedule({ betaStart: 1e-4, betaEnd: 0.02, numTrainTimesteps: 1000 });
const trailing = (steps: number) => sigmasAtTimesteps(schedule, timestepsFor(schedule, steps, { spacing: 'trailing', scheduler: 'ddim' }));
const karras = (steps: number) => karrasSigmas({ steps, sigmaMin: schedule.sigmaAtTimestep(0), sigmaMax: schedule.sigmaAtTimestep(999), rho: 7 });

/** Exact sliced W1 to the mixture of a ladder's samples, on noise no tuning or check pass has seen. */
function exactDistance(sampler: Sampler, ladder: Float64Array, count = 4000): number {
  const unit = randomNormalTensor(createRandomSource(99), [count, 2]);
  const start = tf.mul(unit, Math.sqrt(1 + ladder[0]! ** 2));
  const out = sampler.sample(mixture.veDenoiser, start, ladder, { seed: 5 });
  const value = slicedWasserstein1ToMixture(Float64Array.from(out.dataSync()), mixture);
  tf.dispose([unit, start, out]);
  return value;
}

describe('tuneLadder on the exact mixture denoiser', () => {
  const heldOut = mixture.sample(2000, createRandomSource(1234));

  it('lowers the exact sliced W1 of DPM-Solver++(2M) at 5 steps, tuned on held-out points and checked on other noise', () => {
    const sampler = createDpmpp2mSampler();
    const before = tf.memory().numTensors;
    const result = tuneLadder({ denoiser: mixture.veDenoiser, sampler, start: { trailing: trailing(5), karras: karras(5) }, heldOut, samples: 800, startScale: 'vp', search: { maxEvaluations: 40 } });
    expect(tf.memory().numTensors).toBe(before);
    expect(result.start.name).toBe('trailing');
    expect(result.tuning.candidates.karras).toBeGreaterThan(result.tuning.candidates.trailing!);
    expect(result.tuning.tuned).toBeLessThan(0.7 * result.tuning.start);
    expect(result.accepted).toBe(true);
    expect(result.check.tuned).toBeLessThan(0.7 * result.check.start);
    expect(Array.from(result.ladder)).toEqual(Array.from(result.tuned));
    expect(result.ladder[0]).toBe(result.start.ladder[0]);
    expect(result.samplerRuns).toBe(2 + 40 + 2 * 4); // candidates, search, both ladders on 4 check noises
    expect(result.check.difference + 2 * result.check.standardError).toBeLessThan(0);
    expect(result.denoiserCalls).toBe(result.samplerRuns * 5);
    // Measured against the exact mixture on a third noise: the improvement is real, not fitted to the held-out points.
    expect(exactDistance(sampler, result.ladder)).toBeLessThan(0.7 * exactDistance(sampler, result.start.ladder));
    // Serialises as a plain array and re-scales to other step counts (AYS's log-linear rule).
    const restored = parseLadder(JSON.parse(JSON.stringify(Array.from(result.ladder))));
    expect(Array.from(restored)).toEqual(Array.from(result.ladder));
    expect(interpolateLadder(restored, 10)).toHaveLength(11);
  });

  it('is deterministic for a stochastic sampler: the same seeds give the same ladder', () => {
    const options = { denoiser: mixture.veDenoiser, sampler: createEulerAncestralSampler(), start: trailing(4), heldOut, samples: 400, seed: 3, search: { maxEvaluations: 8 } } as const;
    const first = tuneLadder(options);
    const second = tuneLadder(options);
    expect(Array.from(first.tuned)).toEqual(Array.from(second.tuned));
    expect(first.check).toEqual(second.check);
    expect(first.start.name).toBe('start');
  });

  it('scores features, MMD, Fréchet distance and an objective function, batch by batch', () => {
    const sampler = createEulerSampler();
    const features = (x: tf.Tensor) => tf.tidy(() => tf.concat([x, tf.square(x)], 1));
    const common = { denoiser: mixture.veDenoiser, sampler, start: trailing(3), heldOut, samples: 200, search: { maxEvaluations: 2 } } as const;
    const before = tf.memory().numTensors;
    for (const objective of ['sliced-wasserstein', 'mmd', 'frechet'] as const) {
      const whole = tuneLadder({ ...common, objective, features });
      const batched = tuneLadder({ ...common, objective, features, batchSize: 128 });
      expect(Number.isFinite(whole.check.start)).toBe(true);
      expect(batched.tuning.start).toBeCloseTo(whole.tuning.start, 5);
    }
    let calls = 0;
    const { heldOut: _unused, ...withoutHeldOut } = common;
    const custom = tuneLadder({ ...withoutHeldOut, sampleShape: [2], objective: (samples) => ((calls += 1), tf.tidy(() => tf.mean(tf.abs(tf.sub(tf.moments(samples, 0).variance, 2.34))).dataSync()[0]!)) });
    expect(custom.objective).toBe('custom');
    expect(calls).toBe(custom.samplerRuns);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('returns the start when the tuned ladder scores worse on the check noise', () => {
    // Rewards spread on the 1 + 6 tuning passes and penalises it on the 8 check passes.
    let pass = 0;
    const spreadOf = (samples: tf.Tensor) => tf.tidy(() => tf.moments(samples).variance.dataSync()[0]!);
    const options = { denoiser: mixture.veDenoiser, sampler: createEulerSampler(), start: trailing(3), sampleShape: [2], samples: 50, search: { maxEvaluations: 6 } } as const;
    const result = tuneLadder({ ...options, objective: (samples) => ((pass += 1), pass <= 7 ? -spreadOf(samples) : spreadOf(samples)) });
    expect(pass).toBe(15);
    expect(result.tuning.tuned).toBeLessThan(result.tuning.start);
    expect(result.check.tuned).toBeGreaterThan(result.check.start);
    expect(result.accepted).toBe(false);
    expect(Array.from(result.ladder)).toEqual(Array.from(result.start.ladder));
    expect(Array.from(result.tuned)).not.toEqual(Array.from(result.start.ladder));
    pass = 0;
    const kept = tuneLadder({ ...options, keepStartIfWorse: false, objective: (samples) => ((pass += 1), pass <= 7 ? -spreadOf(samples) : spreadOf(samples)) });
    expect(kept.accepted).toBe(false);
    expect(Array.from(kept.ladder)).toEqual(Array.from(kept.tuned));
  });

  it('keeps the start on the exact mixture when a single check noise would accept a ladder that is worse', () => {
    // DPM-Solver++(2M) at 50 steps, where every standard ladder is near the metric's floor: the search
    // lowers the objective on its own tuning noise, the first check noise agrees, yet against the
    // exact mixture on a third noise the tuned ladder is worse (0.00969 against 0.00886).
    const sampler = createDpmpp2mSampler();
    const wide = mixture.sample(10000, createRandomSource(1234));
    const before = tf.memory().numTensors;
    const result = tuneLadder({ denoiser: mixture.veDenoiser, sampler, start: { trailing: trailing(50), karras: karras(50) }, heldOut: wide, samples: 1000, seed: 13, startScale: 'vp', search: { maxEvaluations: 60 } });
    expect(tf.memory().numTensors).toBe(before);
    expect(result.start.name).toBe('karras');
    expect(result.tuning.tuned).toBeLessThan(result.tuning.start);
    expect(result.check.runs.tuned[0]!).toBeLessThan(result.check.runs.start[0]!);
    expect(exactDistance(sampler, result.tuned, 20000)).toBeGreaterThan(1.05 * exactDistance(sampler, result.start.ladder, 20000));
    expect(result.accepted).toBe(false);
    expect(result.check.difference + 2 * result.check.standardError).toBeGreaterThanOrEqual(0);
    expect(Array.from(result.ladder)).toEqual(Array.from(result.start.ladder));
    wide.dispose();
  }, 120_000);

  it('keeps the start when the tuned ladder is better on one check noise but not beyond the paired spread', () => {
    // Tuning passes (1 + 6) reward spread; the check passes alternate start, tuned on each of four
    // check noises. The tuned ladder wins on the first check noise only, as one same-size check
    // would have accepted (the defect of #16: worse ladders accepted on check noise).
    const checkValues = [1, 0.9, 1, 1.1, 1, 0.95, 1, 1.05];
    let pass = 0;
    const spreadOf = (samples: tf.Tensor) => tf.tidy(() => tf.moments(samples).variance.dataSync()[0]!);
    const objective = (values: readonly number[]) => (samples: tf.Tensor) => {
      pass += 1;
      return pass <= 7 ? -spreadOf(samples) : values[pass - 8]!;
    };
    const options = { denoiser: mixture.veDenoiser, sampler: createEulerSampler(), start: trailing(3), sampleShape: [2], samples: 50, search: { maxEvaluations: 6 } } as const;
    const result = tuneLadder({ ...options, objective: objective(checkValues) });
    expect(pass).toBe(7 + 8);
    expect(result.samplerRuns).toBe(15);
    expect(result.check.runs).toEqual({ start: [1, 1, 1, 1], tuned: [0.9, 1.1, 0.95, 1.05] });
    expect(result.check.start).toBe(1);
    expect(result.check.tuned).toBeCloseTo(1, 12);
    expect(result.check.difference).toBeCloseTo(0, 12);
    expect(result.accepted).toBe(false);
    expect(Array.from(result.ladder)).toEqual(Array.from(result.start.ladder));
    // Better on every check noise: accepted.
    pass = 0;
    const better = tuneLadder({ ...options, objective: objective([1, 0.9, 1, 0.91, 1, 0.89, 1, 0.9]) });
    expect(better.accepted).toBe(true);
    expect(better.check.difference).toBeCloseTo(-0.1, 12);
    expect(Array.from(better.ladder)).toEqual(Array.from(better.tuned));
    // Better on average by two standard errors or less: kept at the default margin 2, accepted at margin 1.
    const close = [1, 0.9, 1, 1.02, 1, 0.93, 1, 0.95];
    pass = 0;
    expect(tuneLadder({ ...options, objective: objective(close) }).accepted).toBe(false);
    pass = 0;
    expect(tuneLadder({ ...options, checkMargin: 1, objective: objective(close) }).accepted).toBe(true);
    // Two check noises only: two pairs of check passes.
    pass = 0;
    const two = tuneLadder({ ...options, checkRepeats: 2, checkMargin: 0, objective: objective([1, 0.9, 1, 0.95]) });
    expect(two.samplerRuns).toBe(7 + 4);
    expect(two.accepted).toBe(true);
  });

  it('names the field, the value and what is allowed for bad input', () => {
    const base = { denoiser: mixture.veDenoiser, sampler: createEulerSampler(), start: trailing(3), heldOut } as const;
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ denoiser: 1 }, /tuneLadder\.denoiser/],
      [{ sampler: {} }, /tuneLadder\.sampler/],
      [{ start: { a: trailing(3), b: trailing(4) } }, /tuneLadder\.start\.b.*one length/],
      [{ start: [1, 2, 0] }, /tuneLadder\.start\[1\]/],
      [{ start: {} }, /tuneLadder\.start/],
      [{ objective: 'kl' }, /tuneLadder\.objective.*sliced-wasserstein/],
      [{ heldOut: undefined }, /tuneLadder\.heldOut/],
      [{ heldOut: tf.zeros([5]) }, /tuneLadder\.heldOut.*\[m, \.\.\.sampleShape\]/],
      [{ samples: 1 }, /tuneLadder\.samples/],
      [{ seed: 4, checkSeed: 4 }, /tuneLadder\.checkSeed.*independent/],
      [{ startScale: 'edm' }, /tuneLadder\.startScale/],
      [{ checkRepeats: 1 }, /tuneLadder\.checkRepeats.*at least 2/],
      [{ checkRepeats: 2.5 }, /tuneLadder\.checkRepeats/],
      [{ checkMargin: -1 }, /tuneLadder\.checkMargin/],
      [{ checkMargin: Number.NaN }, /tuneLadder\.checkMargin/],
      [{ steps: 5 }, /tuneLadder\.steps.*no such option/],
      [{ objective: () => 0, features: (x: tf.Tensor) => x }, /tuneLadder\.features/],
    ];
    for (const [change, message] of cases) {
      let error: unknown;
      try {
        tuneLadder({ ...base, ...change } as never);
      } catch (caught) {
        error = caught;
      }
      expect(error, JSON.stringify(Object.keys(change))).toBeInstanceOf(DiffusionError);
      expect((error as Error).message).toMatch(message);
    }
  });
});
