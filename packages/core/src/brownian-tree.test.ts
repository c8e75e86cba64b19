import { DiffusionError } from './errors';
import { memory } from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kolmogorovSmirnovCritical, kolmogorovSmirnovNormal } from './__fixtures__/kolmogorov-smirnov';
import { createBrownianNoise } from './brownian-noise';
import { createBrownianTree } from './brownian-tree';

/** The increments over a partition (times rising or falling), each divided by sqrt of its length. */
function standardisedIncrements(seed: number, size: number, times: readonly number[]): Float64Array[] {
  const tree = createBrownianTree({ seed, size });
  return times.slice(1).map((tau, index) => {
    const increment = tree.increment(times[index]!, tau);
    const scale = 1 / Math.sqrt(Math.abs(tau - times[index]!));
    return increment.map((value) => value * scale);
  });
}

const flat = (arrays: readonly Float64Array[]) => Float64Array.from(arrays.flatMap((array) => Array.from(array)));

describe('the Brownian tree', () => {
  it('has standard normal standardised increments over uniform, Karras and random partitions (KS at level 0.001)', () => {
    // Karras et al. (2022) eq. 5, 50 sigmas 80 -> 0.002 (rho 7), in log-sigma.
    const logKarras = Array.from({ length: 50 }, (_, index) => 7 * Math.log(80 ** (1 / 7) + (index / 49) * (0.002 ** (1 / 7) - 80 ** (1 / 7))));
    const uniform = Array.from({ length: 41 }, (_, index) => Math.log(80) - (index * (Math.log(80) - Math.log(0.002))) / 40);
    for (const [name, times] of [['karras', logKarras], ['uniform', uniform]] as const) {
      const values = flat(standardisedIncrements(3, 500, times));
      expect(kolmogorovSmirnovNormal(values), name).toBeLessThan(kolmogorovSmirnovCritical(values.length));
    }
    fc.assert(
      fc.property(fc.array(fc.double({ min: 1e-3, max: 3, noNaN: true }), { minLength: 2, maxLength: 30 }), fc.double({ min: -20, max: 20, noNaN: true }), fc.nat({ max: 1000 }), (widths, start, seed) => {
        const times = [start];
        for (const width of widths) times.push(times.at(-1)! + width);
        const values = flat(standardisedIncrements(seed, Math.ceil(6000 / widths.length), times));
        expect(kolmogorovSmirnovNormal(values)).toBeLessThan(kolmogorovSmirnovCritical(values.length));
      }),
      { numRuns: 25 },
    );
  });

  it('has uncorrelated increments on neighbouring intervals and exact sums over a refinement', () => {
    const tree = createBrownianTree({ seed: 5, size: 4000 });
    const [a, b, c] = [-1.3, -0.2, 2.9];
    const first = tree.increment(a, b);
    const second = tree.increment(b, c);
    let correlation = 0;
    first.forEach((value, index) => (correlation += value * second[index]!));
    correlation /= 4000 * Math.sqrt((b - a) * (c - b));
    expect(Math.abs(correlation)).toBeLessThan(4 / Math.sqrt(4000));
    const whole = tree.increment(a, c);
    whole.forEach((value, index) => expect(Math.abs(value - first[index]! - second[index]!)).toBeLessThan(1e-12));
  });

  it('fails the KS check when the variance is 10% off (the check can fail)', () => {
    const times = Array.from({ length: 41 }, (_, index) => 4 - index * 0.2);
    const values = flat(standardisedIncrements(3, 500, times)).map((value) => value * Math.sqrt(1.1));
    expect(kolmogorovSmirnovNormal(values)).toBeGreaterThan(kolmogorovSmirnovCritical(values.length));
  });

  it('gives W(tau) from the seed and tau alone, whatever was asked before, and per coordinate whatever the size', () => {
    const fresh = createBrownianTree({ seed: 9, size: 64 }).at(0.731);
    const used = createBrownianTree({ seed: 9, size: 64 });
    for (const tau of [-30, 5, 0.7, 0.74, 17.2]) used.at(tau);
    expect(used.at(0.731)).toEqual(fresh);
    expect(createBrownianTree({ seed: 9, size: 7 }).at(0.731)).toEqual(fresh.subarray(0, 7));
    expect(createBrownianTree({ seed: 10, size: 64 }).at(0.731)).not.toEqual(fresh);
    expect(Array.from(createBrownianTree({ seed: 9, size: 3 }).at(0))).toEqual([0, 0, 0]);
  });

  it('has the variance |tau| at tau (W(0) = 0) across root intervals', () => {
    for (const tau of [-40, -3, 7.5, 33]) {
      const values = createBrownianTree({ seed: 2, size: 20000 }).at(tau).map((value) => value / Math.sqrt(Math.abs(tau)));
      expect(kolmogorovSmirnovNormal(values), `tau ${tau}`).toBeLessThan(kolmogorovSmirnovCritical(values.length));
    }
  });

  it('rejects bad options with DiffusionErrors naming them', () => {
    expect(() => createBrownianTree({ seed: -1, size: 3 })).toThrow(/createBrownianTree\.seed/);
    expect(() => createBrownianTree({ seed: 1, size: 0 })).toThrow(/createBrownianTree\.size/);
    expect(() => createBrownianTree({ seed: 1, size: 2, depth: 31 })).toThrow(/createBrownianTree\.depth/);
    expect(() => createBrownianTree({ seed: 1, size: 2, extra: 1 } as never)).toThrow(DiffusionError);
    expect(() => createBrownianTree({ seed: 1, size: 2 }).at(Number.NaN)).toThrow(/BrownianTree\.tau/);
  });
});

