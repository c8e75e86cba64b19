import { checkFiniteArray, checkNonNegativeInteger, checkOneOf, invalidOption } from '@diffusion/core/errors';
import type { DiscreteSchedule, TimestepSpacing } from '@diffusion/core/errors';
import type { TabulatedSchedule } from './discrete-schedule';
import { interpolateAtIndex } from './numeric-ranges';
import { timestepSpacings, timestepsFor } from './timestep-spacing';

/** What diffusers' `EulerDiscreteScheduler.set_timesteps` produces. */
export interface EulerSigmas {
  /** Fractional 0-based timesteps, falling, length n (fractional only under `'linspace'`). */
  readonly timesteps: Float64Array;
  /** VE sigmas at those timesteps followed by 0, length n + 1. */
  readonly sigmas: Float64Array;
  /** Scale of the starting noise: `sqrt(sigmas[0]^2 + 1)` under `'leading'`, `sigmas[0]` otherwise (diffusers' quirk). */
  readonly initNoiseSigma: number;
}

/**
 * Timesteps and sigmas of diffusers' Euler discrete scheduler (Karras et al. 2022, Algorithm 2
 * in VE form): sigma linearly interpolated between `sqrt((1 - alphabar) / alphabar)` at the
 * integer timesteps. Default spacing `'linspace'`, diffusers' default for Euler. As in
 * diffusers, a zero-terminal-SNR schedule has its last alphabar replaced by 2^-24 here.
 */
export function eulerSigmas(schedule: DiscreteSchedule, numInferenceSteps: number, spacing: TimestepSpacing = 'linspace', stepsOffset = 0): EulerSigmas {
  checkOneOf('eulerSigmas.spacing', spacing, timestepSpacings);
  checkNonNegativeInteger('eulerSigmas.stepsOffset', stepsOffset);
  const timesteps = timestepsFor(schedule, numInferenceSteps, { spacing, stepsOffset, scheduler: 'euler' });
  const table = veSigmaTable(schedule);
  const sigmas = new Float64Array(timesteps.length + 1);
  timesteps.forEach((timestep, index) => {
    sigmas[index] = interpolateAtIndex(table, timestep);
  });
  const sigmaMax = sigmas[0]!;
  return { timesteps, sigmas, initNoiseSigma: spacing === 'leading' ? Math.sqrt(sigmaMax * sigmaMax + 1) : sigmaMax };
}

/**
 * The VE sigmas of a discrete schedule at given falling 0-based timesteps, followed by 0: the
 * ladder on which a sigma-space sampler replays a diffusers run (linear interpolation in sigma).
 */
export function sigmasAtTimesteps(schedule: DiscreteSchedule, timesteps: ArrayLike<number>): Float64Array {
  const checked = checkFiniteArray('sigmasAtTimesteps.timesteps', timesteps);
  const last = schedule.numTrainTimesteps - 1;
  checked.forEach((timestep, index) => {
    if (!(timestep >= 0 && timestep <= last)) throw invalidOption(`sigmasAtTimesteps.timesteps[${index}]`, timestep, `a timestep in [0, ${last}]`);
    if (index > 0 && !(timestep < checked[index - 1]!)) {
      throw invalidOption(`sigmasAtTimesteps.timesteps[${index}]`, timestep, `a timestep below the previous one ${checked[index - 1]} (the ladder must fall)`);
    }
  });
  const sigmas = new Float64Array(checked.length + 1);
  checked.forEach((timestep, index) => {
    const sigma = schedule.sigmaAtTimestep(timestep);
    if (!Number.isFinite(sigma)) {
      throw invalidOption(`sigmasAtTimesteps.timesteps[${index}]`, timestep, 'a timestep with a finite sigma (under zero terminal SNR the last timestep has sigma = Infinity)');
    }
    sigmas[index] = sigma;
  });
  return sigmas;
}

function veSigmaTable(schedule: DiscreteSchedule): Float64Array {
  const { alphasCumprod } = schedule;
  const tabulated = (schedule as Partial<TabulatedSchedule>).veSigmas;
  const table = tabulated instanceof Float64Array && tabulated.length === alphasCumprod.length
    ? Float64Array.from(tabulated)
    : alphasCumprod.map((alphaBar) => Math.sqrt((1 - alphaBar) / alphaBar));
  const last = table.length - 1;
  if (alphasCumprod[last] === 0) table[last] = Math.sqrt((1 - 2 ** -24) / 2 ** -24);
  return table;
}
