import { writeFileSync } from 'node:fs';
import { createEpsParameterisation, createFlowParameterisation, createVParameterisation, createX0Parameterisation } from '@diffusion/parameterisations';
import {
  createDdimSampler, createDdpmSampler, createDpmpp2mSampler, createDpmpp2mSdeSampler, createDpmpp3mSampler,
  createEulerAncestralSampler, createEulerSampler, createHeunSampler, createLmsSampler, createUnipcSampler,
} from '@diffusion/samplers';
import { createCosineSchedule, createDiscreteSchedule, createFlowMatchingSchedule, createLinearSchedule, createScaledLinearSchedule, createSigmoidSchedule, fromDiffusersConfig } from '@diffusion/schedules';
import { describe, expect, it } from 'vitest';
import reference from '../__fixtures__/to-diffusers-scheduler-configs.json';
import { readDiffusersSchedulerConfig } from './read-diffusers-scheduler-config';
import { toDiffusersSchedulerConfig } from './to-diffusers-scheduler-config';
import type { ToDiffusersSchedulerConfigOptions } from './to-diffusers-scheduler-config';

// Each config below was written by toDiffusersSchedulerConfig, loaded by diffusers v0.31.0
// (float64, Class.from_config + set_timesteps(n)) and its numbers stored; the written config must
// not change, and our reading of it must give diffusers' numbers and our schedule's betas.
const lambdas = Array.from({ length: 100 }, (_, index) => Math.sqrt(1 - (0.0005 + 0.0004 * index)));
const cases: Record<string, ToDiffusersSchedulerConfigOptions> = {
  'linear eps (DDPMPipeline default)': { schedule: createLinearSchedule(), parameterisation: createEpsParameterisation() },
  'ddpm sampler with beta variance': { schedule: createLinearSchedule(), sampler: createDdpmSampler({ variance: 'beta' }), clipSample: true },
  'scaled-linear v, DDIM, trailing': { schedule: createScaledLinearSchedule(), parameterisation: createVParameterisation(), sampler: createDdimSampler(), timestepSpacing: 'trailing' },
  'cosine x0, Euler, Karras': { schedule: createCosineSchedule({ numTrainTimesteps: 1000 }), parameterisation: createX0Parameterisation(), sampler: createEulerSampler(), extra: { use_karras_sigmas: true } },
  'zero-SNR linear v, DPM-Solver++ 2M': { schedule: createLinearSchedule({ rescaleBetasZeroSnr: true }), parameterisation: createVParameterisation(), sampler: createDpmpp2mSampler(), timestepSpacing: 'trailing' },
  'sigmoid, DDPM (named)': { schedule: createSigmoidSchedule({ numTrainTimesteps: 1000 }), parameterisation: createEpsParameterisation() },
  'sigmoid, Euler ancestral (trained_betas)': { schedule: createSigmoidSchedule({ numTrainTimesteps: 1000 }), sampler: createEulerAncestralSampler() },
  'per-step lambdas, Heun (trained_betas)': { schedule: createDiscreteSchedule({ lambdas }), sampler: createHeunSampler() },
  'LMS, leading offset 1': { schedule: createScaledLinearSchedule(), sampler: createLmsSampler(), timestepSpacing: 'leading', stepsOffset: 1 },
  'DPM-Solver++ 3M': { schedule: createLinearSchedule(), sampler: createDpmpp3mSampler() },
  'DPM-Solver++ 2M SDE heun': { schedule: createLinearSchedule(), sampler: createDpmpp2mSdeSampler({ solverType: 'heun' }) },
  'UniPC order 3': { schedule: createLinearSchedule(), sampler: createUnipcSampler({ order: 3 }) },
  'flow matching, shift 3': { schedule: createFlowMatchingSchedule({ shift: 3 }), parameterisation: createFlowParameterisation() },
};

interface Stored {
  config: Record<string, unknown>;
  n: number;
  timesteps: number[];
  sigmas: number[] | null;
  init_noise_sigma: number;
  alphas_cumprod: Record<string, number> | null;
}

function close(actual: ArrayLike<number>, expected: readonly number[], tolerance = 1e-10): number {
  expect(actual.length).toBe(expected.length);
  return Math.max(0, ...expected.map((value, index) => Math.abs(actual[index]! - value) / Math.max(Math.abs(value), 1e-6)));
}

describe('toDiffusersSchedulerConfig', () => {
  const written = Object.fromEntries(Object.entries(cases).map(([name, options]) => [name, toDiffusersSchedulerConfig(options)]));
  if (process.env.DIFFUSERS_DUMP !== undefined) writeFileSync(process.env.DIFFUSERS_DUMP, JSON.stringify(written));

  for (const [name, options] of Object.entries(cases)) {
    it(`writes a config diffusers reads into the same numbers: ${name}`, () => {
      const stored = (reference.cases as Record<string, Stored>)[name]!;
      expect(written[name]).toEqual(stored.config);
      const setup = fromDiffusersConfig(stored.config);
      const run = setup.setTimesteps(stored.n);
      expect(close(run.timesteps, stored.timesteps)).toBeLessThan(1e-10);
      if (stored.sigmas !== null) expect(close(run.sigmas, stored.sigmas)).toBeLessThan(1e-10);
      expect(close([run.initNoiseSigma], [stored.init_noise_sigma])).toBeLessThan(1e-10);
      if (stored.alphas_cumprod !== null && setup.kind === 'discrete') {
        // diffusers' alphas_cumprod (float64) is our schedule's.
        const ours = (options.schedule as unknown as { alphasCumprod: Float64Array }).alphasCumprod;
        const last = ours.length - 1;
        for (const [index, value] of Object.entries(stored.alphas_cumprod)) {
          // The last entry of a zero-SNR table is 0 (ours) or 2^-24 (diffusers' Euler / DPM-Solver / UniPC patch, which we reproduce in setup.alphasCumprod).
          if (Number(index) === last && ours[last] === 0) expect(setup.alphasCumprod[last]).toBe(value);
          else expect(Math.abs(ours[Number(index)]! - value) / value).toBeLessThan(1e-12);
        }
      }
      // And our sampler is read back as the same algorithm.
      if (options.sampler !== undefined && setup.kind === 'discrete' && !['DDIMScheduler', 'DDPMScheduler'].includes(setup.className)) {
        const mapping = readDiffusersSchedulerConfig(stored.config).samplerFor(stored.n);
        expect(mapping.sampler.name).toBe(options.sampler.name === 'dpmpp-2m-sde' && options.sampler.options.eta === 0 ? 'dpmpp-2m-sde' : options.sampler.name);
        expect(mapping.exact).toBe(true);
      }
    });
  }

  it('refuses what diffusers cannot express', () => {
    expect(() => toDiffusersSchedulerConfig({ schedule: createCosineSchedule() })).toThrow(/continuous schedule "cosine"/);
    expect(() => toDiffusersSchedulerConfig({ schedule: createLinearSchedule({ rescaleBetasZeroSnr: true }), className: 'PNDMScheduler' })).toThrow(/rescale_betas_zero_snr/);
    expect(() => toDiffusersSchedulerConfig({ schedule: createLinearSchedule(), sampler: createUnipcSampler({ variant: 'bh1' }) })).toThrow(/bh1/);
    expect(() => toDiffusersSchedulerConfig({ schedule: createLinearSchedule(), extra: { shift: 3 } })).toThrow(/extra\.shift/);
    expect(() => toDiffusersSchedulerConfig({ schedule: createFlowMatchingSchedule(), parameterisation: createEpsParameterisation() })).toThrow(/flow-matching schedule with the flow parameterisation/);
  });
});
