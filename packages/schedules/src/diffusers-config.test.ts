import { describe, expect, it } from 'vitest';
import { fromDiffusersConfig } from './diffusers-config';
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

describe('fromDiffusersConfig', () => {
  it('reads Stable Diffusion 1.5 and ignores the keys it does not use', () => {
    const setup = fromDiffusersConfig(stableDiffusion15);
    expect(setup.schedule.name).toBe('scaled-linear');
    expect(setup.schedule.alphasCumprod).toEqual(createScaledLinearSchedule().alphasCumprod);
    expect(setup.predictionType).toBe('epsilon');
    expect(setup.timestepSpacing).toBe('leading');
    expect(setup.stepsOffset).toBe(1);
    expect(setup.scheduler).toBe('ddpm');
    const timesteps = setup.timesteps(50);
    expect([timesteps[0], timesteps[1], timesteps[49]]).toEqual([981, 961, 1]);
  });

  it('reads v-prediction, zero terminal SNR, trailing spacing (Lin et al. 2024 recommendations)', () => {
    const setup = fromDiffusersConfig({ ...stableDiffusion15, _class_name: 'DDIMScheduler', prediction_type: 'v_prediction', rescale_betas_zero_snr: true, timestep_spacing: 'trailing' });
    expect(setup.predictionType).toBe('v_prediction');
    expect(setup.scheduler).toBe('ddim');
    expect(setup.schedule.alphasCumprod[999]).toBe(0);
    expect(Array.from(setup.timesteps(4))).toEqual([999, 749, 499, 249]);
  });

  it('defaults Euler classes to linspace spacing with fractional timesteps, and others to leading', () => {
    const euler = fromDiffusersConfig({ _class_name: 'EulerDiscreteScheduler' });
    expect(euler.timestepSpacing).toBe('linspace');
    expect(euler.timesteps(3)[1]).toBe(499.5);
    const ddpm = fromDiffusersConfig({});
    expect(ddpm.timestepSpacing).toBe('leading');
    expect(ddpm.schedule.name).toBe('linear');
    expect(ddpm.schedule.options).toEqual({ numTrainTimesteps: 1000, betaStart: 1e-4, betaEnd: 0.02, rescaleBetasZeroSnr: false });
  });

  it('uses trained_betas when given', () => {
    const setup = fromDiffusersConfig({ trained_betas: [0.1, 0.2, 0.3], num_train_timesteps: 3 });
    expect(Array.from(setup.schedule.betas)).toEqual([0.1, 0.2, 0.3]);
    expect(setup.schedule.alphasCumprod[2]).toBeCloseTo(0.9 * 0.8 * 0.7, 15);
  });

  it('rejects unknown values naming the key, the value and what is allowed', () => {
    expectDiffusionError(() => fromDiffusersConfig({ beta_schedule: 'exp' as never }), ['fromDiffusersConfig.beta_schedule', '"exp"', 'one of "linear", "scaled_linear", "squaredcos_cap_v2", "sigmoid"']);
    expectDiffusionError(() => fromDiffusersConfig({ timestep_spacing: 'uniform' as never }), ['fromDiffusersConfig.timestep_spacing', '"uniform"', 'one of "leading", "trailing", "linspace"']);
    expectDiffusionError(() => fromDiffusersConfig({ prediction_type: 'flow' as never }), ['fromDiffusersConfig.prediction_type', '"flow"', 'one of "epsilon", "sample", "v_prediction"']);
    expectDiffusionError(() => fromDiffusersConfig({ steps_offset: -1 }), ['fromDiffusersConfig.steps_offset', '-1', 'a non-negative integer']);
    expectDiffusionError(() => fromDiffusersConfig({ num_train_timesteps: 12.5 }), ['fromDiffusersConfig.num_train_timesteps', '12.5', 'a positive integer']);
    expectDiffusionError(() => fromDiffusersConfig({ rescale_betas_zero_snr: 'yes' as never }), ['fromDiffusersConfig.rescale_betas_zero_snr', '"yes"', 'true or false']);
    expectDiffusionError(() => fromDiffusersConfig({ beta_start: Number.NaN }), ['fromDiffusersConfig.beta_start', 'NaN', 'a number in (0, 1)']);
    expectDiffusionError(() => fromDiffusersConfig({ trained_betas: [0.1, 2] }), ['createDiscreteSchedule.betas[1]', 'got 2', 'a number in (0, 1)']);
    expectDiffusionError(() => fromDiffusersConfig(null as never), ['fromDiffusersConfig.config', 'null']);
  });
});
