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
    expect(result.samplerRuns).toBe(2 + 40 + 2); // candidates, search, check
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
    // Rewards spread on the 1 + 6 tuning passes and penalises it on the 2 check passes.
    let pass = 0;
    const spreadOf = (samples: tf.Tensor) => tf.tidy(() => tf.moments(samples).variance.dataSync()[0]!);
    const options = { denoiser: mixture.veDenoiser, sampler: createEulerSampler(), start: trailing(3), sampleShape: [2], samples: 50, search: { maxEvaluations: 6 } } as const;
    const result = tuneLadder({ ...options, objective: (samples) => ((pass += 1), pass <= 7 ? -spreadOf(samples) : spreadOf(samples)) });
    expect(pass).toBe(9);
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
