import { checkInRange, checkOptions, checkPositiveInteger, invalidOption } from '@diffusion/core/errors';
import type { Schedule } from '@diffusion/core/errors';
import { tabulateSchedule } from './discrete-schedule';
import type { TabulatedSchedule } from './discrete-schedule';

/** Options of {@link discretizeSchedule}. */
export interface DiscretizeScheduleOptions {
  /** Number of training steps T. */
  readonly numTrainTimesteps: number;
  /** Upper clip of each beta; default 0.999. */
  readonly maxBeta?: number;
}

/**
 * T-step chain of a continuous variance-preserving schedule, the construction of Nichol &
 * Dhariwal (2021), eq. 17: `beta_t = min(1 - alphabar(t / T) / alphabar((t - 1) / T), maxBeta)`.
 */
export function discretizeSchedule(schedule: Schedule, options: DiscretizeScheduleOptions): TabulatedSchedule {
  const given = checkOptions('discretizeSchedule.options', options, ['numTrainTimesteps', 'maxBeta']);
  const total = checkPositiveInteger('discretizeSchedule.numTrainTimesteps', given.numTrainTimesteps);
  const maxBeta = checkInRange('discretizeSchedule.maxBeta', given.maxBeta ?? 0.999, 0, 1, '(]');
  const alphas = new Float64Array(total + 1);
  const sigmas = new Float64Array(total + 1);
  for (let index = 0; index <= total; index += 1) {
    alphas[index] = schedule.alpha(index / total);
    sigmas[index] = schedule.sigma(index / total);
    if (Math.abs(alphas[index]! ** 2 + sigmas[index]! ** 2 - 1) > 1e-9) {
      throw invalidOption('discretizeSchedule.schedule', schedule.name, 'a variance-preserving schedule (alpha^2 + sigma^2 = 1)');
    }
  }
  const betas = new Float64Array(total);
  for (let index = 0; index < total; index += 1) {
    // 1 - abar_t / abar_{t-1} = (sigma_t^2 - sigma_{t-1}^2) / alpha_{t-1}^2 under variance preservation.
    const beta = (sigmas[index + 1]! ** 2 - sigmas[index]! ** 2) / alphas[index]! ** 2;
    if (!(beta > 0)) throw invalidOption('discretizeSchedule.schedule', schedule.name, `a schedule whose alpha falls strictly (step ${index + 1} has beta ${beta})`);
    betas[index] = Math.min(beta, maxBeta);
  }
  return tabulateSchedule(betas, schedule.name, { schedule: schedule.options, numTrainTimesteps: total, maxBeta });
}
