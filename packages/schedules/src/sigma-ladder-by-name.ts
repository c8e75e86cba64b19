import { checkOneOf, type Schedule } from '@diffusion/core/errors';
import { isDiscrete } from './is-discrete-schedule';
import { exponentialSigmas, logSnrUniformSigmas } from './exponential-sigmas';
import { sigmasAtTimesteps } from './euler-sigmas';
import { karrasSigmas } from './karras-sigmas';
import { trainingSigmaRange } from './training-sigma-range';

/**
 * The sampling ladders a command line or a picker offers by name: three over the schedule's
 * training range ({@link trainingSigmaRange}) and, on a discrete schedule, diffusers' three
 * timestep spacings (Lin et al. 2024, Sec. 3.3).
 */
export const sigmaLadderNames = ['karras', 'log-snr-uniform', 'exponential', 'trailing', 'leading', 'linspace'] as const;

/** A name of {@link sigmaLadderNames}. */
export type SigmaLadderName = (typeof sigmaLadderNames)[number];

/**
 * The falling sigma ladder (ending in 0) of `steps` steps chosen by name, over the range the
 * schedule was trained on:
 * - `karras`: Karras et al. (2022) eq. 5 with rho = 7 on [sigmaMin, sigmaMax];
 * - `exponential`: uniform in log sigma (k-diffusion's `get_sigmas_exponential`);
 * - `log-snr-uniform`: uniform in log SNR = -2 log sigma, the ladder of `exponential` up to rounding;
 * - `trailing`, `leading` (steps offset 1, as Stable Diffusion's configs), `linspace`: the sigmas
 *   at diffusers' timesteps of that spacing on a discrete schedule; a continuous schedule has no
 *   timesteps and gets `karras`.
 *
 * The default is `trailing` on a discrete schedule and `karras` otherwise. A name outside
 * {@link sigmaLadderNames} is a `DiffusionError`; the ladder builders check `steps`.
 */
export function sigmaLadderByName(schedule: Schedule, name: SigmaLadderName | undefined, steps: number): Float64Array {
  const chosen = checkOneOf('sigmaLadderByName.name', name ?? (isDiscrete(schedule) ? 'trailing' : 'karras'), sigmaLadderNames);
  const { sigmaMin, sigmaMax } = trainingSigmaRange(schedule);
  switch (chosen) {
    case 'karras':
      return karrasSigmas({ steps, sigmaMin, sigmaMax, rho: 7 });
    case 'exponential':
      return exponentialSigmas({ steps, sigmaMin, sigmaMax });
    case 'log-snr-uniform':
      return logSnrUniformSigmas({ steps, logSnrMin: -2 * Math.log(sigmaMax), logSnrMax: -2 * Math.log(sigmaMin) });
    default:
      if (!isDiscrete(schedule)) return karrasSigmas({ steps, sigmaMin, sigmaMax, rho: 7 });
      return sigmasAtTimesteps(schedule, schedule.timesteps(steps, chosen, chosen === 'leading' ? 1 : 0));
  }
}
