import { checkPositive, checkPositiveInteger } from '@diffusion/core';

/** Karras et al. (2022) eq. 5 ladder of `steps` sigmas from `sigmaMax` to `sigmaMin`, then 0 (length `steps + 1`). */
export function karrasLadder(steps: number, sigmaMin = 0.002, sigmaMax = 80, rho = 7): Float64Array {
  checkPositiveInteger('karrasLadder.steps', steps);
  checkPositive('karrasLadder.sigmaMin', sigmaMin);
  checkPositive('karrasLadder.sigmaMax', sigmaMax);
  const ladder = new Float64Array(steps + 1);
  const high = sigmaMax ** (1 / rho);
  const low = sigmaMin ** (1 / rho);
  for (let index = 0; index < steps; index += 1) ladder[index] = (high + (steps === 1 ? 0 : index / (steps - 1)) * (low - high)) ** rho;
  return ladder;
}
