import { checkNonNegative, checkOptions } from '@diffusion/core';
import { createDataset, type Dataset } from './dataset';

/** Options of {@link createSwissRoll}. */
export interface SwissRollOptions {
  /** Standard deviation of the isotropic Gaussian noise added to each point, in output units (default 0.05). */
  readonly noise?: number;
}

/** Divides the roll `t (cos t, sin t)` so that each coordinate has a standard deviation near 1. */
export const swissRollScale = 7;

/**
 * The 2-D swiss roll of FFJORD's toy data (Grathwohl et al. 2019), after scikit-learn's
 * `make_swiss_roll`: `t = 1.5 pi (1 + 2u)`, point `t (cos t, sin t) / 7` plus noise.
 */
export function createSwissRoll(options: SwissRollOptions = {}): Dataset<Required<SwissRollOptions>> {
  checkOptions('createSwissRoll', options, ['noise']);
  const noise = checkNonNegative('createSwissRoll.noise', options.noise ?? 0.05);
  return createDataset('swiss-roll', 2, { noise }, (count, random) => {
    const positions = random.uniforms(count);
    const jitter = random.normals(2 * count);
    const out = new Float64Array(2 * count);
    for (let row = 0; row < count; row += 1) {
      const t = 1.5 * Math.PI * (1 + 2 * positions[row]!);
      out[2 * row] = (t * Math.cos(t)) / swissRollScale + noise * jitter[2 * row]!;
      out[2 * row + 1] = (t * Math.sin(t)) / swissRollScale + noise * jitter[2 * row + 1]!;
    }
    return out;
  });
}
