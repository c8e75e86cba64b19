import type { Schedule } from '@diffusion/core';
import { isDiscreteSchedule } from '@diffusion/parameterisations';
import { exponentialSigmas, karrasSigmas, logSnrUniformSigmas, sigmasAtTimesteps } from '@diffusion/schedules';
import type { CompareConfig } from './config';

/** The VE sigma range a schedule was trained on: [sigma at the first step or t = 1e-3, sigma at t = 1]. */
export function sigmaRange(schedule: Schedule): { sigmaMin: number; sigmaMax: number } {
  if (isDiscreteSchedule(schedule)) return { sigmaMin: schedule.sigmaAtTimestep(0), sigmaMax: schedule.sigmaAtTimestep(schedule.numTrainTimesteps - 1) };
  const veSigma = (t: number): number => schedule.sigma(t) / schedule.alpha(t);
  const tMax = 1 - 1e-3;
  return { sigmaMin: veSigma(1e-3), sigmaMax: Math.min(veSigma(tMax), 500) };
}

/** The falling sigma ladder (ending in 0) of `steps` steps for a schedule. */
export function ladderFor(schedule: Schedule, kind: CompareConfig['ladder'], steps: number): Float64Array {
  const { sigmaMin, sigmaMax } = sigmaRange(schedule);
  switch (kind) {
    case 'karras':
      return karrasSigmas({ steps, sigmaMin, sigmaMax, rho: 7 });
    case 'exponential':
      return exponentialSigmas({ steps, sigmaMin, sigmaMax });
    case 'log-snr-uniform':
      return logSnrUniformSigmas({ steps, logSnrMin: -2 * Math.log(sigmaMax), logSnrMax: -2 * Math.log(sigmaMin) });
    default: {
      if (!isDiscreteSchedule(schedule)) return karrasSigmas({ steps, sigmaMin, sigmaMax, rho: 7 });
      return sigmasAtTimesteps(schedule, schedule.timesteps(steps, kind, kind === 'leading' ? 1 : 0));
    }
  }
}
