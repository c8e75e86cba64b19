import { checkPositiveInteger, checkSigmaLadder, invalidOption } from '@diffusion/core/errors';
import { numpyLinspace } from './numeric-ranges';

/**
 * A ladder re-used at another step count by log-linear interpolation, the rule of "Align Your
 * Steps" (Sabour et al. 2024, their `loglinear_interp`): the n non-zero sigmas are placed at
 * positions `linspace(0, 1, n)`, log-sigma is interpolated linearly at `linspace(0, 1, steps)`,
 * and 0 is appended. The first and the last non-zero sigma are kept. Falling, length `steps + 1`.
 */
export function interpolateLadder(ladder: ArrayLike<number>, steps: number): Float64Array {
  const sigmas = checkSigmaLadder('interpolateLadder.ladder', ladder, 2);
  const count = checkPositiveInteger('interpolateLadder.steps', steps);
  const nonZero = sigmas.length - 1;
  if (sigmas[nonZero - 1] === 0) throw invalidOption('interpolateLadder.ladder', Array.from(sigmas), 'a ladder with at least one non-zero sigma');
  const logs = Array.from(sigmas.subarray(0, nonZero), Math.log);
  const out = new Float64Array(count + 1);
  const positions = numpyLinspace(0, nonZero - 1, count);
  positions.forEach((position, index) => {
    const low = Math.min(Math.floor(position), nonZero - 1);
    const high = Math.min(low + 1, nonZero - 1);
    out[index] = Math.exp(logs[low]! + (position - low) * (logs[high]! - logs[low]!));
  });
  // Ends exactly as given (the interpolation reproduces them only to round-off).
  out[0] = sigmas[0]!;
  if (count > 1) out[count - 1] = sigmas[nonZero - 1]!;
  return checkSigmaLadder('interpolateLadder.result', out);
}
