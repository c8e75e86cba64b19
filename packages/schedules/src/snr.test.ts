import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alphaBarOfLogSnr, logSnrOfAlphaBar, logSnrOfSigma, sigmaOfLogSnr, snr } from './snr';
import { expectDiffusionError } from './test-helpers';

describe('SNR helpers', () => {
  it('follow SNR = alphabar / (1 - alphabar) and VE sigma = exp(-logSnr / 2)', () => {
    expect(snr(0.5)).toBe(1);
    expect(snr(0.8)).toBeCloseTo(4, 14);
    expect(logSnrOfAlphaBar(1)).toBe(Infinity);
    expect(logSnrOfAlphaBar(0)).toBe(-Infinity);
    expect(logSnrOfSigma(1)).toBe(-0);
    expect(sigmaOfLogSnr(-2 * Math.log(3))).toBeCloseTo(3, 14);
  });

  it('invert each other', () => {
    fc.assert(
      // Above logSnr ~ 15, alphabar sits within 1e-7 of 1 and its own rounding (1e-16) caps how well
      // it can encode the log-SNR; the domain stops there.
      fc.property(fc.double({ min: -60, max: 15, noNaN: true }), (logSnr) => {
        const alphaBar = alphaBarOfLogSnr(logSnr);
        expect(Math.abs(logSnrOfAlphaBar(alphaBar) - logSnr)).toBeLessThan(1e-9 * Math.max(1, Math.abs(logSnr)));
        expect(Math.log(snr(alphaBar))).toBeCloseTo(logSnr, 6);
        // VP and VE views agree: sigma_VE^2 = (1 - alphabar) / alphabar.
        expect(Math.abs(sigmaOfLogSnr(logSnr) ** 2 / (alphaBarOfLogSnr(-logSnr) / alphaBar) - 1)).toBeLessThan(1e-12);
        expect(Math.abs(logSnrOfSigma(sigmaOfLogSnr(logSnr)) - logSnr)).toBeLessThan(1e-12 * Math.max(1, Math.abs(logSnr)));
      }),
    );
  });

  it('reject values outside their domain', () => {
    expectDiffusionError(() => snr(1.5), ['snr.alphaBar', '1.5', 'a number in [0, 1]']);
    expectDiffusionError(() => logSnrOfAlphaBar(Number.NaN), ['logSnrOfAlphaBar.alphaBar', 'NaN', 'a number in [0, 1]']);
    expectDiffusionError(() => alphaBarOfLogSnr(Number.NaN), ['alphaBarOfLogSnr.logSnr', 'NaN']);
    expectDiffusionError(() => logSnrOfSigma(-1), ['logSnrOfSigma.sigma', '-1', 'a number >= 0']);
  });
});
