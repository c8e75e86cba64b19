import { describe, expect, it } from 'vitest';
import reference from './__fixtures__/diffusers-set-timesteps.json';
import { fromDiffusersConfig } from './diffusers-config';
import type { DiffusersSchedulerConfig } from './diffusers-config';

// diffusers v0.31.0's schedulers run in float64 (the v0.31.0 source with float32 replaced by
// float64; see meta): every class and number-changing key, n in {4, 10, …}.
const relativeTolerance = 1e-10;

function relativeError(actual: ArrayLike<number>, expected: readonly number[]): number {
  expect(actual.length).toBe(expected.length);
  let largest = 0;
  expected.forEach((value, index) => {
    const difference = Math.abs(actual[index]! - value);
    largest = Math.max(largest, value === 0 ? (difference <= 1e-14 ? 0 : Infinity) : difference / Math.abs(value));
  });
  return largest;
}

const largest: Record<string, number> = {};
function record(kind: string, error: number): void {
  largest[kind] = Math.max(largest[kind] ?? 0, error);
  expect(error, kind).toBeLessThan(relativeTolerance);
}

interface Case {
  name: string;
  config: DiffusersSchedulerConfig;
  n: number;
  mu?: number;
  timesteps: number[];
  sigmas?: number[];
  init_noise_sigma: number | null;
  num_inference_steps: number;
  final_alpha_cumprod?: number;
}

describe('set_timesteps against diffusers v0.31.0 (float64)', () => {
  for (const entry of reference.cases as Case[]) {
    it(`matches ${entry.name}, n = ${entry.n}`, () => {
      const setup = fromDiffusersConfig(entry.config, entry.mu === undefined ? {} : { mu: entry.mu });
      const run = setup.setTimesteps(entry.n);
      record('timesteps', relativeError(run.timesteps, entry.timesteps));
      expect(run.numInferenceSteps).toBe(entry.num_inference_steps);
      record('initNoiseSigma', relativeError([run.initNoiseSigma], [entry.init_noise_sigma ?? 1]));
      if (entry.sigmas !== undefined) record('sigmas', relativeError(run.sigmas, entry.sigmas));
      if (entry.final_alpha_cumprod !== undefined && setup.className === 'DDIMScheduler') record('finalAlphaCumprod', relativeError([run.finalAlphaCumprod!], [entry.final_alpha_cumprod]));
      // The ladder for our samplers: falling, ending in 0, one entry per step plus the 0.
      expect(run.ladder[run.ladder.length - 1]).toBe(0);
      expect(run.ladderTimesteps.length).toBe(run.ladder.length - 1);
    });
  }
  it('reports the largest errors', () => {
    console.info('set_timesteps, largest relative errors vs diffusers v0.31.0 (float64):', JSON.stringify(largest));
    expect(Object.keys(largest)).toEqual(expect.arrayContaining(['timesteps', 'sigmas', 'initNoiseSigma']));
  });
});
