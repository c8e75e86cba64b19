import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLossHistory } from './playground-loss-history';

describe('the loss history', () => {
  it('gives the means of the first and last losses', () => {
    const history = createLossHistory();
    expect(history.firstMean(10)).toBeNaN();
    [4, 3, 2, 1].forEach((loss) => history.push(loss));
    expect(history.firstMean(2)).toBe(3.5);
    expect(history.recentMean(2)).toBe(1.5);
    expect(history.firstMean(100)).toBe(2.5);
    history.clear();
    expect(history.length).toBe(0);
    expect(history.recentMean(3)).toBeNaN();
  });

  it('keeps every loss past its first storage block', () => {
    const history = createLossHistory();
    for (let step = 0; step < 5000; step += 1) history.push(step);
    expect(history.length).toBe(5000);
    expect(history.recentMean(1)).toBe(4999);
    expect(history.firstMean(5000)).toBe(2499.5);
  });

  it('plots bucket means that cover every step once and end at the last step (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: 1, maxLength: 3000 }), fc.integer({ min: 1, max: 500 }), (losses, points) => {
        const history = createLossHistory();
        losses.forEach((loss) => history.push(loss));
        const curve = history.curve(points);
        expect(curve.length).toBe(Math.min(points, losses.length));
        expect(curve[curve.length - 1]![0]).toBe(losses.length);
        // Bucket means weighted by bucket sizes give back the overall mean.
        let previous = 0;
        let total = 0;
        for (const [end, mean] of curve) {
          total += mean * (end - previous);
          previous = end;
        }
        const expected = losses.reduce((sum, loss) => sum + loss, 0);
        expect(Math.abs(total - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, expected));
      }),
    );
  });
});
