import { describe, expect, it } from 'vitest';
import reference from './__fixtures__/schedules.json';
import { createCosineSchedule } from './cosine-schedule';
import { eulerSigmas } from './euler-sigmas';
import { exponentialSigmas } from './exponential-sigmas';
import { fromDiffusersConfig } from './diffusers-config';
import type { DiffusersSchedulerConfig } from './diffusers-config';
import { karrasSigmas } from './karras-sigmas';
import { createLinearSchedule, createScaledLinearSchedule } from './linear-schedule';
import { createSigmoidSchedule } from './sigmoid-schedule';
import { timestepsFor } from './timestep-spacing';
import type { TimestepScheduler } from './timestep-spacing';

// diffusers 0.40.0.dev0 and k-diffusion 0.2.0.dev0 run in float64 (see the fixture's meta).
// Tolerance: 1e-10 relative; an exact 0 in the reference must be matched to 1e-14 absolute.
const relativeTolerance = 1e-10;
const absoluteTolerance = 1e-14;

/** Largest relative error of `actual` against `expected` (entries where expected = 0 count |actual| / 1e-4). */
function largestRelativeError(actual: ArrayLike<number>, expected: readonly number[]): number {
  expect(actual.length).toBe(expected.length);
  let largest = 0;
  expected.forEach((value, index) => {
    const difference = Math.abs(actual[index]! - value);
    const error = value === 0 ? (difference <= absoluteTolerance ? 0 : Infinity) : difference / Math.abs(value);
    largest = Math.max(largest, error);
  });
  return largest;
}

const largest: Record<string, number> = {};
function record(kind: string, error: number): void {
  largest[kind] = Math.max(largest[kind] ?? 0, error);
  expect(error).toBeLessThan(relativeTolerance);
}

describe('beta schedules against diffusers (float64)', () => {
  const factories: Record<string, (options: { numTrainTimesteps: number; betaStart?: number; betaEnd?: number; rescaleBetasZeroSnr?: boolean }) => { betas: Float64Array; alphasCumprod: Float64Array }> = {
    linear: (options) => createLinearSchedule(options),
    scaled_linear: (options) => createScaledLinearSchedule(options),
    squaredcos_cap_v2: ({ numTrainTimesteps, rescaleBetasZeroSnr }) => createCosineSchedule({ numTrainTimesteps, ...(rescaleBetasZeroSnr === undefined ? {} : { rescaleBetasZeroSnr }) }),
    sigmoid: (options) => createSigmoidSchedule(options),
  };
  for (const entry of reference.beta_schedules) {
    it(`matches betas and alphas_cumprod of ${entry.name}`, () => {
      const config = entry.config as { beta_schedule: string; beta_start?: number; beta_end?: number; num_train_timesteps: number; rescale_betas_zero_snr?: boolean };
      const schedule = factories[config.beta_schedule]!({
        numTrainTimesteps: config.num_train_timesteps,
        ...(config.beta_start === undefined ? {} : { betaStart: config.beta_start }),
        ...(config.beta_end === undefined ? {} : { betaEnd: config.beta_end }),
        ...(config.rescale_betas_zero_snr === undefined ? {} : { rescaleBetasZeroSnr: config.rescale_betas_zero_snr }),
      });
      record('betas', largestRelativeError(schedule.betas, entry.f64.betas));
      record('alphasCumprod', largestRelativeError(schedule.alphasCumprod, entry.f64.alphas_cumprod));
      // The same numbers through the diffusers-config reader.
      const setup = fromDiffusersConfig(config as DiffusersSchedulerConfig, { className: 'DDPMScheduler' });
      if (setup.kind !== 'discrete') throw new Error('expected a discrete schedule');
      record('alphasCumprod', largestRelativeError(setup.schedule.alphasCumprod, entry.f64.alphas_cumprod));
      record('alphasCumprod', largestRelativeError(setup.alphasCumprod, entry.f64.alphas_cumprod));
    });
  }
});

describe('set_timesteps against diffusers (float64)', () => {
  const schedulers: Record<string, TimestepScheduler> = { DDPMScheduler: 'ddpm', DDIMScheduler: 'ddim', EulerDiscreteScheduler: 'euler' };
  for (const entry of reference.set_timesteps) {
    const config = entry.config as DiffusersSchedulerConfig & { timestep_spacing: 'leading' | 'trailing' | 'linspace'; steps_offset: number };
    const n = entry.num_inference_steps;
    it(`matches ${entry.scheduler} ${config.beta_schedule} ${config.timestep_spacing} offset ${config.steps_offset}, n = ${n}`, () => {
      const scheduler = schedulers[entry.scheduler]!;
      const setup = fromDiffusersConfig({ ...config, _class_name: entry.scheduler });
      if (setup.kind !== 'discrete') throw new Error('expected a discrete schedule');
      const timesteps = timestepsFor(setup.schedule, n, { spacing: config.timestep_spacing, stepsOffset: config.steps_offset, scheduler });
      // Timesteps must match exactly (they are indices, or numpy linspace values for Euler).
      expect(Array.from(timesteps)).toEqual(entry.f64.timesteps);
      expect(Array.from(setup.timesteps(n))).toEqual(entry.f64.timesteps);
      if (scheduler === 'ddpm') expect(Array.from(setup.schedule.timesteps(n, config.timestep_spacing, config.steps_offset))).toEqual(entry.f64.timesteps);
      const f64 = entry.f64 as { sigmas?: number[]; init_noise_sigma?: number };
      if (f64.sigmas !== undefined && f64.init_noise_sigma !== undefined) {
        const euler = eulerSigmas(setup.schedule, n, config.timestep_spacing, config.steps_offset);
        expect(Array.from(euler.timesteps)).toEqual(entry.f64.timesteps);
        record('eulerSigmas', largestRelativeError(euler.sigmas, f64.sigmas));
        const run = setup.setTimesteps(n);
        record('eulerSigmas', largestRelativeError(run.sigmas, f64.sigmas));
        record('initNoiseSigma', largestRelativeError([run.initNoiseSigma], [f64.init_noise_sigma]));
        record('initNoiseSigma', largestRelativeError([euler.initNoiseSigma], [f64.init_noise_sigma]));
      }
    });
  }
});

describe('sigma ladders against k-diffusion (float64)', () => {
  for (const entry of reference.k_diffusion_sigmas) {
    const args = entry.args as { n: number; sigma_min: number; sigma_max: number; rho?: number };
    it(`matches ${entry.function} with n = ${args.n}`, () => {
      const options = { steps: args.n, sigmaMin: args.sigma_min, sigmaMax: args.sigma_max };
      const sigmas = entry.function.endsWith('karras') ? karrasSigmas({ ...options, rho: args.rho! }) : exponentialSigmas(options);
      record(entry.function.endsWith('karras') ? 'karrasSigmas' : 'exponentialSigmas', largestRelativeError(sigmas, entry.f64));
    });
  }
  it('reports the largest errors', () => {
    console.info('largest relative errors vs reference (float64):', JSON.stringify(largest));
    expect(Object.keys(largest).length).toBeGreaterThanOrEqual(6);
  });
});
