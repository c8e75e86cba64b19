import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDiscreteSchedule } from './discrete-schedule';
import { expectDiffusionError } from './test-helpers';
import { rescaleZeroTerminalSnr } from './zero-terminal-snr';

describe('rescaleZeroTerminalSnr', () => {
  it('keeps sqrt(alphabar_1), ends at alphabar_T = 0, and maps sqrt(alphabar) affinely (Lin et al. 2024, Algorithm 1)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 1e-4, max: 0.3, noNaN: true }), { minLength: 2, maxLength: 60 }), (betas) => {
        const original = createDiscreteSchedule({ betas });
        const rescaled = rescaleZeroTerminalSnr(Float64Array.from(betas));
        const schedule = createDiscreteSchedule({ betas: rescaled });
        const total = betas.length;
        expect(rescaled[total - 1]).toBe(1);
        expect(schedule.alphasCumprod[total - 1]).toBe(0);
        expect(schedule.logSnr(1)).toBe(-Infinity);
        const first = Math.sqrt(original.alphasCumprod[0]!);
        const last = Math.sqrt(original.alphasCumprod[total - 1]!);
        original.alphasCumprod.forEach((alphaBar, index) => {
          const expected = ((Math.sqrt(alphaBar) - last) * first) / (first - last);
          expect(Math.abs(Math.sqrt(schedule.alphasCumprod[index]!) - expected)).toBeLessThan(1e-12);
        });
        expect(createDiscreteSchedule({ betas, rescaleBetasZeroSnr: true }).betas).toEqual(rescaled);
      }),
    );
  });

  it('rejects too few or bad betas', () => {
    expectDiffusionError(() => rescaleZeroTerminalSnr(new Float64Array([0.1])), ['rescaleZeroTerminalSnr.betas', 'at least 2 finite numbers']);
    expectDiffusionError(() => rescaleZeroTerminalSnr(new Float64Array([0.1, -0.2])), ['rescaleZeroTerminalSnr.betas[1]', '-0.2', 'a number in (0, 1]']);
    expectDiffusionError(() => rescaleZeroTerminalSnr(new Float64Array([0.1, Number.NaN])), ['rescaleZeroTerminalSnr.betas[1]', 'NaN', 'a finite number']);
  });
});
