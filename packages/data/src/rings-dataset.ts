import { checkFiniteArray, checkNonNegative, checkOptions, checkPositive } from '@diffusion/core';
import { createLabelledDataset, type LabelledDataset } from './dataset';

/** Options of {@link createRings}. */
export interface RingsOptions {
  /** Radii of the concentric rings (default [0.5, 1, 1.5, 2]); each ring gets the same share of points on average. */
  readonly radii?: readonly number[];
  /** Standard deviation of the isotropic Gaussian noise added to each point (default 0.02). */
  readonly noise?: number;
}

/**
 * Concentric circles, uniform in angle, with a uniformly chosen ring per point (FFJORD's "rings" toy,
 * Grathwohl et al. 2019). Labelled: the class is the ring's index in `radii`.
 */
export function createRings(options: RingsOptions = {}): LabelledDataset<{ readonly radii: number[]; readonly noise: number }> {
  checkOptions('createRings', options, ['radii', 'noise']);
  const radii = Array.from(checkFiniteArray('createRings.radii', options.radii ?? [0.5, 1, 1.5, 2]));
  radii.forEach((radius, index) => checkPositive(`createRings.radii[${index}]`, radius));
  const noise = checkNonNegative('createRings.noise', options.noise ?? 0.02);
  return createLabelledDataset('rings', 2, { radii, noise }, radii.map((radius) => `ring r = ${radius}`), (count, random) => {
    const rings = random.integers(count, radii.length);
    const angles = random.uniforms(count);
    const jitter = random.normals(2 * count);
    const out = new Float64Array(2 * count);
    for (let row = 0; row < count; row += 1) {
      const radius = radii[rings[row]!]!;
      const angle = 2 * Math.PI * angles[row]!;
      out[2 * row] = radius * Math.cos(angle) + noise * jitter[2 * row]!;
      out[2 * row + 1] = radius * Math.sin(angle) + noise * jitter[2 * row + 1]!;
    }
    return { points: out, labels: Int32Array.from(rings) };
  });
}
