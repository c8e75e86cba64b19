import { describe, expect, it } from 'vitest';
import { fromDiffusersConfig } from './diffusers-config';
import type { DiffusersScheduleSetup } from './diffusers-config';
import { createScaledLinearSchedule } from './linear-schedule';
import { expectDiffusionError } from './test-helpers';

// Stable Diffusion 1.5's scheduler/scheduler_config.json, as published.
const stableDiffusion15 = {
  _class_name: 'PNDMScheduler',
  _diffusers_version: '0.6.0',
  beta_end: 0.012,
  beta_schedule: 'scaled_linear',
  beta_start: 0.00085,
  num_train_timesteps: 1000,
  set_alpha_to_one: false,
  skip_prk_steps: true,
  steps_offset: 1,
  trained_betas: null,
  clip_sample: false,
} as const;

function discrete(setup: DiffusersScheduleSetup) {
  if (setup.kind !== 'discrete') throw new Error(`expected a discrete setup, got ${setup.kind}`);
  return setup;
}

describe('fromDiffusersConfig', () => {
  it('reads Stable Diffusion 1.5 and ignores the keys its class does not have', () => {
    const setup = discrete(fromDiffusersConfig(stableDiffusion15));
    expect(setup.className).toBe('PNDMScheduler');
    expect(setup.schedule.name).toBe('scaled-linear');
    expect(setup.schedule.alphasCumprod).toEqual(createScaledLinearSchedule().alphasCumprod);
    expect(setup.predictionType).toBe('epsilon');
    expect(setup.timestepSpacing).toBe('leading');
    expect(setup.stepsOffset).toBe(1);
    expect(setup.config.clip_sample).toBeUndefined();
    // PLMS: the second call repeats the first level.
    expect(Array.from(setup.timesteps(50).subarray(0, 4))).toEqual([981, 961, 961, 941]);
    expect(setup.timesteps(50)[50]).toBe(1);
  });

  it('reads v-prediction, zero terminal SNR, trailing spacing (Lin et al. 2024 recommendations)', () => {
    const setup = discrete(fromDiffusersConfig({ ...stableDiffusion15, _class_name: 'DDIMScheduler', prediction_type: 'v_prediction', rescale_betas_zero_snr: true, timestep_spacing: 'trailing' }));
    expect(setup.predictionType).toBe('v_prediction');
    expect(setup.className).toBe('DDIMScheduler');
    expect(setup.schedule.alphasCumprod[999]).toBe(0);
    expect(Array.from(setup.timesteps(4))).toEqual([999, 749, 499, 249]);
    // The clip_sample false of the SD file is read by DDIM (whose default is true).
    expect(setup.x0Processing).toEqual({ kind: 'none' });
  });

  it('defaults Euler classes to linspace spacing with fractional timesteps, and DDPM to leading', () => {
    const euler = fromDiffusersConfig({ _class_name: 'EulerDiscreteScheduler' });
    expect(euler.timestepSpacing).toBe('linspace');
    expect(euler.timesteps(3)[1]).toBe(499.5);
    const ddpm = discrete(fromDiffusersConfig({ _class_name: 'DDPMScheduler' }));
    expect(ddpm.timestepSpacing).toBe('leading');
    expect(ddpm.schedule.name).toBe('linear');
    expect(ddpm.schedule.options).toEqual({ numTrainTimesteps: 1000, betaStart: 1e-4, betaEnd: 0.02, rescaleBetasZeroSnr: false });
    // DDPM's default clip_sample is true.
    expect(ddpm.x0Processing).toEqual({ kind: 'clip', range: 1 });
  });

  it('uses trained_betas when given', () => {
    const setup = discrete(fromDiffusersConfig({ _class_name: 'DDPMScheduler', trained_betas: [0.1, 0.2, 0.3], num_train_timesteps: 3 }));
    expect(Array.from(setup.schedule.betas)).toEqual([0.1, 0.2, 0.3]);
    expect(setup.schedule.alphasCumprod[2]).toBeCloseTo(0.9 * 0.8 * 0.7, 15);
  });

  it('never guesses: no class, an unknown class, an unknown key or a later key are refused by name', () => {
    expectDiffusionError(() => fromDiffusersConfig({}), ["fromDiffusersConfig._class_name: missing", "options.className"]);
    expectDiffusionError(() => fromDiffusersConfig({ _class_name: 'KarrasVeScheduler' }), ['fromDiffusersConfig._class_name', '"KarrasVeScheduler"', 'DDPMScheduler']);
    expectDiffusionError(() => fromDiffusersConfig({ _class_name: 'DDIMScheduler', clip_smaple: true }), ['DDIMScheduler.clip_smaple', 'true', 'ignoreUnknownKeys']);
    expect(fromDiffusersConfig({ _class_name: 'DDIMScheduler', clip_smaple: true }, { ignoreUnknownKeys: true }).className).toBe('DDIMScheduler');
    expectDiffusionError(() => fromDiffusersConfig({ _class_name: 'DPMSolverMultistepScheduler', use_flow_sigmas: true }), ['DPMSolverMultistepScheduler.use_flow_sigmas', 'got true', 'after diffusers v0.31.0']);
    expect(fromDiffusersConfig({ _class_name: 'DPMSolverMultistepScheduler', use_flow_sigmas: false }).className).toBe('DPMSolverMultistepScheduler');
  });

  it('honours _use_default_values as diffusers does (the reading class default applies)', () => {
    const setup = fromDiffusersConfig({ _class_name: 'DDIMScheduler', timestep_spacing: 'leading', _use_default_values: ['timestep_spacing'] }, { className: 'EulerDiscreteScheduler' });
    expect(setup.timestepSpacing).toBe('linspace');
  });

  it('rejects unknown values naming the key, the value and what is allowed', () => {
    const ddpm = { _class_name: 'DDPMScheduler' };
    expectDiffusionError(() => fromDiffusersConfig({ ...ddpm, beta_schedule: 'exp' }), ['DDPMScheduler.beta_schedule', '"exp"', 'one of "linear", "scaled_linear", "squaredcos_cap_v2", "sigmoid"']);
    expectDiffusionError(() => fromDiffusersConfig({ ...ddpm, timestep_spacing: 'uniform' }), ['DDPMScheduler.timestep_spacing', '"uniform"', 'one of "leading", "trailing", "linspace"']);
    expectDiffusionError(() => fromDiffusersConfig({ ...ddpm, prediction_type: 'flow' }), ['DDPMScheduler.prediction_type', '"flow"', 'one of "epsilon", "sample", "v_prediction"']);
    expectDiffusionError(() => fromDiffusersConfig({ ...ddpm, steps_offset: -1 }), ['DDPMScheduler.steps_offset', '-1', 'a non-negative integer']);
    expectDiffusionError(() => fromDiffusersConfig({ ...ddpm, num_train_timesteps: 12.5 }), ['DDPMScheduler.num_train_timesteps', '12.5', 'a positive integer']);
    expectDiffusionError(() => fromDiffusersConfig({ ...ddpm, rescale_betas_zero_snr: 'yes' }), ['DDPMScheduler.rescale_betas_zero_snr', '"yes"', 'true or false']);
    expectDiffusionError(() => fromDiffusersConfig({ ...ddpm, beta_start: Number.NaN }), ['DDPMScheduler.beta_start', 'NaN', 'a number in (0, 1)']);
    expectDiffusionError(() => fromDiffusersConfig({ ...ddpm, trained_betas: [0.1, 2], num_train_timesteps: 2 }), ['createDiscreteSchedule.betas[1]', 'got 2', 'a number in (0, 1)']);
    expectDiffusionError(() => fromDiffusersConfig(null as never), ['fromDiffusersConfig.config', 'null']);
  });
});
