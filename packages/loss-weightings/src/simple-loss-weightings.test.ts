import { DiffusionError } from '@diffusion/core';
import type { LossWeighting } from '@diffusion/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEdmWeighting } from './edm-loss-weighting';
import { createMinSnrWeighting } from './min-snr-loss-weighting';
import { createP2Weighting } from './p2-loss-weighting';
import { createSnrWeighting } from './snr-loss-weighting';
import { createTruncatedSnrWeighting } from './truncated-snr-loss-weighting';
import { createUniformWeighting } from './uniform-loss-weighting';
import { createVWeighting } from './v-loss-weighting';

const logSnrArbitrary = fc.double({ min: -20, max: 20, noNaN: true });
const vector = fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 3, maxLength: 3 });

/** Squared norm of a - b. */
function squaredDistance(a: readonly number[], b: readonly number[]): number {
  return a.reduce((sum, value, index) => sum + (value - b[index]!) ** 2, 0);
}

/**
 * One noised sample and a model's x0 estimate at a log-SNR (variance preserving): the per-sample errors of
 * each parameterisation, computed from their definitions, never from the weightings under test.
 */
function errors(logSnr: number, x0: number[], noise: number[], x0Hat: number[]) {
  const alpha = Math.sqrt(1 / (1 + Math.exp(-logSnr)));
  const sigma = Math.sqrt(1 / (1 + Math.exp(logSnr)));
  const xt = x0.map((value, index) => alpha * value + sigma * noise[index]!);
  const epsHat = xt.map((value, index) => (value - alpha * x0Hat[index]!) / sigma);
  const v = x0.map((value, index) => alpha * noise[index]! - sigma * value);
  const vHat = x0Hat.map((value, index) => alpha * epsHat[index]! - sigma * value);
  return { epsMse: squaredDistance(noise, epsHat), x0Mse: squaredDistance(x0, x0Hat), vMse: squaredDistance(v, vHat), sigmaVe: sigma / alpha };
}

const all: LossWeighting[] = [
  createUniformWeighting(),
  createSnrWeighting(),
  createVWeighting(),
  createTruncatedSnrWeighting(),
  createMinSnrWeighting(),
  createMinSnrWeighting({ gamma: 0.5 }),
  createP2Weighting(),
  createP2Weighting({ k: 0.1, gamma: 2 }),
  createEdmWeighting(),
  createEdmWeighting({ sigmaData: 2 }),
];

