import { describe, expect, it } from 'vitest';
import { fromDiffusersConfig } from './diffusers-config';
import type { DiffusersSchedulerConfig, FromDiffusersConfigOptions } from './diffusers-config';
import { expectDiffusionError } from './test-helpers';

// Every value whose numbers this reader does not reproduce is refused, naming the key and the value.
const refused: [string, DiffusersSchedulerConfig, readonly string[], FromDiffusersConfigOptions?, number?][] = [
  ['beta sigmas (not built)', { _class_name: 'EulerDiscreteScheduler', use_beta_sigmas: true }, ['EulerDiscreteScheduler.use_beta_sigmas', 'got true', 'expected false']],
  ['beta sigmas on Heun', { _class_name: 'HeunDiscreteScheduler', use_beta_sigmas: true }, ['HeunDiscreteScheduler.use_beta_sigmas', 'got true']],
  ['beta sigmas on LMS', { _class_name: 'LMSDiscreteScheduler', use_beta_sigmas: true }, ['LMSDiscreteScheduler.use_beta_sigmas', 'got true']],
  ['beta sigmas on DPM-Solver', { _class_name: 'DPMSolverMultistepScheduler', use_beta_sigmas: true }, ['DPMSolverMultistepScheduler.use_beta_sigmas', 'got true']],
  ['exponential sigmas on DPM-Solver (v0.31.0 fails)', { _class_name: 'DPMSolverMultistepScheduler', use_exponential_sigmas: true }, ['DPMSolverMultistepScheduler.use_exponential_sigmas', 'got true', 'fails in set_timesteps']],
  ['exponential sigmas on UniPC (v0.31.0 fails)', { _class_name: 'UniPCMultistepScheduler', use_exponential_sigmas: true }, ['UniPCMultistepScheduler.use_exponential_sigmas', 'got true']],
  ['two ladders at once', { _class_name: 'EulerDiscreteScheduler', use_karras_sigmas: true, use_exponential_sigmas: true }, ['EulerDiscreteScheduler.use_exponential_sigmas', 'false when use_karras_sigmas is true']],
  ['fixed_large_log (NaN in diffusers)', { _class_name: 'DDPMScheduler', variance_type: 'fixed_large_log' }, ['DDPMScheduler.variance_type', '"fixed_large_log"', 'NaN']],
  ['an unknown variance type', { _class_name: 'DDPMScheduler', variance_type: 'fixed' }, ['DDPMScheduler.variance_type', '"fixed"', '"learned_range"']],
  ['dpmsolver into sigma 0', { _class_name: 'DPMSolverMultistepScheduler', algorithm_type: 'dpmsolver' }, ['DPMSolverMultistepScheduler.final_sigmas_type', '"zero"', '"sigma_min"']],
  ['deis into sigma 0', { _class_name: 'DPMSolverMultistepScheduler', algorithm_type: 'deis' }, ['DPMSolverMultistepScheduler.final_sigmas_type', '"deis"']],
  ['third-order SDE DPM-Solver', { _class_name: 'DPMSolverMultistepScheduler', algorithm_type: 'sde-dpmsolver++', solver_order: 3 }, ['DPMSolverMultistepScheduler.solver_order', 'got 3', '1 or 2']],
  ['an unknown algorithm', { _class_name: 'DPMSolverMultistepScheduler', algorithm_type: 'dpm' }, ['DPMSolverMultistepScheduler.algorithm_type', '"dpm"']],
  ['UniPC without lower-order final into sigma 0', { _class_name: 'UniPCMultistepScheduler', lower_order_final: false }, ['UniPCMultistepScheduler.lower_order_final', 'got false', 'final_sigmas_type "sigma_min"']],
  ['UniPC bh1 into sigma 0 (NaN in v0.31.0)', { _class_name: 'UniPCMultistepScheduler', solver_type: 'bh1' }, ['UniPCMultistepScheduler.solver_type', '"bh1"', 'NaN']],
  ['UniPC noise prediction into sigma 0 (NaN in v0.31.0)', { _class_name: 'UniPCMultistepScheduler', predict_x0: false }, ['UniPCMultistepScheduler.predict_x0', 'got false', 'NaN']],
  ['a predictor object', { _class_name: 'UniPCMultistepScheduler', solver_p: { _class_name: 'DDIMScheduler' } }, ['UniPCMultistepScheduler.solver_p', 'null']],
  ['PNDM with sample prediction', { _class_name: 'PNDMScheduler', prediction_type: 'sample' }, ['PNDMScheduler.prediction_type', '"sample"', '"epsilon", "v_prediction"']],
  ['Euler ancestral with sample prediction', { _class_name: 'EulerAncestralDiscreteScheduler', prediction_type: 'sample' }, ['EulerAncestralDiscreteScheduler.prediction_type', '"sample"']],
  ['flow_prediction on a discrete class (a later diffusers feature)', { _class_name: 'UniPCMultistepScheduler', prediction_type: 'flow_prediction' }, ['UniPCMultistepScheduler.prediction_type', '"flow_prediction"']],
  ['flow sigmas on UniPC (after v0.31.0)', { _class_name: 'UniPCMultistepScheduler', use_flow_sigmas: true, flow_shift: 3 }, ['UniPCMultistepScheduler.use_flow_sigmas', 'after diffusers v0.31.0']],
  ['Karras sigmas on FlowMatch (after v0.31.0)', { _class_name: 'FlowMatchEulerDiscreteScheduler', use_karras_sigmas: true }, ['FlowMatchEulerDiscreteScheduler.use_karras_sigmas', 'after diffusers v0.31.0']],
  ['shift_terminal on FlowMatch (after v0.31.0)', { _class_name: 'FlowMatchEulerDiscreteScheduler', shift_terminal: 0.02 }, ['FlowMatchEulerDiscreteScheduler.shift_terminal', '0.02']],
  ['stochastic sampling on FlowMatch (after v0.31.0)', { _class_name: 'FlowMatchEulerDiscreteScheduler', stochastic_sampling: true }, ['FlowMatchEulerDiscreteScheduler.stochastic_sampling']],
  ['sigmoid betas on DDIM (diffusers raises)', { _class_name: 'DDIMScheduler', beta_schedule: 'sigmoid' }, ['DDIMScheduler.beta_schedule', '"sigmoid"']],
  ['trained betas of the wrong length', { _class_name: 'DDIMScheduler', trained_betas: [0.1, 0.2] }, ['DDIMScheduler.trained_betas', 'num_train_timesteps = 1000']],
  ['mu on a fixed-shift config', { _class_name: 'FlowMatchEulerDiscreteScheduler', shift: 3 }, ['fromDiffusersConfig.options.mu', 'use_dynamic_shifting false'], { mu: 1 }],
  ['an unknown key', { _class_name: 'EulerDiscreteScheduler', karras: true }, ['EulerDiscreteScheduler.karras', 'ignoreUnknownKeys']],
  ['a malformed _use_default_values', { _class_name: 'EulerDiscreteScheduler', _use_default_values: 'timestep_spacing' }, ['EulerDiscreteScheduler._use_default_values', 'an array of key names']],
];

