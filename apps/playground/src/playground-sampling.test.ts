import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { datasetByName } from './playground-datasets';
import { buildPlaygroundRegistry, playgroundSamplers } from './playground-registry';
import { trainingSigmaRange as sigmaRange } from '@diffusion/schedules';
import { runSampling, sampleDistance, samplingLadder } from './playground-sampling';
import { samplerBudget } from './playground-settings';

describe('sampling on the page', () => {
  it('builds a falling Karras ladder over the sigmas each schedule trains on', () => {
    const { registry } = buildPlaygroundRegistry();
    for (const schedule of registry.schedules.values()) {
      const { sigmaMin, sigmaMax } = sigmaRange(schedule);
      const ladder = samplingLadder(schedule, 10);
      expect(ladder.length).toBe(11);
      expect(ladder[0]).toBeCloseTo(sigmaMax, 9);
      expect(ladder[9]).toBeCloseTo(sigmaMin, 9);
      expect(ladder[10]).toBe(0);
      for (let index = 1; index < 11; index += 1) expect(ladder[index]!).toBeLessThan(ladder[index - 1]!);
    }
  });

  it('draws the conformance mixture from its exact denoiser with every built-in sampler (exact sliced W1 near the sampling floor at NFE 30)', () => {
    const data = datasetByName('mixture');
    const schedule = buildPlaygroundRegistry('linear').schedule;
    const before = tf.memory().numTensors;
    for (const sampler of playgroundSamplers()) {
      const budget = samplerBudget(sampler, 30);
      if (!budget.ok) throw new Error(budget.message);
      const sigmas = samplingLadder(schedule, budget.steps);
      const run = runSampling({ sampler, denoise: data.mixture!.veDenoiser, sigmas, count: 600, seed: 3 });
      expect(run.evaluations).toBe(budget.evaluations);
      // A sampler on its own steps (dpm-fast) reads only the ladder's ends and reports its own steps.
      if (sampler.ownSteps === true) expect(run.frames.length).toBeLessThanOrEqual(budget.steps + 1);
      else expect(run.frames.length).toBe(budget.steps + 1);
      expect(run.frames[run.frames.length - 1]!.sigma).toBe(0);
      expect(run.samples.length).toBe(1200);
      const distance = sampleDistance(run.samples, data, 3);
      expect(distance.kind).toBe('exact');
      // 600 exact draws from the mixture score about 0.07 (the floor); 30 steps add a little
      // discretisation error, more for the stochastic samplers (measured: ODE <= 0.07, SDE <= 0.13).
      expect(distance.value, sampler.name).toBeLessThan(distance.floor + (sampler.stochastic ? 0.08 : 0.03));
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('scores plain noise far from the data and a data sample near it, for toys against a reference sample', () => {
    const data = datasetByName('two-moons');
    const noise = Float64Array.from({ length: 1000 }, (_, index) => Math.sin(index * 12.9898) * 4);
    const far = sampleDistance(noise, data, 1);
    expect(far.kind).toBe('sample');
    expect(far.value).toBeGreaterThan(5 * far.floor);
    expect(far.floor).toBeLessThan(0.15);
  });
});