describe('log-SNR weightings', () => {
  it('give finite weights >= 0 over logSnr in [-20, 20]', () => {
    fc.assert(
      fc.property(logSnrArbitrary, (logSnr) => {
        for (const weighting of all) {
          const weight = weighting.weight(logSnr);
          expect(Number.isFinite(weight) && weight >= 0, `${weighting.name} at ${logSnr}`).toBe(true);
        }
      }),
    );
  });

  it('turn each parameterisation loss into the eps-MSE it weights (x0, v, truncated SNR, EDM)', () => {
    const snr = createSnrWeighting();
    const v = createVWeighting();
    const truncated = createTruncatedSnrWeighting();
    const edm = createEdmWeighting({ sigmaData: 0.7 });
    fc.assert(
      fc.property(fc.double({ min: -8, max: 8, noNaN: true }), vector, vector, vector, (logSnr, x0, noise, x0Hat) => {
        const { epsMse, x0Mse, vMse, sigmaVe } = errors(logSnr, x0, noise, x0Hat);
        const scale = 1e-9 * (1 + x0Mse + epsMse + vMse);
        expect(Math.abs(snr.weight(logSnr) * epsMse - x0Mse)).toBeLessThan(scale);
        expect(Math.abs(v.weight(logSnr) * epsMse - vMse)).toBeLessThan(scale);
        // Salimans & Ho: max(||x0 - x0_hat||^2, ||eps - eps_hat||^2).
        expect(Math.abs(truncated.weight(logSnr) * epsMse - Math.max(x0Mse, epsMse))).toBeLessThan(scale);
        // EDM: lambda(sigma) ||D - y||^2 with lambda = (sigma^2 + sigmaData^2) / (sigma sigmaData)^2.
        const lambda = (sigmaVe ** 2 + 0.49) / (sigmaVe * 0.7) ** 2;
        expect(Math.abs(edm.weight(logSnr) * epsMse - lambda * x0Mse)).toBeLessThan(scale * (1 + lambda));
      }),
    );
  });

  it('make min-SNR equal min(SNR, gamma) on the x0 loss', () => {
    fc.assert(
      fc.property(logSnrArbitrary, fc.double({ min: 1e-3, max: 100, noNaN: true }), (logSnr, gamma) => {
        const snrValue = Math.exp(logSnr);
        const xFrame = createMinSnrWeighting({ gamma }).weight(logSnr) * snrValue;
        expect(Math.abs(xFrame - Math.min(snrValue, gamma))).toBeLessThanOrEqual(1e-12 * Math.min(snrValue, gamma));
      }),
    );
    expect(createMinSnrWeighting().weight(Math.log(2))).toBe(1);
    expect(createMinSnrWeighting().weight(Math.log(10))).toBeCloseTo(0.5, 14);
    expect(createMinSnrWeighting().options).toEqual({ gamma: 5 });
  });

  it('match closed forms at chosen points', () => {
    const logSnr = Math.log(3);
    expect(createUniformWeighting().weight(logSnr)).toBe(1);
    expect(createSnrWeighting().weight(logSnr)).toBeCloseTo(1 / 3, 15);
    expect(createVWeighting().weight(logSnr)).toBeCloseTo(4 / 3, 15);
    expect(createTruncatedSnrWeighting().weight(logSnr)).toBe(1);
    expect(createTruncatedSnrWeighting().weight(-logSnr)).toBeCloseTo(3, 14);
    // P2 (Choi et al.) at k = 1, gamma = 1: 1 / (1 + SNR); at k = 0.5, gamma = 0.5: (0.5 + 3)^-0.5.
    expect(createP2Weighting().weight(logSnr)).toBeCloseTo(0.25, 15);
    expect(createP2Weighting({ k: 0.5, gamma: 0.5 }).weight(logSnr)).toBeCloseTo(1 / Math.sqrt(3.5), 15);
    // EDM at sigma = 1/sqrt(3), sigmaData = 0.5: 1 + (1/3) / 0.25.
    expect(createEdmWeighting().weight(logSnr)).toBeCloseTo(1 + 4 / 3, 14);
  });

  it('take limits at infinite log-SNR and refuse infinite weights', () => {
    expect(createUniformWeighting().weight(Number.NEGATIVE_INFINITY)).toBe(1);
    expect(createMinSnrWeighting().weight(Number.POSITIVE_INFINITY)).toBe(0);
    expect(createP2Weighting().weight(Number.POSITIVE_INFINITY)).toBe(0);
    expect(() => createSnrWeighting().weight(Number.NEGATIVE_INFINITY)).toThrow(DiffusionError);
    expect(() => createEdmWeighting().weight(Number.NEGATIVE_INFINITY)).toThrow(/edm\.weight: got Infinity at logSnr -Infinity/);
  });

  it('reject bad options and NaN with a DiffusionError naming the field', () => {
    expect(() => createMinSnrWeighting({ gamma: 0 })).toThrow('createMinSnrWeighting.gamma: got 0; expected a finite number > 0.');
    expect(() => createMinSnrWeighting({ gamma: -1 })).toThrow(DiffusionError);
    expect(() => createMinSnrWeighting({ gamma: Number.NaN })).toThrow(/gamma: got NaN/);
    expect(() => createP2Weighting({ gamma: 0 })).toThrow(/createP2Weighting\.gamma/);
    expect(() => createP2Weighting({ k: -1 })).toThrow(/createP2Weighting\.k/);
    expect(() => createP2Weighting({ k: 1e-10, gamma: 40 })).toThrow(/k\^-gamma is finite/);
    expect(() => createEdmWeighting({ sigmaData: 0 })).toThrow(/createEdmWeighting\.sigmaData/);
    expect(() => createMinSnrWeighting({ gama: 5 } as never)).toThrow(/createMinSnrWeighting\.gama: got 5; expected no such option/);
    expect(() => createUniformWeighting({ gamma: 1 } as never)).toThrow(DiffusionError);
    for (const weighting of all) expect(() => weighting.weight(Number.NaN)).toThrow(`${weighting.name}.weight.logSnr: got NaN`);
  });

  it('keep JSON-serialisable options and kebab-case names', () => {
    for (const weighting of all) {
      expect(weighting.specificationVersion).toBe('v1');
      expect(weighting.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(JSON.parse(JSON.stringify(weighting.options))).toEqual(weighting.options);
    }
    expect(createP2Weighting({ k: 2 }).options).toEqual({ k: 2, gamma: 1 });
    expect(createEdmWeighting().options).toEqual({ sigmaData: 0.5 });
  });
});
