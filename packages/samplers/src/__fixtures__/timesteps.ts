// Test-only: diffusers' `set_timesteps` for T = 1000, and the sigma-space ladders built from them
// (conformance README, "Reproducing the trajectories in sigma-space").
import { sigmaAt, trainTimesteps } from './mixture';

/** numpy's `round` (half to even). */
export function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const fraction = value - floor;
  if (fraction > 0.5) return floor + 1;
  if (fraction < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** `np.linspace(start, stop, count)`: `start + i·step`, with the last point exactly `stop`. */
export function linspace(start: number, stop: number, count: number): number[] {
  const step = (stop - start) / (count - 1);
  return Array.from({ length: count }, (_, index) => (index === count - 1 ? stop : start + index * step));
}

/** DDPM/DDIM `leading` spacing, steps_offset 0: `arange(n) · (T // n)`, reversed. */
export function leadingTimesteps(steps: number): number[] {
  const ratio = Math.floor(trainTimesteps / steps);
  return Array.from({ length: steps }, (_, index) => (steps - 1 - index) * ratio);
}

/** Euler/Heun/LMS `linspace` spacing: `linspace(0, T − 1, n)` reversed (fractional). */
export function linspaceTimesteps(steps: number): number[] {
  return linspace(0, trainTimesteps - 1, steps).reverse();
}

/** UniPC / DPM-Solver `linspace` spacing: `round(linspace(0, T − 1, n + 1))` reversed, last dropped. */
export function multistepLinspaceTimesteps(steps: number): number[] {
  return linspace(0, trainTimesteps - 1, steps + 1).map(roundHalfEven).reverse().slice(0, steps);
}

/** The sigma-space ladder of a run: sigma(t) at each timestep, then 0. */
export function ladderOf(timesteps: readonly number[]): Float64Array {
  return Float64Array.from([...timesteps.map(sigmaAt), 0]);
}
