import { checkFiniteArray, invalidOption } from '@diffusion/core/errors';

/**
 * Rescales betas to zero terminal SNR, Algorithm 1 of Lin et al. (2024), "Common Diffusion Noise
 * Schedules and Sample Steps are Flawed": shift and scale `sqrt(alphabar)` so it keeps its first
 * value and ends at exactly 0 (the last returned beta is exactly 1).
 */
export function rescaleZeroTerminalSnr(betas: Float64Array): Float64Array {
  const checked = checkFiniteArray('rescaleZeroTerminalSnr.betas', betas, 2);
  const total = checked.length;
  const alphaBarSqrt = new Float64Array(total);
  let product = 1;
  for (let index = 0; index < total; index += 1) {
    const beta = checked[index]!;
    if (!(beta > 0 && beta <= 1)) throw invalidOption(`rescaleZeroTerminalSnr.betas[${index}]`, beta, 'a number in (0, 1]');
    product *= 1 - beta;
    alphaBarSqrt[index] = Math.sqrt(product);
  }
  const first = alphaBarSqrt[0]!;
  const last = alphaBarSqrt[total - 1]!;
  if (!(first > last)) throw invalidOption('rescaleZeroTerminalSnr.betas', betas, 'betas whose alphabar falls from the first to the last step');
  const scale = first / (first - last);
  const alphaBar = alphaBarSqrt.map((value) => ((value - last) * scale) ** 2);
  const rescaled = new Float64Array(total);
  rescaled[0] = 1 - alphaBar[0]!;
  for (let index = 1; index < total; index += 1) rescaled[index] = 1 - alphaBar[index]! / alphaBar[index - 1]!;
  return rescaled;
}