// set_timesteps(n) calls diffusers would break on.
const refusedSteps: [string, DiffusersSchedulerConfig, number, readonly string[]][] = [
  ['the trailing arange overshoot (a timestep -1)', { _class_name: 'DDIMScheduler', timestep_spacing: 'trailing' }, 61, ['DDIMScheduler.setTimesteps.numInferenceSteps', 'got 61', 'the last -1']],
  ['the same on DPM-Solver', { _class_name: 'DPMSolverMultistepScheduler', timestep_spacing: 'trailing' }, 61, ['DPMSolverMultistepScheduler.setTimesteps.numInferenceSteps', 'got 61']],
  ['an offset past the last timestep', { _class_name: 'DDIMScheduler', steps_offset: 1 }, 1000, ['DDIMScheduler.steps_offset', 'got 1', 'past num_train_timesteps - 1 = 999']],
  ['more steps than training steps (DDPM raises)', { _class_name: 'DDPMScheduler', timestep_spacing: 'linspace' }, 1001, ['DDPMScheduler.setTimesteps.numInferenceSteps', 'got 1001']],
  ['a PRK warm-up with fewer than 4 steps', { _class_name: 'PNDMScheduler' }, 3, ['PNDMScheduler.setTimesteps.numInferenceSteps', 'got 3', 'at least 4']],
  ['zero steps', { _class_name: 'EulerDiscreteScheduler' }, 0, ['EulerDiscreteScheduler.setTimesteps.numInferenceSteps', 'got 0', 'a positive integer']],
];

describe('fromDiffusersConfig refuses by name', () => {
  for (const [what, config, pieces, options] of refused) {
    it(`refuses ${what}`, () => expectDiffusionError(() => fromDiffusersConfig(config, options), pieces));
  }
  for (const [what, config, steps, pieces] of refusedSteps) {
    it(`refuses ${what}`, () => expectDiffusionError(() => fromDiffusersConfig(config).setTimesteps(steps), pieces));
  }
  it('accepts what diffusers remaps: deis with sigma_min is dpmsolver++, DPM-Solver solver_type bh2 is midpoint, UniPC heun is bh2', () => {
    expect(fromDiffusersConfig({ _class_name: 'DPMSolverMultistepScheduler', algorithm_type: 'deis', final_sigmas_type: 'sigma_min' }).config.algorithm_type).toBe('dpmsolver++');
    expect(fromDiffusersConfig({ _class_name: 'DPMSolverMultistepScheduler', solver_type: 'bh2' }).config.solver_type).toBe('midpoint');
    expect(fromDiffusersConfig({ _class_name: 'UniPCMultistepScheduler', solver_type: 'heun' }).config.solver_type).toBe('bh2');
  });
  it('accepts keys of newer diffusers at their no-op values and keys of other classes (as diffusers ignores them)', () => {
    const setup = fromDiffusersConfig({ _class_name: 'FlowMatchEulerDiscreteScheduler', shift: 3, use_karras_sigmas: false, invert_sigmas: false, shift_terminal: null, time_shift_type: 'exponential', clip_sample: true });
    expect(setup.kind).toBe('flow');
  });
});
