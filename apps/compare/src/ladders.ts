import type { Schedule } from '@diffusion/core';
import { isDiscreteSchedule } from '@diffusion/parameterisations';
import { exponentialSigmas, karrasSigmas, logSnrUniformSigmas, sigmasAtTimesteps, trainingSigmaRange } from '@diffusion/schedules';
import type { CompareConfig } from './config';

/** The falling sigma ladder (ending in 0) of `steps` steps for a schedule. */
export function ladderFor(schedule: Schedule, kind: CompareConfig['ladder'], steps: number): Float64Array {
  const { sigmaMin, sigmaMax } = trainingSigmaRange(schedule);
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
