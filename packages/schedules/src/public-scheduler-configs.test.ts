import { describe, expect, it } from 'vitest';
import configs from './__fixtures__/public-scheduler-configs.json';
import runs from './__fixtures__/public-scheduler-runs.json';
import { fromDiffusersConfig } from './diffusers-config';
import type { DiffusersSchedulerConfig } from './diffusers-config';
import { flowMatchShiftMu } from './diffusers-flow-match';
import { expectDiffusionError } from './test-helpers';

// The public configs of Flux, SD3, SD 1.5, SD 2.1, SDXL and ddpm-cifar10 (see the fixture's
// meta for where each came from), read here and run through diffusers v0.31.0 (float64).

interface Run {
  n: number;
  timesteps: number[];
  sigmas: number[] | null;
  init_noise_sigma: number;
  mu?: number;
}

function expectClose(actual: ArrayLike<number>, expected: readonly number[], tolerance = 1e-10): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((value, index) => expect(Math.abs(actual[index]! - value)).toBeLessThanOrEqual(tolerance * Math.max(Math.abs(value), 1e-4)));
}

function check(name: keyof typeof runs, config: DiffusersSchedulerConfig, options = {}) {
  const run = runs[name] as Run;
  const setup = fromDiffusersConfig(config, options);
  const ours = setup.setTimesteps(run.n);
  expectClose(ours.timesteps, run.timesteps);
  if (run.sigmas !== null) expectClose(ours.sigmas, run.sigmas);
  expectClose([ours.initNoiseSigma], [run.init_noise_sigma]);
  return setup;
}

describe('public scheduler configs', () => {
  it('refuses Flux (dynamic shifting) without mu, naming the key', () => {
    expectDiffusionError(() => fromDiffusersConfig(configs.flux), ['FlowMatchEulerDiscreteScheduler.use_dynamic_shifting', 'got true', 'options.mu']);
  });

  it('reads Flux with mu given or computed from the image sequence length, as diffusers sets it', () => {
    expect(flowMatchShiftMu(4096, fromDiffusersConfig(configs.flux, { mu: 1 }).config)).toBeCloseTo(1.15, 14);
    const setup = check('flux', configs.flux, { imageSequenceLength: 4096 });
    expect(setup.kind).toBe('flow');
    expect(setup.predictionType).toBe('flow_prediction');
    check('fluxSmall', configs.flux, { mu: (runs.fluxSmall as Run).mu });
  });

  it('reads SD3 (shift 3, the second shift of the last sigma included)', () => {
    const setup = check('sd3', configs.sd3);
    if (setup.kind !== 'flow') throw new Error('expected flow');
    expect(setup.shift).toBe(3);
  });

  it('reads SD 1.5 as PLMS with steps_offset 1 and scaled-linear betas', () => {
    const setup = check('sd15', configs.sd15);
    expect(setup.className).toBe('PNDMScheduler');
    expect(setup.config.skip_prk_steps).toBe(true);
  });

  it('reads SD 2.1 as v-prediction DDIM without clipping', () => {
    const setup = check('sd21', configs.sd21);
    expect(setup.predictionType).toBe('v_prediction');
    expect(setup.x0Processing).toEqual({ kind: 'none' });
    expect(setup.config.set_alpha_to_one).toBe(false);
  });

  it('reads SDXL (Euler, leading, offset 1) and its Karras variant', () => {
    check('sdxl', configs.sdxl);
    check('sdxlKarras', { ...configs.sdxl, use_karras_sigmas: true });
  });

  it('reads ddpm-cifar10 (fixed_large variance, clip_sample)', () => {
    const setup = check('ddpmCifar10', configs.ddpmCifar10);
    expect(setup.config.variance_type).toBe('fixed_large');
    expect(setup.x0Processing).toEqual({ kind: 'clip', range: 1 });
  });

  it('reads SD 1.5 as another class (DPMSolverMultistepScheduler.from_config), its keys of other classes ignored', () => {
    check('sd15AsDpm', { ...configs.sd15, _class_name: 'DPMSolverMultistepScheduler', use_karras_sigmas: true, algorithm_type: 'sde-dpmsolver++' });
  });
});
