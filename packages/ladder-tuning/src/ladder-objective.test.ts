import { createRandomSource } from '@diffusion/core';
import { createCircleDirections, createRandomDirections, maximumMeanDiscrepancy, medianHeuristicBandwidth, slicedWasserstein1 } from '@diffusion/metrics';
import { describe, expect, it } from 'vitest';
import { bindLadderObjective } from './ladder-objective';

const points = (count: number, dimension: number, seed: number, shift = 0) => createRandomSource(seed).normals(count * dimension).map((value) => value + shift);

describe('bindLadderObjective', () => {
  it('sliced W1 equals the metric over the same directions (2-D circle, 5-D random)', () => {
    const heldOut2 = points(700, 2, 1);
    const samples2 = points(300, 2, 2, 0.3);
    expect(bindLadderObjective('sliced-wasserstein', heldOut2, 2)(samples2)).toBeCloseTo(slicedWasserstein1(samples2, heldOut2, { directions: createCircleDirections(64) }), 12);
    const heldOut5 = points(400, 5, 3);
    const samples5 = points(250, 5, 4, -0.2);
    const directions = createRandomDirections(5, 128, createRandomSource(9).fork('ladder-slices'));
    const expected = slicedWasserstein1(samples5, heldOut5, { directions });
    expect(bindLadderObjective('sliced-wasserstein', heldOut5, 5, { seed: 9 })(samples5)).toBeCloseTo(expected, 12);
    // A shift of 0.3 along every axis moves every 1-D projection by 0.3 u.(1, 1): the distance grows with it.
    expect(bindLadderObjective('sliced-wasserstein', heldOut2, 2)(points(300, 2, 2, 0.6))).toBeGreaterThan(bindLadderObjective('sliced-wasserstein', heldOut2, 2)(samples2));
  });

  it('MMD keeps the bandwidth of the held-out points, whatever the samples', () => {
    const heldOut = points(300, 2, 5);
    const samples = points(200, 2, 6, 2);
    const bandwidth = medianHeuristicBandwidth(heldOut, heldOut, { dimension: 2 });
    expect(bindLadderObjective('mmd', heldOut, 2)(samples)).toBeCloseTo(maximumMeanDiscrepancy(samples, heldOut, { dimension: 2, bandwidth }), 12);
    expect(maximumMeanDiscrepancy(samples, heldOut, { dimension: 2 })).not.toBeCloseTo(maximumMeanDiscrepancy(samples, heldOut, { dimension: 2, bandwidth }), 6);
  });

  it('the Fréchet distance of 1-D samples is (m1 - m2)^2 + (s1 - s2)^2 of their moments', () => {
    const heldOut = points(500, 1, 7);
    const samples = points(400, 1, 8).map((value) => 2 * value + 1);
    const moments = (values: Float64Array) => {
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      return { mean, std: Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1)) };
    };
    const a = moments(samples);
    const b = moments(heldOut);
    expect(bindLadderObjective('frechet', heldOut, 1)(samples)).toBeCloseTo((a.mean - b.mean) ** 2 + (a.std - b.std) ** 2, 10);
  });

  it('refuses an unknown objective by name', () => {
    expect(() => bindLadderObjective('kl' as never, points(10, 2, 1), 2)).toThrow(/tuneLadder\.objective.*sliced-wasserstein, mmd, frechet/);
  });
});
