import { DiffusionError, describeValue } from '@diffusion/core/errors';
import type { TimestepSpacing } from '@diffusion/core/errors';
import { numpyArange, numpyLinspace, roundHalfEven } from './numeric-ranges';

// The timestep grids of diffusers v0.31.0's `set_timesteps`, one per family of schedulers
// (Lin et al. 2024, "Common Diffusion Noise Schedules and Sample Steps are Flawed", Table 2).

/** Which `set_timesteps` grid: DDPM/DDIM (integers), PNDM (integers, rising), Euler family (floats), DPM-Solver / UniPC (n + 1 points, integers). */
export type TimestepGrid = 'ddpm' | 'pndm' | 'euler' | 'multistep';

/** Inputs of {@link diffusersTimestepGrid}. */
export interface TimestepGridOptions {
  readonly className: string;
  readonly grid: TimestepGrid;
  readonly spacing: TimestepSpacing;
  readonly numTrainTimesteps: number;
  readonly numInferenceSteps: number;
  readonly stepsOffset: number;
  /** DPM-Solver's last timestep + 1 after `lambda_min_clipped` (default numTrainTimesteps). */
  readonly lastTimestep?: number;
}

/**
 * The timesteps of a `set_timesteps(n)` call before any sigma conversion: falling for every grid
 * but `'pndm'` (rising, as PNDM's `_timesteps`). Refuses the grids diffusers would break on: a
 * timestep below 0 (numpy's `arange` overshoot under `'trailing'`, e.g. T = 1000, n = 61) or past T - 1.
 */
export function diffusersTimestepGrid(options: TimestepGridOptions): Float64Array {
  const { className, grid, spacing, numTrainTimesteps: total, numInferenceSteps: steps, stepsOffset } = options;
  const last = options.lastTimestep ?? total;
  const field = `${className}.setTimesteps`;
  let timesteps: Float64Array;
  if (grid === 'multistep') {
    // linspace / leading over n + 1 points, the last (t = 0) dropped.
    if (spacing === 'linspace') timesteps = reversed(numpyLinspace(0, last - 1, steps + 1).map(roundHalfEven)).subarray(0, steps);
    else if (spacing === 'leading') {
      const ratio = Math.floor(last / (steps + 1));
      timesteps = Float64Array.from({ length: steps }, (_, index) => (steps - index) * ratio + stepsOffset);
    } else timesteps = numpyArange(last, 0, -total / steps).map((value) => roundHalfEven(value) - 1);
  } else if (spacing === 'linspace') {
    const grid01 = numpyLinspace(0, total - 1, steps);
    timesteps = grid === 'euler' ? reversed(grid01) : reversed(grid01.map(roundHalfEven));
  } else if (spacing === 'leading') {
    const ratio = Math.floor(total / steps);
    if (ratio === 0) throw stepsError(field, steps, `at most num_train_timesteps = ${total} steps under "leading" spacing`);
    timesteps = Float64Array.from({ length: steps }, (_, index) => (steps - 1 - index) * ratio + stepsOffset);
  } else {
    timesteps = numpyArange(total, 0, -total / steps).map((value) => roundHalfEven(value) - 1);
  }
  timesteps.forEach((timestep) => {
    if (timestep < 0) throw stepsError(field, steps, `a step count for which "${spacing}" spacing keeps every timestep >= 0 (numpy's arange gives ${timesteps.length} points here, the last ${timestep}, which diffusers would use as an index)`);
    if (timestep > total - 1) {
      throw new DiffusionError('invalid-option', `${className}.steps_offset: got ${stepsOffset}; with ${steps} steps under "${spacing}" spacing the first timestep would be ${timestep}, past num_train_timesteps - 1 = ${total - 1}.`, {
        field: `${className}.steps_offset`, value: stepsOffset, allowed: `an offset that keeps the first timestep <= ${total - 1}`,
      });
    }
  });
  return grid === 'pndm' ? reversed(timesteps) : timesteps;
}

function reversed(values: Float64Array): Float64Array {
  return Float64Array.from(values).reverse();
}

function stepsError(field: string, steps: number, allowed: string): DiffusionError {
  return new DiffusionError('invalid-option', `${field}.numInferenceSteps: got ${describeValue(steps)}; expected ${allowed}.`, { field: `${field}.numInferenceSteps`, value: steps, allowed });
}
