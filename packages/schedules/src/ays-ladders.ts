import { checkOneOf, checkOptions, checkPositiveInteger, invalidOption, type DiscreteSchedule } from '@diffusion/core/errors';
import { sigmasAtTimesteps } from './euler-sigmas';
import { interpolateLadder } from './interpolate-ladder';

/** The models with a published "Align Your Steps" table (diffusers `AysSchedules`). */
export const aysModels = ['stable-diffusion-1.5', 'stable-diffusion-xl', 'stable-video-diffusion'] as const;
/** A model with a published "Align Your Steps" table. */
export type AysModel = (typeof aysModels)[number];

// The 10-step tables of Sabour et al. (2024), "Align Your Steps", as diffusers publishes them in
// `schedulers/scheduling_utils.py` (`AysSchedules`): 0-based training timesteps for the two
// Stable Diffusion models (scaled-linear betas 0.00085..0.012, T = 1000), and the sigma lists
// (3 decimals, ending in 0); Stable Video Diffusion has sigmas only (an EDM-style model).
const timestepTables: Readonly<Partial<Record<AysModel, readonly number[]>>> = {
  'stable-diffusion-1.5': [999, 850, 736, 645, 545, 455, 343, 233, 124, 24],
  'stable-diffusion-xl': [999, 845, 730, 587, 443, 310, 193, 116, 53, 13],
};
const sigmaTables: Readonly<Record<AysModel, readonly number[]>> = {
  'stable-diffusion-1.5': [14.615, 6.475, 3.861, 2.697, 1.886, 1.396, 0.963, 0.652, 0.399, 0.152, 0.0],
  'stable-diffusion-xl': [14.615, 6.315, 3.771, 2.181, 1.342, 0.862, 0.555, 0.38, 0.234, 0.113, 0.0],
  'stable-video-diffusion': [700.0, 54.5, 15.886, 7.977, 4.248, 1.789, 0.981, 0.403, 0.173, 0.034, 0.0],
};

/** The published 10-step AYS timesteps of a Stable Diffusion model (falling, 0-based), as diffusers' `AysSchedules`. */
export function aysTimesteps(model: 'stable-diffusion-1.5' | 'stable-diffusion-xl'): Float64Array {
  const name = checkOneOf('aysTimesteps.model', model, ['stable-diffusion-1.5', 'stable-diffusion-xl']);
  return Float64Array.from(timestepTables[name]!);
}

/** Options of {@link aysLadder}. */
export interface AysLadderOptions {
  /** Sampling steps (default 10, the published table); other counts interpolate it log-linearly, as AYS does. */
  readonly steps?: number;
  /**
   * The model's discrete training schedule. With it, a Stable Diffusion table's timesteps are read
   * on this schedule (`sigmasAtTimesteps`, exact sigmas); without it, the published 3-decimal sigmas are used.
   */
  readonly schedule?: DiscreteSchedule;
}

/**
 * The "Align Your Steps" ladder of a model (Sabour et al. 2024; diffusers' `AysSchedules`):
 * falling VE sigmas ending in 0, length `steps + 1`. The 10-step table is re-used at other step
 * counts by {@link interpolateLadder}.
 */
export function aysLadder(model: AysModel, options?: AysLadderOptions): Float64Array {
  const name = checkOneOf('aysLadder.model', model, aysModels);
  const given = checkOptions('aysLadder.options', options, ['steps', 'schedule']);
  const steps = checkPositiveInteger('aysLadder.steps', given.steps ?? 10);
  const timesteps = timestepTables[name];
  let ladder: Float64Array;
  if (given.schedule !== undefined && timesteps !== undefined) {
    const schedule = given.schedule;
    if (typeof schedule.sigmaAtTimestep !== 'function' || schedule.numTrainTimesteps !== 1000) {
      throw invalidOption('aysLadder.schedule', schedule?.name ?? schedule, `a discrete schedule of T = 1000 training timesteps (the ${name} table indexes 0..999)`);
    }
    ladder = sigmasAtTimesteps(schedule, timesteps);
  } else {
    if (given.schedule !== undefined) throw invalidOption('aysLadder.schedule', given.schedule.name, `no schedule: the ${name} table is a sigma list, not timesteps`);
    ladder = Float64Array.from(sigmaTables[name]);
  }
  return steps === 10 ? ladder : interpolateLadder(ladder, steps);
}
