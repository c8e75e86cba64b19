import { DiffusionError, invalidOption } from '@diffusion/core';
import { isDiscreteSchedule } from '@diffusion/parameterisations';
import { aysLadder } from '@diffusion/schedules';
import type { DiffusersScheduler } from '../scheduler/read-diffusers-scheduler-config';

/**
 * Ladders a pipeline runs our samplers on by name: "Align Your Steps" (Sabour et al. 2024) with
 * diffusers' published `AysSchedules` timesteps of Stable Diffusion 1.5 and SDXL
 * (`schedulers/scheduling_utils.py`), read on the folder's own training schedule, as diffusers
 * does when those timesteps are passed to a scheduler (`pipe(..., timesteps=AysSchedules[...])`).
 */
export const diffusersLadderNames = ['ays-stable-diffusion-1.5', 'ays-stable-diffusion-xl'] as const;

/** A name of {@link diffusersLadderNames}. */
export type DiffusersLadderName = (typeof diffusersLadderNames)[number];

/**
 * The named ladder for a scheduler read from a folder, `steps` steps (default 10, the published
 * table; other counts interpolate it log-linearly, as AYS does): falling VE sigmas ending in 0.
 * The tables index T = 1000 training timesteps, so the scheduler's schedule must have them.
 */
export function diffusersNamedLadder(scheduler: DiffusersScheduler, name: DiffusersLadderName, steps = 10, field = 'ladder'): Float64Array {
  if (!(diffusersLadderNames as readonly string[]).includes(name)) throw invalidOption(field, name, `a sigma ladder or one of ${diffusersLadderNames.join(', ')}`, 'unknown-name');
  const model = name === 'ays-stable-diffusion-1.5' ? 'stable-diffusion-1.5' : 'stable-diffusion-xl';
  const { schedule } = scheduler;
  if (!isDiscreteSchedule(schedule) || schedule.numTrainTimesteps !== 1000) {
    throw new DiffusionError('invalid-option', `${field}: got "${name}"; the AYS table indexes 1000 training timesteps, and this ${scheduler.className} has ${isDiscreteSchedule(schedule) ? `num_train_timesteps = ${schedule.numTrainTimesteps}` : 'a continuous schedule'}; pass a sigma ladder instead.`, {
      field, value: name, allowed: 'a scheduler with num_train_timesteps = 1000, or a sigma ladder',
    });
  }
  return aysLadder(model, { schedule, steps });
}
