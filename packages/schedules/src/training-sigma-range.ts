import type { Schedule } from '@diffusion/core/errors';
import { isDiscrete } from './is-discrete-schedule';

/**
 * The variance-exploding noise range, sigma = sigma_t / alpha_t (Karras et al. 2022, Sec. 2), that a
 * model trained on `schedule` has seen: for a discrete schedule its first and last training steps;
 * for a continuous one t in [1e-3, 1 - 1e-3], with sigmaMax capped at 500 (where the flow-matching
 * and cosine schedules' sigma/alpha diverges at t = 1). The usual bounds of a sampling ladder.
 */
export function trainingSigmaRange(schedule: Schedule): { sigmaMin: number; sigmaMax: number } {
  if (isDiscrete(schedule)) return { sigmaMin: schedule.sigmaAtTimestep(0), sigmaMax: schedule.sigmaAtTimestep(schedule.numTrainTimesteps - 1) };
  const veSigma = (t: number): number => schedule.sigma(t) / schedule.alpha(t);
  return { sigmaMin: veSigma(1e-3), sigmaMax: Math.min(veSigma(1 - 1e-3), 500) };
}
