import { DiffusionError } from '@diffusion/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createBetaChain, createCosineTestSchedule, createKarrasTestSchedule, linearBetas } from '../test/tiny-schedules';
import { createElboWeighting } from './elbo-loss-weighting';
import { createSigmoidWeighting } from './sigmoid-loss-weighting';

describe('sigmoid weighting', () => {
  it('is (1/2) sigmoid(b - logSnr) (-dlogSnr/dt) on a continuous schedule (Kingma & Gao)', () => {
    const schedule = createCosineTestSchedule();
    for (const bias of [-3, 0, 2]) {
      const weighting = createSigmoidWeighting({ schedule, bias });
      let worst = 0;
      for (let t = 0.005; t < 1; t += 0.01) {
        const logSnr = schedule.logSnr(t);
        const expected = (0.5 * -schedule.logSnrDerivative(t)) / (1 + Math.exp(logSnr - bias));
        worst = Math.max(worst, Math.abs(weighting.weight(logSnr) / expected - 1));
      }
      expect(worst).toBeLessThan(1e-6);
    }
  });

  it('becomes the ELBO weighting as the bias grows', () => {
    for (const schedule of [createKarrasTestSchedule(), createBetaChain(linearBetas(100))]) {
      const sigmoid = createSigmoidWeighting({ schedule, bias: 60 });
      const elbo = createElboWeighting({ schedule });
      for (const logSnr of [-10, -1, 0, 3, 9]) expect(sigmoid.weight(logSnr) / elbo.weight(logSnr)).toBeCloseTo(1, 12);
    }
  });

  it('gives finite weights >= 0 over logSnr in [-20, 20] and defaults the bias to -3', () => {
    const weighting = createSigmoidWeighting({ schedule: createCosineTestSchedule() });
    expect(weighting.options).toMatchObject({ bias: -3, schedule: { name: 'test-cosine' } });
    fc.assert(
      fc.property(fc.double({ min: -20, max: 20, noNaN: true }), (logSnr) => {
        const weight = weighting.weight(logSnr);
        expect(Number.isFinite(weight) && weight >= 0).toBe(true);
      }),
    );
  });

  it('needs a schedule and a finite bias', () => {
    expect(() => createSigmoidWeighting({} as never)).toThrow(/createSigmoidWeighting\.schedule/);
    expect(() => createSigmoidWeighting({ schedule: createCosineTestSchedule(), bias: Number.NaN })).toThrow(DiffusionError);
  });
});
