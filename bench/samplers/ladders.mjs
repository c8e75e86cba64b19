// The standard sigma ladders of the sampler benchmark: diffusers' timestep spacings on the training
// schedule, Karras and log-SNR-uniform ladders over the schedule's sigma range. Tuned ladders come
// from the public API, `tuneLadder` of @diffusion/ladder-tuning (see run.mjs).
import { karrasSigmas, logSnrUniformSigmas, sigmasAtTimesteps, timestepsFor } from '../../packages/schedules/dist/index.js';

/** The standard ladders for n steps on a discrete schedule (VE sigmas, falling, ending in 0). */
export function standardLadders(schedule, steps) {
  const sigmaMin = schedule.sigmaAtTimestep(0);
  const sigmaMax = schedule.sigmaAtTimestep(schedule.numTrainTimesteps - 1);
  const at = (spacing) => sigmasAtTimesteps(schedule, timestepsFor(schedule, steps, { spacing, scheduler: 'ddim' }));
  return {
    // diffusers' DDIM/DDPM default: leading spacing, steps_offset 0.
    leading: at('leading'),
    trailing: at('trailing'),
    karras: karrasSigmas({ steps, sigmaMin, sigmaMax, rho: 7 }),
    'log-snr': logSnrUniformSigmas({ steps, logSnrMin: -2 * Math.log(sigmaMax), logSnrMax: -2 * Math.log(sigmaMin) }),
  };
}
