import { checkNonNegative, checkOptions } from '@diffusion/core';
import { createLabelledDataset, type LabelledDataset } from './dataset';

/** Options of {@link createTwoMoons}. */
export interface TwoMoonsOptions {
  /** Standard deviation of the isotropic Gaussian noise added to each point (default 0.05). */
  readonly noise?: number;
}

/**
 * Two interleaved half-circles of radius 1, after scikit-learn's `make_moons`, shifted by
 * (-0.5, -0.25) so the data is centred: the upper moon is centred at (-0.5, -0.25), the lower at (0.5, 0.25).
 * Labelled: class 0 is the upper moon, class 1 the lower (`make_moons`' `y`).
 */
export function createTwoMoons(options: TwoMoonsOptions = {}): LabelledDataset<Required<TwoMoonsOptions>> {
  checkOptions('createTwoMoons', options, ['noise']);
  const noise = checkNonNegative('createTwoMoons.noise', options.noise ?? 0.05);
  return createLabelledDataset('two-moons', 2, { noise }, ['upper moon', 'lower moon'], (count, random) => {
    const picks = random.uniforms(2 * count);
    const jitter = random.normals(2 * count);
    const out = new Float64Array(2 * count);
    const labels = new Int32Array(count);
    for (let row = 0; row < count; row += 1) {
      const angle = Math.PI * picks[2 * row + 1]!;
      const upper = picks[2 * row]! < 0.5;
      labels[row] = upper ? 0 : 1;
      // make_moons: outer (cos, sin), inner (1 - cos, 0.5 - sin); then centre.
      const x = upper ? Math.cos(angle) : 1 - Math.cos(angle);
      const y = upper ? Math.sin(angle) : 0.5 - Math.sin(angle);
      out[2 * row] = x - 0.5 + noise * jitter[2 * row]!;
      out[2 * row + 1] = y - 0.25 + noise * jitter[2 * row + 1]!;
    }
    return { points: out, labels };
  });
}
