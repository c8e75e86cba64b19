import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emaDecayAt, type EmaOptions } from './ema-decay';

const ratio: EmaOptions = { decay: 0.999, warmup: 'ratio', power: 2 / 3, invGamma: 1 };

describe('emaDecayAt', () => {
  it('follows diffusers\' (1 + n) / (10 + n) up to the ceiling', () => {
    expect(emaDecayAt(0, ratio)).toBeCloseTo(0.1, 15);
    expect(emaDecayAt(10, ratio)).toBeCloseTo(11 / 20, 15);
    expect(emaDecayAt(8990, ratio)).toBeCloseTo(8991 / 9000, 15);
    expect(emaDecayAt(9000, ratio)).toBe(0.999);
    expect(emaDecayAt(1e6, ratio)).toBe(0.999);
  });

  it('follows the power warm-up 1 - (1 + n / invGamma)^-power (Karras et al. 2023)', () => {
    const power: EmaOptions = { decay: 0.9999, warmup: 'power', power: 3 / 4, invGamma: 1 };
    expect(emaDecayAt(0, power)).toBe(0);
    expect(emaDecayAt(15, power)).toBeCloseTo(1 - 16 ** -0.75, 15);
    expect(emaDecayAt(80, { ...power, power: 0.5, invGamma: 2 })).toBeCloseTo(1 - 41 ** -0.5, 15);
  });

  it('is non-decreasing in n, within [0, decay], and constant without warm-up', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 0.99999, noNaN: true }), fc.constantFrom('ratio', 'power', 'none'), fc.nat(100_000), (decay, warmup, update) => {
        const options: EmaOptions = { decay, warmup: warmup as EmaOptions['warmup'], power: 2 / 3, invGamma: 1 };
        const value = emaDecayAt(update, options);
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBeLessThanOrEqual(decay);
        expect(emaDecayAt(update + 1, options)).toBeGreaterThanOrEqual(value);
        if (warmup === 'none') expect(value).toBe(decay);
      }),
    );
  });
});
