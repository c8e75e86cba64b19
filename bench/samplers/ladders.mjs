// Sigma ladders of the sampler benchmark: diffusers' timestep spacings on the training schedule,
// Karras and log-SNR-uniform ladders over the schedule's sigma range, and a ladder tuned to the
// data by a cheap coordinate search in log-sigma (in the spirit of "Align Your Steps",
// Sabour et al. 2024, which optimises the ladder for a given solver and data).
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

/**
 * Coordinate search over the interior log-sigmas of a ladder (the first sigma and the final 0
 * stay): each coordinate moves by ±delta (kept strictly between its neighbours) while the loss
 * falls; delta halves after a sweep without progress. `loss(ladder)` is any deterministic score.
 */
export function tuneLadder(initial, loss, { delta = 0.4, minimumDelta = 0.03, maxSweeps = 12 } = {}) {
  let ladder = Float64Array.from(initial);
  let best = loss(ladder);
  let evaluations = 1;
  for (let sweep = 0; sweep < maxSweeps && delta >= minimumDelta; sweep += 1) {
    let improved = false;
    for (let index = 1; index < ladder.length - 1; index += 1) {
      for (const direction of [-1, 1]) {
        const candidate = Float64Array.from(ladder);
        candidate[index] = Math.exp(Math.log(ladder[index]) + direction * delta);
        const upper = ladder[index - 1];
        const lower = index + 1 < ladder.length - 1 ? ladder[index + 1] : 0;
        if (!(candidate[index] < upper * 0.999 && candidate[index] > Math.max(lower * 1.001, 1e-4))) continue;
        const score = loss(candidate);
        evaluations += 1;
        if (score < best) {
          best = score;
          ladder = candidate;
          improved = true;
          break;
        }
      }
    }
    if (!improved) delta /= 2;
  }
  return { ladder, loss: best, evaluations };
}

/** Log-linear interpolation of a ladder's non-zero sigmas to `steps` steps (AYS's rule for other step counts). */
export function interpolateLadder(ladder, steps) {
  const logs = Array.from(ladder.subarray(0, ladder.length - 1), Math.log);
  const out = new Float64Array(steps + 1);
  for (let index = 0; index < steps; index += 1) {
    const position = steps === 1 ? 0 : (index * (logs.length - 1)) / (steps - 1);
    const low = Math.floor(position);
    const high = Math.min(low + 1, logs.length - 1);
    out[index] = Math.exp(logs[low] + (position - low) * (logs[high] - logs[low]));
  }
  return out;
}
