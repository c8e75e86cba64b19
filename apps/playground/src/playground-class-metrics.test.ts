import { createRandomSource } from '@diffusion/core';
import { createGaussianMixture } from '@diffusion/data';
import { slicedWasserstein1ToMixture } from '@diffusion/metrics';
import { describe, expect, it } from 'vitest';
import { componentMixture, nearestComponentFraction } from './playground-class-metrics';
import { datasetByName } from './playground-datasets';

const mixture = datasetByName('mixture').mixture!;

describe('class measures on a mixture', () => {
  it('counts the samples whose nearest component mean is their requested class', () => {
    // Means at (±1.5, ±1.5): component 0 (1.5, 1.5), 1 (1.5, -1.5), 2 (-1.5, 1.5), 3 (-1.5, -1.5).
    const samples = Float64Array.from([1, 1, 1, -1, -1, 1, -1, -1, 0.1, 0.2]);
    expect(nearestComponentFraction(samples, [0, 1, 2, 3, 0], mixture)).toBe(1);
    expect(nearestComponentFraction(samples, [0, 0, 0, 0, 0], mixture)).toBe(0.4);
    expect(nearestComponentFraction(samples, [3, 2, 1, 0, 3], mixture)).toBe(0);
    expect(() => nearestComponentFraction(samples, [0, 1], mixture)).toThrow(/nearestComponentFraction\.labels/);
  });

  it("gives a component's own law: its draws score near zero, another component's the shift (2/pi)|d|", () => {
    const component = componentMixture(mixture, 0);
    expect(Array.from(component.means[0]!)).toEqual([1.5, 1.5]);
    expect(Array.from(component.variances[0]!, (value) => Number(value.toFixed(12)))).toEqual([0.09, 0.09]);
    const random = createRandomSource(11);
    const own = component.sampleArray(4000, random.fork('own'));
    expect(slicedWasserstein1ToMixture(own, component)).toBeLessThan(0.03);
    // Two Gaussians of one covariance a shift d apart: W1 along u is |<u, d>|, E|cos| over the circle = 2/pi.
    const other = componentMixture(mixture, 1).sampleArray(4000, random.fork('other'));
    expect(Math.abs(slicedWasserstein1ToMixture(other, component) - (2 / Math.PI) * 3)).toBeLessThan(0.05);
    expect(() => componentMixture(mixture, 4)).toThrow(/componentMixture\.component/);
    expect(() => componentMixture(createGaussianMixture({ means: [[0, 0]], std: 1 }), -1)).toThrow(/componentMixture\.component/);
  });
});