describe('createBrownianNoise', () => {
  it('draws normalised increments of one path: a coarse draw is the normalised sum of the fine draws inside it', () => {
    const before = memory().numTensors;
    const coarse = createBrownianNoise({ seed: 4 });
    const fine = createBrownianNoise({ seed: 4 });
    const sigmas = [14, 5, 1.5, 0.3];
    const whole = coarse([8, 2], { sigma: sigmas[0]!, sigmaNext: sigmas[3]! });
    const total = new Float64Array(16);
    for (let index = 0; index < 3; index += 1) {
      const part = fine([8, 2], { sigma: sigmas[index]!, sigmaNext: sigmas[index + 1]! });
      const weight = Math.sqrt(Math.log(sigmas[index]! / sigmas[index + 1]!));
      part.dataSync().forEach((value, k) => (total[k]! += weight * value));
      part.dispose();
    }
    const wholeWeight = Math.sqrt(Math.log(sigmas[0]! / sigmas[3]!));
    whole.dataSync().forEach((value, k) => expect(Math.abs(value * wholeWeight - total[k]!)).toBeLessThan(1e-5));
    whole.dispose();
    expect(memory().numTensors).toBe(before);
  });

  it('in sigma time, follows k-diffusion: (W(sigmaNext) − W(sigma)) / sqrt|sigmaNext − sigma|', () => {
    const noise = createBrownianNoise({ seed: 6, time: 'sigma' });
    const tree = createBrownianTree({ seed: 6, size: 5, depth: 24 });
    const draw = noise([5], { sigma: 3, sigmaNext: 1 });
    const expected = tree.increment(3, 1).map((value) => value / Math.sqrt(2));
    draw.dataSync().forEach((value, index) => expect(Math.abs(value - expected[index]!)).toBeLessThan(1e-6));
    draw.dispose();
  });

  it('rejects a draw without its interval, and a change of shape', () => {
    const noise = createBrownianNoise({ seed: 1 });
    expect(() => noise([4])).toThrow(/interval/);
    expect(() => noise([4], { sigma: 1, sigmaNext: 1 })).toThrow(/interval/);
    noise([4], { sigma: 2, sigmaNext: 1 }).dispose();
    expect(() => noise([5], { sigma: 1, sigmaNext: 0.5 })).toThrow(/shape/);
    expect(() => createBrownianNoise({ time: 't' as never })).toThrow(/createBrownianNoise\.time/);
  });
});
