import { DiffusionError, createRandomSource, randomNormalTensor, type Sampler } from '@diffusion/core';
import { memory, mul } from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { gaussianDenoiser, gaussianOdeEnd, karrasLadder } from './__fixtures__/gaussian';
import { createMixtureDenoiser } from './__fixtures__/mixture';
import { createDpmAdaptiveSampler } from './dpm-adaptive-sampler';
import { createDpmFastSampler } from './dpm-fast-sampler';

const figures: string[] = [];

/** Runs on the Gaussian closed form from sigma 80: largest error against the exact ODE end, calls counted and reported. */
function gaussianRun(sampler: Sampler): { error: number; calls: number; reported: number | undefined; steps: number } {
  const noise = mul(randomNormalTensor(createRandomSource(3), [256, 2]), 80);
  const exact = gaussianOdeEnd(noise.dataSync(), 80);
  let calls = 0;
  let reported: number | undefined;
  let steps = 0;
  const output = sampler.sample(
    (x, sigma) => {
      calls += 1;
      return gaussianDenoiser(x, sigma);
    },
    noise,
    karrasLadder(10),
    { onStep: ({ evaluations }) => ((reported = evaluations), (steps += 1)) },
  );
  const values = Array.from(output.dataSync());
  output.dispose();
  noise.dispose();
  return { error: values.reduce((worst, value, index) => Math.max(worst, Math.abs(value - exact[index]!)), 0), calls, reported, steps };
}

describe('dpm-adaptive', () => {
  it('is adaptive: it reads only the range of the ladder, and its NFE comes from onStep', () => {
    const sampler = createDpmAdaptiveSampler();
    expect(sampler.adaptive).toBe(true);
    expect(sampler.ownSteps).toBe(true);
    expect(() => sampler.evaluations(10)).toThrow(DiffusionError);
    expect(() => sampler.evaluations(10)).toThrow(/chooses its steps from its tolerance; its NFE is the `evaluations` of the last onStep event/);
    const a = gaussianRun(sampler);
    const noise = mul(randomNormalTensor(createRandomSource(3), [256, 2]), 80);
    const other = sampler.sample(gaussianDenoiser, noise, Float64Array.of(80, 0.5, 0.002, 0));
    const b = gaussianRun(sampler);
    expect(Array.from(other.dataSync()).length).toBe(512);
    other.dispose();
    noise.dispose();
    expect(b).toEqual(a);
  });

  it.each([2, 3] as const)('order %i: the error on the Gaussian closed form falls as the tolerance tightens, the NFE it reports rises', (order) => {
    const runs = [1e-1, 1e-2, 1e-3, 1e-4].map((tolerance) => ({ tolerance, ...gaussianRun(createDpmAdaptiveSampler({ order, rtol: tolerance, atol: tolerance })) }));
    for (const run of runs) {
      expect(run.reported).toBe(run.calls);
      figures.push(`order ${order}, rtol = atol = ${run.tolerance}: NFE ${run.calls} (${run.steps - 1} accepted steps), largest error ${run.error.toExponential(2)}`);
    }
    for (let index = 1; index < runs.length; index += 1) {
      expect(runs[index]!.error).toBeLessThan(runs[index - 1]!.error);
      expect(runs[index]!.calls).toBeGreaterThan(runs[index - 1]!.calls);
    }
    expect(runs.at(-1)!.error).toBeLessThan(1e-3);
  });

  it('keeps tf.memory().numTensors flat across accepted steps, rejected tries included', () => {
    const noise = mul(randomNormalTensor(createRandomSource(4), [64, 2]), 80);
    const before = memory().numTensors;
    const counts: number[] = [];
    // h_init 2 forces rejections at the start.
    const output = createDpmAdaptiveSampler({ hInit: 2, rtol: 0.01 }).sample(createMixtureDenoiser(), noise, karrasLadder(5), { onStep: () => void counts.push(memory().numTensors) });
    expect(new Set(counts.slice(1, -1)).size).toBe(1);
    output.dispose();
    expect(memory().numTensors).toBe(before);
    noise.dispose();
  });

  it('rejects bad options naming the option', () => {
    expect(() => createDpmAdaptiveSampler({ order: 1 as never })).toThrow(/createDpmAdaptiveSampler\.order: got 1; expected 2 \(DPM-Solver-12\) or 3 \(DPM-Solver-23\)/);
    expect(() => createDpmAdaptiveSampler({ atol: 0 })).toThrow(/createDpmAdaptiveSampler\.atol/);
    expect(() => createDpmAdaptiveSampler({ rtol: -1 })).toThrow(/createDpmAdaptiveSampler\.rtol/);
    expect(() => createDpmAdaptiveSampler({ hInit: 0 })).toThrow(/createDpmAdaptiveSampler\.hInit/);
    expect(() => createDpmAdaptiveSampler({ acceptSafety: 1.5 })).toThrow(/createDpmAdaptiveSampler\.acceptSafety/);
    expect(() => createDpmAdaptiveSampler({ pcoeff: Number.NaN })).toThrow(/createDpmAdaptiveSampler\.pcoeff/);
    expect(() => createDpmAdaptiveSampler({ tolerance: 1 } as never)).toThrow(/tolerance/);
    expect(() => createDpmFastSampler({ eta: -1 })).toThrow(/createDpmFastSampler\.eta/);
    expect(() => createDpmFastSampler({ noiseSource: 'white' as never })).toThrow(/createDpmFastSampler\.noiseSource/);
  });

  it('needs a ladder with a sigma between sigmas[0] and 0 (its range)', () => {
    const noise = mul(randomNormalTensor(createRandomSource(4), [8, 2]), 80);
    for (const sampler of [createDpmAdaptiveSampler(), createDpmFastSampler()]) expect(() => sampler.sample(gaussianDenoiser, noise, Float64Array.of(80, 0))).toThrow(/sigmas/);
    noise.dispose();
  });
});

afterAll(() => {
  if (figures.length > 0) console.log(`dpm-adaptive on the Gaussian closed form, sigma 80 -> 0.002:\n  ${figures.join('\n  ')}`);
});
