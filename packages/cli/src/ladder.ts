import type { Schedule } from '@diffusion/core';
import { isDiscreteSchedule } from '@diffusion/parameterisations';
import { exponentialSigmas, karrasSigmas, logSnrUniformSigmas, sigmasAtTimesteps } from '@diffusion/schedules';

/** Sigma ladders a sampler can run on. */
export type LadderName = 'karras' | 'log-snr-uniform' | 'exponential' | 'trailing' | 'leading' | 'linspace';

/** The VE sigma range a schedule was trained on: [sigma at the first step or t = 1e-3, sigma at t = 1 (at most 500)]. */
export function sigmaRange(schedule: Schedule): { sigmaMin: number; sigmaMax: number } {
  if (isDiscreteSchedule(schedule)) return { sigmaMin: schedule.sigmaAtTimestep(0), sigmaMax: schedule.sigmaAtTimestep(schedule.numTrainTimesteps - 1) };
  const veSigma = (t: number): number => schedule.sigma(t) / schedule.alpha(t);
  return { sigmaMin: veSigma(1e-3), sigmaMax: Math.min(veSigma(1 - 1e-3), 500) };
}

/** The falling ladder (ending in 0) of `steps` steps; the default is `trailing` on a discrete schedule, `karras` otherwise. */
export function ladderFor(schedule: Schedule, kind: LadderName | undefined, steps: number): Float64Array {
  const { sigmaMin, sigmaMax } = sigmaRange(schedule);
  const chosen = kind ?? (isDiscreteSchedule(schedule) ? 'trailing' : 'karras');
  switch (chosen) {
    case 'karras':
      return karrasSigmas({ steps, sigmaMin, sigmaMax, rho: 7 });
    case 'exponential':
      return exponentialSigmas({ steps, sigmaMin, sigmaMax });
    case 'log-snr-uniform':
      return logSnrUniformSigmas({ steps, logSnrMin: -2 * Math.log(sigmaMax), logSnrMax: -2 * Math.log(sigmaMin) });
    default:
      if (!isDiscreteSchedule(schedule)) return karrasSigmas({ steps, sigmaMin, sigmaMax, rho: 7 });
      return sigmasAtTimesteps(schedule, schedule.timesteps(steps, chosen, chosen === 'leading' ? 1 : 0));
  }
}
