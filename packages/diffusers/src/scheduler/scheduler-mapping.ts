import type { Sampler } from '@diffusion/core';
import {
  createDdimSampler,
  createDdpmSampler,
  createDpmpp2mSampler,
  createDpmpp2mSdeSampler,
  createDpmpp3mSampler,
  createEulerAncestralSampler,
  createEulerSampler,
  createHeunSampler,
  createLmsSampler,
  createUnipcSampler,
} from '@diffusion/samplers';
import type { DiffusersScheduleSetup, DiffusersTimesteps } from '@diffusion/schedules';

/** A scheduler config mapped onto one of our samplers. */
export interface DiffusersSamplerMapping {
  /** Our sampler for the class's algorithm, with its options. */
  readonly sampler: Sampler;
  /** True when `sampler` on the run's `ladder` reproduces diffusers' loop (then the native loop is this sampler). */
  readonly exact: boolean;
  /** What differs when not exact. */
  readonly note: string;
}

const same = (sampler: Sampler): DiffusersSamplerMapping => ({ sampler, exact: true, note: 'the same algorithm on the same ladder and timesteps' });
const near = (sampler: Sampler, note: string): DiffusersSamplerMapping => ({ sampler, exact: false, note });

/**
 * The sampler of ours that runs a diffusers scheduler's algorithm, and whether it reproduces
 * diffusers' loop exactly for this run (same steps, same ladder, timestep for timestep).
 */
export function diffusersSamplerFor(setup: DiffusersScheduleSetup, run: DiffusersTimesteps, eta = 0): DiffusersSamplerMapping {
  const config = setup.config;
  const steps = run.timesteps.length;
  const endsInZero = run.sigmas[run.sigmas.length - 1] === 0;
  switch (setup.className) {
    case 'DDPMScheduler':
      return near(createDdpmSampler({ variance: config.variance_type === 'fixed_large' ? 'beta' : 'posterior' }), 'diffusers steps from t to t - T // n in VP coordinates, adds noise whenever t > 0 and can learn its variance');
    case 'DDIMScheduler':
      return near(createDdimSampler({ eta }), 'diffusers steps from t to t - T // n and ends at final_alpha_cumprod, not at sigma 0');
    case 'PNDMScheduler':
      return near(createLmsSampler({ order: 4 }), 'PLMS combines eps estimates at diffusers timesteps (Liu et al. 2022); ours integrates Lagrange polynomials in sigma');
    case 'EulerDiscreteScheduler':
      return endsInZero && run.timesteps.length === run.sigmas.length - 1
        ? same(createEulerSampler())
        : near(createEulerSampler(), `diffusers ends at sigma ${run.sigmas[steps]} (final_sigmas_type / interpolation_type), not at 0`);
    case 'EulerAncestralDiscreteScheduler':
      return same(createEulerAncestralSampler({ eta: 1 }));
    case 'HeunDiscreteScheduler':
      return same(createHeunSampler());
    case 'LMSDiscreteScheduler':
      return same(createLmsSampler({ order: 4 }));
    case 'DPMSolverMultistepScheduler':
      return dpmSolverSampler(setup, steps, endsInZero);
    case 'UniPCMultistepScheduler': {
      const order = config.solver_order as number;
      const sampler = createUnipcSampler({ variant: config.solver_type as 'bh1' | 'bh2', order: Math.min(order, 3) });
      const exact = endsInZero && order <= 3 && config.predict_x0 === true && config.lower_order_final === true && (config.disable_corrector as number[]).length === 0;
      return exact ? same(sampler) : near(sampler, 'diffusers ends at sigma_min, predicts noise, disables correctors or keeps its order to the end');
    }
    default:
      return near(createEulerSampler(), 'the same Euler steps, but FlowMatch starts at s = 1, an infinite sigma in sigma-space; diffusers steps in flow coordinates');
  }
}

function dpmSolverSampler(setup: DiffusersScheduleSetup, steps: number, endsInZero: boolean): DiffusersSamplerMapping {
  const config = setup.config;
  const algorithm = config.algorithm_type as string;
  const order = config.solver_order as number;
  const solverType = config.solver_type as 'midpoint' | 'heun';
  const note = 'diffusers ends at sigma_min, uses the noise-prediction (dpmsolver) updates, or lowers the order of the step before the last';
  if (algorithm === 'dpmsolver++') {
    if (order === 1) return endsInZero ? same(createEulerSampler()) : near(createEulerSampler(), note);
    if (order === 2) {
      const sampler = solverType === 'midpoint' ? createDpmpp2mSampler() : createDpmpp2mSdeSampler({ eta: 0, solverType: 'heun' });
      return endsInZero ? same(sampler) : near(sampler, note);
    }
    // Ours is third order up to the last step; diffusers lowers the one before it under lower_order_final with < 15 steps, and its second step is midpoint unless solver_type is heun.
    const exact = endsInZero && solverType === 'heun' && !(config.lower_order_final === true && steps < 15);
    return exact ? same(createDpmpp3mSampler()) : near(createDpmpp3mSampler(), note);
  }
  if (algorithm === 'sde-dpmsolver++') {
    const sampler = createDpmpp2mSdeSampler({ eta: 1, solverType });
    return endsInZero && order === 2 ? same(sampler) : near(sampler, 'diffusers ends at sigma_min or runs first order throughout');
  }
  return near(algorithm === 'dpmsolver' ? createDpmpp2mSampler() : createDpmpp2mSdeSampler({ eta: 1, solverType }), 'diffusers runs DPM-Solver on noise estimates (Lu et al. 2022a); ours are the data-prediction solvers');
}
