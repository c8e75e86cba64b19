import { DiffusionError } from '@diffusion/core';
import { describe, expect, it } from 'vitest';
import { integrateDormandPrince } from './dormand-prince';

/** The harmonic oscillator y1' = y2, y2' = -y1 (solution cos t, -sin t from (1, 0)). */
const oscillator = (_t: number, y: Float64Array) => Float64Array.of(y[1]!, -y[0]!);

describe('integrateDormandPrince', () => {
  it('solves y\' = -y to within its tolerance, and counts 6 evaluations per step plus 2 for the first step size', () => {
    for (const tolerance of [1e-3, 1e-6, 1e-9]) {
      const result = integrateDormandPrince((_t, y) => y.map((value) => -value), 0, 5, Float64Array.of(1, 2), { rtol: tolerance, atol: tolerance });
      // Global error of an error-per-step controller grows with the steps: allow 10 x the tolerance.
      expect(Math.abs(result.y[0]! - Math.exp(-5))).toBeLessThan(10 * tolerance);
      expect(Math.abs(result.y[1]! - 2 * Math.exp(-5))).toBeLessThan(10 * tolerance);
      expect(result.nfe).toBe(2 + 6 * (result.acceptedSteps + result.rejectedSteps));
    }
  });

  it('is of fifth order: a 10^5 tighter tolerance cuts the steps by about 10 (harmonic oscillator over 10 periods)', () => {
    const steps = [1e-4, 1e-9].map((tolerance) => {
      const result = integrateDormandPrince(oscillator, 0, 20 * Math.PI, Float64Array.of(1, 0), { rtol: tolerance, atol: tolerance });
      expect(Math.hypot(result.y[0]! - 1, result.y[1]!)).toBeLessThan(2000 * tolerance);
      return result.acceptedSteps;
    });
    // Step size ~ tol^(1/5): 10^5 in tolerance is a factor 10 in steps (the 4th-order error estimate makes it 10^(5/5)).
    expect(steps[1]! / steps[0]!).toBeGreaterThan(6);
    expect(steps[1]! / steps[0]!).toBeLessThan(16);
  });

  it('integrates backwards when t1 < t0, and returns the start unchanged when t1 = t0', () => {
    const result = integrateDormandPrince(oscillator, Math.PI, 0, Float64Array.of(-1, 0), { rtol: 1e-10, atol: 1e-10 });
    expect(result.y[0]).toBeCloseTo(1, 8);
    expect(result.y[1]).toBeCloseTo(0, 8);
    expect(integrateDormandPrince(oscillator, 1, 1, Float64Array.of(3, 4), { rtol: 1e-3, atol: 1e-3 })).toEqual({ y: Float64Array.of(3, 4), nfe: 0, acceptedSteps: 0, rejectedSteps: 0 });
  });

  it('measures each block of the state on its own (mixed norm): a small block is held to its tolerance', () => {
    // 1000 slow entries and one fast one: the one-block RMS would dilute the fast entry's error 1000-fold.
    const f = (_t: number, y: Float64Array) => y.map((value, i) => (i === 1000 ? -20 * value : -0.01 * value));
    const start = new Float64Array(1001).fill(1);
    const mixed = integrateDormandPrince(f, 0, 1, start, { rtol: 1e-6, atol: 1e-6, blocks: [1000, 1001] });
    const single = integrateDormandPrince(f, 0, 1, start, { rtol: 1e-6, atol: 1e-6 });
    expect(Math.abs(mixed.y[1000]! - Math.exp(-20))).toBeLessThan(1e-6);
    expect(mixed.acceptedSteps).toBeGreaterThan(single.acceptedSteps);
  });

  it('refuses bad tolerances, blocks and a step budget it cannot meet, naming the field', () => {
    const run = (options: object) => () => integrateDormandPrince(oscillator, 0, 1, Float64Array.of(1, 0), { rtol: 1e-3, atol: 1e-3, ...options });
    const cases: Array<[object, string]> = [
      [{ rtol: 0 }, 'integrateDormandPrince.rtol'],
      [{ rtol: 1 }, 'integrateDormandPrince.rtol'],
      [{ atol: -1 }, 'integrateDormandPrince.atol'],
      [{ atol: Number.NaN }, 'integrateDormandPrince.atol'],
      [{ maxSteps: 0 }, 'integrateDormandPrince.maxSteps'],
      [{ blocks: [3] }, 'integrateDormandPrince.blocks[0]'],
      [{ blocks: [1] }, 'integrateDormandPrince.blocks'],
      [{ rtol: 1e-12, atol: 1e-12, maxSteps: 3 }, 'integrateDormandPrince.maxSteps'],
    ];
    for (const [options, field] of cases) {
      expect(run(options)).toThrow(DiffusionError);
      try {
        run(options)();
      } catch (error) {
        expect((error as DiffusionError).field).toBe(field);
      }
    }
    expect(() => integrateDormandPrince(() => Float64Array.of(Number.NaN, 0), 0, 1, Float64Array.of(1, 0), { rtol: 1e-3, atol: 1e-3 })).toThrow(/returned NaN/);
  });
});
