import { checkInRange, checkOptions, checkPositiveInteger, checkSigmaLadder, invalidOption } from '@diffusion/core/errors';
import type { Schedule } from '@diffusion/core/errors';

/** Options of {@link timeUniformSigmas}. */
export interface TimeUniformSigmasOptions {
  /** Number of sampling steps n (the ladder has n + 1 entries). */
  readonly steps: number;
  /** Time of the first level, in (0, 1]; default 1. Below 1 when sigma(1) / alpha(1) is infinite (e.g. flow matching). */
  readonly tMax?: number;
}

/**
 * VE sigmas `sigma(t) / alpha(t)` of any schedule at `t_i = tMax (1 - i / n)`, i = 0..n-1, then 0:
 * uniform steps in time ending at data, the continuous counterpart of diffusers' `trailing`
 * spacing (Lin et al. 2024), in the sigma-space form of Karras et al. (2022), eq. 4.
 */
export function timeUniformSigmas(schedule: Schedule, options: TimeUniformSigmasOptions): Float64Array {
  const given = checkOptions('timeUniformSigmas.options', options, ['steps', 'tMax']);
  const steps = checkPositiveInteger('timeUniformSigmas.steps', given.steps);
  const tMax = checkInRange('timeUniformSigmas.tMax', given.tMax ?? 1, 0, 1, '(]');
  const sigmas = new Float64Array(steps + 1);
  for (let index = 0; index < steps; index += 1) {
    const t = tMax * (1 - index / steps);
    const sigma = schedule.sigma(t) / schedule.alpha(t);
    if (!Number.isFinite(sigma)) throw invalidOption('timeUniformSigmas.tMax', tMax, `a time where sigma / alpha is finite (it is ${sigma} at t = ${t})`);
    sigmas[index] = sigma;
  }
  return checkSigmaLadder(`timeUniformSigmas(${schedule.name}).result`, sigmas);
}
