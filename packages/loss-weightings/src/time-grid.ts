import { invalidOption } from '@diffusion/core';

/** Tolerance on t * T when reading a time back as a discrete step. */
const gridTolerance = 1e-9;

/** The 1-based step k of a time t = k / T on the discrete grid (k = 1..T), or 0 when t is off the grid. */
export function stepOfTime(t: number, numTrainTimesteps: number): number {
  const scaled = t * numTrainTimesteps;
  const step = Math.round(scaled);
  if (step < 1 || step > numTrainTimesteps || Math.abs(scaled - step) > gridTolerance * numTrainTimesteps) return 0;
  return step;
}

/** Rejects a time that is not a number (NaN included) with a DiffusionError naming the density. */
export function checkTime(field: string, t: unknown): number {
  if (typeof t !== 'number' || Number.isNaN(t)) throw invalidOption(field, t, 'a time t (a number, not NaN)', 'invalid-argument');
  return t;
}
