import { createRandomSource } from '@diffusion/core';
import { describe, expect, it } from 'vitest';
import { createCheckerboard } from './checkerboard-dataset';
import { createEightGaussians } from './eight-gaussians-dataset';
import { createRings } from './rings-dataset';
import { createSwissRoll, swissRollScale } from './swiss-roll-dataset';
import { createTwoMoons } from './two-moons-dataset';

const n = 5_000;
const rows = (points: Float64Array) => Array.from({ length: points.length / 2 }, (_, row) => [points[2 * row]!, points[2 * row + 1]!] as const);

describe('toy shapes', () => {
  it('swiss roll: without noise every point is t (cos t, sin t) / 7 with t in [1.5 pi, 4.5 pi]', () => {
    for (const [x, y] of rows(createSwissRoll({ noise: 0 }).sampleArray(n, createRandomSource(1)))) {
      const t = Math.hypot(x, y) * swissRollScale;
      expect(t).toBeGreaterThanOrEqual(1.5 * Math.PI - 1e-9);
      expect(t).toBeLessThanOrEqual(4.5 * Math.PI + 1e-9);
      expect(Math.abs(x - (t * Math.cos(t)) / swissRollScale)).toBeLessThan(1e-9);
      expect(Math.abs(y - (t * Math.sin(t)) / swissRollScale)).toBeLessThan(1e-9);
    }
  });

  it('two moons: without noise each point lies on its unit half-circle, about half on each', () => {
    let upper = 0;
    for (const [x, y] of rows(createTwoMoons({ noise: 0 }).sampleArray(n, createRandomSource(2)))) {
      const onUpper = Math.abs(Math.hypot(x + 0.5, y + 0.25) - 1) < 1e-9 && y >= -0.25 - 1e-9;
      const onLower = Math.abs(Math.hypot(x - 0.5, y - 0.25) - 1) < 1e-9 && y <= 0.25 + 1e-9;
      expect(onUpper || onLower).toBe(true);
      if (onUpper) upper += 1;
    }
    expect(Math.abs(upper / n - 0.5)).toBeLessThan(4 * Math.sqrt(0.25 / n));
  });

  it('eight gaussians: points sit near one of 8 means on the circle, with squared distance 2 std^2 on average', () => {
    const toy = createEightGaussians({ radius: 2, std: 0.1 });
    const counts = new Array<number>(8).fill(0);
    let squared = 0;
    for (const [x, y] of rows(toy.sampleArray(n, createRandomSource(3)))) {
      const k = ((Math.round(Math.atan2(y, x) / (Math.PI / 4)) % 8) + 8) % 8;
      counts[k]! += 1;
      squared += ((x - toy.means[k]![0]!) ** 2 + (y - toy.means[k]![1]!) ** 2) / n;
    }
    expect(Math.abs(squared - 2 * 0.01)).toBeLessThan(5 * Math.sqrt((8 * 0.1 ** 4) / n));
    counts.forEach((count) => expect(Math.abs(count / n - 1 / 8)).toBeLessThan(5 * Math.sqrt((1 / 8) * (7 / 8) / n)));
    expect(toy.veDenoiser).toBeTypeOf('function');
  });

  it.each([2, 4, 8])('checkerboard (%i squares a side): every point falls in a black square of [-2, 2]^2, all black squares used', (squares) => {
    const side = 4 / squares;
    const used = new Set<string>();
    for (const [x, y] of rows(createCheckerboard({ squares }).sampleArray(n, createRandomSource(4)))) {
      expect(Math.abs(x)).toBeLessThanOrEqual(2);
      expect(Math.abs(y)).toBeLessThanOrEqual(2);
      const [i, j] = [Math.floor((x + 2) / side), Math.floor((y + 2) / side)];
      expect((i + j) % 2).toBe(0);
      used.add(`${i},${j}`);
    }
    expect(used.size).toBe((squares * squares) / 2);
  });

  it('rings: radii are the given ones without noise, and within 5 noise std of one with noise', () => {
    const radii = [0.5, 1, 1.5, 2];
    const exact = rows(createRings({ noise: 0 }).sampleArray(n, createRandomSource(5))).map(([x, y]) => Math.hypot(x, y));
    for (const radius of exact) expect(radii.some((ring) => Math.abs(ring - radius) < 1e-12)).toBe(true);
    for (const ring of radii) expect(Math.abs(exact.filter((radius) => Math.abs(radius - ring) < 1e-9).length / n - 0.25)).toBeLessThan(0.03);
    for (const [x, y] of rows(createRings().sampleArray(n, createRandomSource(6)))) {
      expect(radii.some((ring) => Math.abs(ring - Math.hypot(x, y)) < 5 * 0.02 * Math.SQRT2)).toBe(true);
    }
  });
});
