import { checkNonNegativeInteger, checkOneOf, checkOptions, checkPositiveInteger, invalidOption } from '@diffusion/core/errors';
import type { DiscreteSchedule, TimestepSpacing } from '@diffusion/core/errors';
import { numpyArange, numpyLinspace, roundHalfEven } from './numeric-ranges';

/** The spacing names diffusers' `set_timesteps` understands. */
export const timestepSpacings: readonly TimestepSpacing[] = ['leading', 'trailing', 'linspace'];

/** The diffusers schedulers whose `set_timesteps` this package reproduces. */
export type TimestepScheduler = 'ddpm' | 'ddim' | 'euler';

/** Options of {@link timestepsFor}. */
export interface TimestepsForOptions {
  /** Spacing name; default `'leading'` for DDPM/DDIM and `'linspace'` for Euler (diffusers' defaults). */
  readonly spacing?: TimestepSpacing;
  /** Added to every timestep under `'leading'` spacing only (diffusers `steps_offset`); default 0. */
  readonly stepsOffset?: number;
  /** Which scheduler's `set_timesteps` to copy; default `'ddpm'`. DDPM and DDIM agree. */
  readonly scheduler?: TimestepScheduler;
}

/**
 * Timesteps of diffusers' `set_timesteps` (DDPM, DDIM, Euler; "Common Diffusion Noise Schedules
 * and Sample Steps are Flawed", Lin et al. 2024, Table 2): 0-based, falling, length n.
 *
 * - `leading`: `k * floor(T / n) + stepsOffset`, k = n-1..0.
 * - `trailing`: `round(T - k * T / n) - 1`, k = 0..n-1 (numpy `arange`, round half to even).
 * - `linspace`: `linspace(0, T - 1, n)` reversed; rounded (half to even) for DDPM/DDIM,
 *   left fractional for Euler.
 *
 * Where numpy's `arange` yields one spurious extra entry (e.g. T = 1000, n = 61, whose extra
 * entry diffusers turns into timestep -1), only the first n entries are kept.
 */
export function timestepsFor(schedule: Pick<DiscreteSchedule, 'numTrainTimesteps'>, numInferenceSteps: number, options?: TimestepsForOptions): Float64Array {
  const checked = checkOptions('timestepsFor.options', options, ['spacing', 'stepsOffset', 'scheduler']);
  const scheduler = checkOneOf('timestepsFor.scheduler', checked.scheduler ?? 'ddpm', ['ddpm', 'ddim', 'euler'] as const);
  const spacing = checkOneOf('timestepsFor.spacing', checked.spacing ?? (scheduler === 'euler' ? 'linspace' : 'leading'), timestepSpacings);
  const stepsOffset = checkNonNegativeInteger('timestepsFor.stepsOffset', checked.stepsOffset ?? 0);
  const total = schedule.numTrainTimesteps;
  const steps = checkPositiveInteger('timestepsFor.numInferenceSteps', numInferenceSteps);
  if (steps > total) {
    throw invalidOption('timestepsFor.numInferenceSteps', numInferenceSteps, `an integer from 1 to numTrainTimesteps = ${total}`);
  }
  const timesteps = new Float64Array(steps);
  if (spacing === 'leading') {
    const stepRatio = Math.floor(total / steps);
    for (let index = 0; index < steps; index += 1) timesteps[index] = (steps - 1 - index) * stepRatio + stepsOffset;
    if (timesteps[0]! > total - 1) {
      throw invalidOption('timestepsFor.stepsOffset', stepsOffset, `an offset that keeps the first timestep ${timesteps[0]! - stepsOffset} + offset <= ${total - 1}`);
    }
  } else if (spacing === 'trailing') {
    const grid = numpyArange(total, 0, -total / steps);
    for (let index = 0; index < steps; index += 1) timesteps[index] = roundHalfEven(grid[index]!) - 1;
  } else {
    const grid = numpyLinspace(0, total - 1, steps);
    for (let index = 0; index < steps; index += 1) {
      const value = grid[steps - 1 - index]!;
      timesteps[index] = scheduler === 'euler' ? value : roundHalfEven(value);
    }
  }
  return timesteps;
}
