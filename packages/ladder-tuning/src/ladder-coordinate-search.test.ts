import { DiffusionError } from '@diffusion/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coordinateSearchLadder } from './ladder-coordinate-search';

/** A falling ladder of `steps` steps from positive sigmas (sorted, distinct) ending in 0. */
const ladderArbitrary = (steps: number) =>
  fc.uniqueArray(fc.double({ min: 0.01, max: 80, noNaN: true }), { minLength: steps, maxLength: steps, comparator: (a, b) => Math.abs(Math.log(a / b)) < 0.05 })
    .map((sigmas) => Float64Array.from([...sigmas.sort((a, b) => b - a), 0]));

describe('coordinateSearchLadder', () => {
  it('finds the minimum of a separable loss in log-sigma, keeping the first sigma and the final 0', () => {
    const target = [80, 20, 5, 1.2, 0.3, 0];
    const loss = (ladder: Float64Array) => ladder.subarray(1, 5).reduce((total, sigma, index) => total + Math.log(sigma / target[index + 1]!) ** 2, 0);
    const start = Float64Array.from([80, 40, 10, 2, 0.05, 0]);
    const result = coordinateSearchLadder(start, loss, { minimumDelta: 0.005, maxSweeps: 60 });
    expect(result.ladder[0]).toBe(80);
    expect(result.ladder[5]).toBe(0);
    for (let index = 1; index < 5; index += 1) expect(Math.abs(Math.log(result.ladder[index]! / target[index]!))).toBeLessThan(0.01);
    expect(result.loss).toBeLessThan(1e-3);
    expect(result.startLoss).toBeCloseTo(loss(start), 12);
  });

  it('always returns a valid falling ladder no worse than the start, within the evaluation budget', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 7 }).chain((steps) => fc.tuple(ladderArbitrary(steps), fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 8, maxLength: 8 }), fc.integer({ min: 1, max: 50 }))), ([start, weights, budget]) => {
        // An arbitrary smooth loss with non-finite regions (below sigma 0.02 in the last slot).
        const loss = (ladder: Float64Array) => (ladder[ladder.length - 2]! < 0.02 ? Number.NaN : ladder.reduce((total, sigma, index) => total + weights[index]! * Math.sin(Math.log(sigma + 1e-9) * (index + 1)), 0));
        const result = coordinateSearchLadder(start, loss, { maxEvaluations: budget });
        expect(result.evaluations).toBeLessThanOrEqual(budget);
        expect(result.ladder.length).toBe(start.length);
        expect(result.ladder[0]).toBe(start[0]);
        expect(result.ladder.at(-1)).toBe(0);
        for (let index = 1; index < result.ladder.length; index += 1) expect(result.ladder[index]!).toBeLessThan(result.ladder[index - 1]!);
        const startLoss = Number.isFinite(loss(start)) ? loss(start) : Number.POSITIVE_INFINITY;
        expect(result.loss).toBeLessThanOrEqual(startLoss);
        expect(result.loss).toBe(Number.isFinite(loss(result.ladder)) ? loss(result.ladder) : Number.POSITIVE_INFINITY);
      }),
      { numRuns: 200 },
    );
  });

  it('names the field of a bad start or option', () => {
    expect(() => coordinateSearchLadder([1, 2, 0], () => 0)).toThrow(/coordinateSearchLadder\.start\[1\]/);
    expect(() => coordinateSearchLadder([2, 1, 0.5], () => 0)).toThrow(DiffusionError);
    expect(() => coordinateSearchLadder([2, 1, 0], () => 0, { delta: -1 })).toThrow(/coordinateSearchLadder\.delta/);
    expect(() => coordinateSearchLadder([2, 1, 0], () => 0, { sweeps: 3 } as never)).toThrow(/coordinateSearchLadder\.options\.sweeps/);
    expect(() => coordinateSearchLadder([2, 1, 0], 3 as never)).toThrow(/coordinateSearchLadder\.loss/);
  });
});

describe('coordinateSearchLadder with a known start loss', () => {
  it('does not evaluate the start again', () => {
    const seen: string[] = [];
    const result = coordinateSearchLadder([10, 3, 1, 0], (ladder) => (seen.push(Array.from(ladder).join()), Math.abs(Math.log(ladder[1]! / 2))), { startLoss: Math.log(1.5), maxEvaluations: 5 });
    expect(seen).toHaveLength(5);
    expect(seen[0]).not.toBe('10,3,1,0');
    expect(result.evaluations).toBe(5);
    expect(result.startLoss).toBe(Math.log(1.5));
  });
});
