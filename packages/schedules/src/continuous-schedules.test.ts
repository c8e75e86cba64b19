import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Schedule } from '@diffusion/core/errors';
import { createCosineSchedule } from './cosine-schedule';
import { discretizeSchedule } from './discretize-schedule';
import { createEdmSchedule } from './edm-schedule';
import { createFlowMatchingSchedule } from './flow-matching-schedule';
import { karrasSigmas } from './karras-sigmas';
import { createLaplaceSchedule } from './laplace-schedule';
import { createLogSnrLinearSchedule } from './log-snr-linear-schedule';
import { createShiftedCosineSchedule } from './shifted-cosine-schedule';
import { createSigmoidSchedule } from './sigmoid-schedule';
import { createLinearSchedule } from './linear-schedule';
import { expectDiffusionError } from './test-helpers';
import { createVpLinearSchedule } from './vp-linear-schedule';
import { createVpScheduleFromLogSnr } from './vp-schedule';

const unit = fc.double({ min: 0, max: 1, noNaN: true });

const variancePreserving: Array<[string, () => Schedule]> = [
  ['cosine', () => createCosineSchedule()],
  ['cosine s = 0.02', () => createCosineSchedule({ s: 0.02 })],
  ['sigmoid', () => createSigmoidSchedule()],
  ['sigmoid tau = 0.7, start = 0', () => createSigmoidSchedule({ start: 0, end: 3, tau: 0.7 })],
  ['laplace', () => createLaplaceSchedule()],
  ['laplace mu = 1, b = 2', () => createLaplaceSchedule({ mu: 1, b: 2 })],
  ['log-snr-linear', () => createLogSnrLinearSchedule({ logSnrMin: -10, logSnrMax: 10 })],
  ['vp-linear', () => createVpLinearSchedule()],
  ['vp-linear constant beta', () => createVpLinearSchedule({ betaMin: 3, betaMax: 3 })],
  ['shifted-cosine', () => createShiftedCosineSchedule({ resolution: 256 })],
  ['shifted-cosine (bisection)', () => {
    const inner = createShiftedCosineSchedule({ shift: 0.5 });
    return createVpScheduleFromLogSnr({ name: 'bisected', options: {}, logSnr: (t) => inner.logSnr(t) });
  }],
];
const others: Array<[string, () => Schedule]> = [
  ['flow-matching', () => createFlowMatchingSchedule()],
  ['flow-matching shift = 3', () => createFlowMatchingSchedule({ shift: 3 })],
  ['edm', () => createEdmSchedule()],
  ['edm exponential', () => createEdmSchedule({ spacing: 'exponential', sigmaMin: 0.01, sigmaMax: 10 })],
];

describe('continuous schedules: the Schedule contract', () => {
  for (const [label, create] of [...variancePreserving, ...others]) {
    it(`${label}: logSnr falls and tOfLogSnr inverts it to 1e-12`, () => {
      const schedule = create();
      expect(schedule.specificationVersion).toBe('v1');
      expect(JSON.parse(JSON.stringify(schedule.options))).toEqual(schedule.options);
      fc.assert(
        fc.property(unit, unit, (first, second) => {
          expect(Math.abs(schedule.tOfLogSnr(schedule.logSnr(first)) - first)).toBeLessThan(1e-12);
          const [alpha, sigma] = [schedule.alpha(first), schedule.sigma(first)];
          const logSnr = 2 * Math.log(alpha) - 2 * Math.log(sigma);
          // Away from subnormal alpha or sigma, logSnr = log(alpha^2 / sigma^2).
          if (Math.min(alpha, sigma) > 1e-150) expect(Math.abs(logSnr - schedule.logSnr(first))).toBeLessThan(1e-9 * Math.max(1, Math.abs(logSnr)));
          if (second - first > 1e-9) expect(schedule.logSnr(first)).toBeGreaterThan(schedule.logSnr(second));
        }),
      );
      expect(schedule.tOfLogSnr(Infinity)).toBe(0);
      expect(schedule.tOfLogSnr(-Infinity)).toBe(1);
      expectDiffusionError(() => schedule.alpha(-0.1), ['.t', '-0.1', 'a number in [0, 1]']);
      expectDiffusionError(() => schedule.tOfLogSnr(Number.NaN), ['tOfLogSnr.logSnr', 'NaN']);
    });
  }
  for (const [label, create] of variancePreserving) {
    it(`${label}: preserves variance, alpha^2 + sigma^2 = 1`, () => {
      const schedule = create();
      fc.assert(
        fc.property(unit, (t) => {
          expect(Math.abs(schedule.alpha(t) ** 2 + schedule.sigma(t) ** 2 - 1)).toBeLessThan(1e-14);
        }),
      );
    });
  }
});

describe('continuous schedules: closed forms', () => {
  it('cosine follows Nichol & Dhariwal eq. 17 and its discrete form is diffusers squaredcos_cap_v2', () => {
    const s = 0.008;
    const f = (t: number) => Math.cos(((t + s) / (1 + s)) * (Math.PI / 2)) ** 2;
    const schedule = createCosineSchedule();
    for (const t of [0, 0.1, 0.5, 0.9, 0.99]) expect(Math.abs(schedule.alpha(t) ** 2 - f(t) / f(0)) / (f(t) / f(0))).toBeLessThan(1e-12);
    const discrete = createCosineSchedule({ numTrainTimesteps: 1000 });
    // Unclipped steps: alphabar_t = alphabar(t / T) exactly.
    for (let index = 0; index < 980; index += 7) expect(Math.abs(discrete.alphasCumprod[index]! / schedule.alpha((index + 1) / 1000) ** 2 - 1)).toBeLessThan(1e-11);
    const discretized = discretizeSchedule(schedule, { numTrainTimesteps: 1000 });
    discrete.betas.forEach((beta, index) => expect(Math.abs(discretized.betas[index]! - beta) / beta).toBeLessThan(1e-9));
  });

  it('sigmoid follows Chen (2023), Algorithm 1', () => {
    const schedule = createSigmoidSchedule({ start: -3, end: 3, tau: 0.9 });
    const v = (x: number) => 1 / (1 + Math.exp(-x / 0.9));
    for (const t of [0.05, 0.3, 0.5, 0.8]) expect(schedule.alpha(t) ** 2).toBeCloseTo((v(3) - v(6 * t - 3)) / (v(3) - v(-3)), 14);
    expect(schedule.alpha(0)).toBe(1);
    expect(schedule.alpha(1)).toBe(0);
  });

  it('laplace follows Hang et al. (2024), eq. 9', () => {
    const schedule = createLaplaceSchedule({ mu: 0.5, b: 1.5 });
    for (const t of [0.1, 0.25, 0.5, 0.7, 0.95]) {
      expect(schedule.logSnr(t)).toBeCloseTo(0.5 - 1.5 * Math.sign(0.5 - t) * Math.log(1 - 2 * Math.abs(t - 0.5)), 13);
    }
    expect(schedule.logSnr(0.5)).toBe(0.5);
  });

  it('log-snr-linear runs from logSnrMax to logSnrMin (VDM defaults -5, 13.3)', () => {
    const schedule = createLogSnrLinearSchedule();
    expect(schedule.logSnr(0)).toBe(13.3);
    expect(schedule.logSnr(1)).toBeCloseTo(-5, 14);
    expect(schedule.logSnr(0.5)).toBeCloseTo(4.15, 14);
  });

  it('shifted cosine adds 2 log(base / resolution) to the clipped cosine log-SNR (Hoogeboom et al. 2023)', () => {
    const base = createShiftedCosineSchedule();
    expect(base.logSnr(0)).toBeCloseTo(15, 12);
    expect(base.logSnr(1)).toBeCloseTo(-15, 12);
    expect(base.logSnr(0.5)).toBeCloseTo(0, 12);
    const shifted = createShiftedCosineSchedule({ resolution: 256, baseResolution: 64 });
    expect(shifted.options).toEqual({ shift: 4, logSnrMin: -15, logSnrMax: 15, resolution: 256, baseResolution: 64 });
    for (const t of [0, 0.3, 0.5, 1]) expect(shifted.logSnr(t)).toBeCloseTo(base.logSnr(t) + 2 * Math.log(64 / 256), 12);
    // Unclipped in the middle: -2 log tan(pi t / 2).
    expect(base.logSnr(0.3)).toBeCloseTo(-2 * Math.log(Math.tan(Math.atan(Math.exp(-7.5)) + 0.3 * (Math.atan(Math.exp(7.5)) - Math.atan(Math.exp(-7.5))))), 13);
    expectDiffusionError(() => createShiftedCosineSchedule({ shift: 2, resolution: 128 }), ['createShiftedCosineSchedule.resolution', '128', 'undefined when shift is given']);
  });

  it('flow matching has alpha = 1 - t, sigma = t, and SD3 shift', () => {
    const schedule = createFlowMatchingSchedule();
    fc.assert(fc.property(unit, (t) => {
      expect(schedule.alpha(t)).toBe(1 - t);
      expect(schedule.sigma(t)).toBe(t);
    }));
    const shifted = createFlowMatchingSchedule({ shift: 3 });
    expect(shifted.sigma(0.5)).toBeCloseTo(0.75, 15);
    expect(shifted.alpha(0.5) + shifted.sigma(0.5)).toBe(1);
  });

  it('vp-linear is the continuous limit of the DDPM linear betas (Song et al. 2021)', () => {
    const schedule = createVpLinearSchedule();
    expect(schedule.alpha(1) ** 2).toBeCloseTo(Math.exp(-0.1 - 0.5 * 19.9), 15);
    expect(schedule.alpha(0.5) ** 2).toBeCloseTo(Math.exp(-0.05 - 0.125 * 19.9), 15);
    // Linear betas from betaMin / T to betaMax / T approach it as T grows (error O(1 / T)).
    const total = 100_000;
    const discrete = createLinearSchedule({ numTrainTimesteps: total, betaStart: 0.1 / total, betaEnd: 20 / total });
    for (const t of [0.1, 0.5, 0.9, 1]) expect(Math.abs(discrete.alphasCumprod[t * total - 1]! / schedule.alpha(t) ** 2 - 1)).toBeLessThan(1e-3);
  });

  it('edm is variance exploding with the Karras ramp, and its grid is the Karras ladder', () => {
    const schedule = createEdmSchedule();
    expect(schedule.sigmaData).toBe(0.5);
    expect(schedule.alpha(0.3)).toBe(1);
    expect(schedule.sigma(0)).toBeCloseTo(0.002, 16);
    expect(schedule.sigma(1)).toBeCloseTo(80, 12);
    const ladder = karrasSigmas({ steps: 10, sigmaMin: 0.002, sigmaMax: 80 });
    for (let index = 0; index < 10; index += 1) expect(Math.abs(schedule.sigma(1 - index / 9) / ladder[index]! - 1)).toBeLessThan(1e-12);
    const exponential = createEdmSchedule({ spacing: 'exponential' });
    expect(exponential.sigma(0.5)).toBeCloseTo(Math.sqrt(0.002 * 80), 13);
  });
});

describe('continuous schedules: bad input', () => {
  it('rejects bad options naming the option, value and what is allowed', () => {
    expectDiffusionError(() => createCosineSchedule({ s: -1 }), ['createCosineSchedule.s', '-1', 'a finite number > 0']);
    expectDiffusionError(() => createCosineSchedule({ numTrainTimesteps: 2.5 }), ['createCosineSchedule.numTrainTimesteps', '2.5', 'a positive integer']);
    expectDiffusionError(() => createCosineSchedule({ maxBeta: 0.5 } as never), ['createCosineSchedule.options.maxBeta', 'known options are s']);
    expectDiffusionError(() => createSigmoidSchedule({ start: 3, end: -3 }), ['createSigmoidSchedule.end', '-3', 'a number above start = 3']);
    expectDiffusionError(() => createSigmoidSchedule({ numTrainTimesteps: 10, betaEnd: Number.NaN }), ['createSigmoidSchedule.betaEnd', 'NaN', 'a number in (0, 1)']);
    expectDiffusionError(() => createLaplaceSchedule({ b: 0 }), ['createLaplaceSchedule.b', 'got 0', 'a finite number > 0']);
    expectDiffusionError(() => createLogSnrLinearSchedule({ logSnrMin: 5, logSnrMax: 1 }), ['createLogSnrLinearSchedule.logSnrMax', 'got 1', 'a number above logSnrMin = 5']);
    expectDiffusionError(() => createFlowMatchingSchedule({ shift: Infinity }), ['createFlowMatchingSchedule.shift', 'Infinity', 'a finite number > 0']);
    expectDiffusionError(() => createVpLinearSchedule({ betaMin: 5, betaMax: 1 }), ['createVpLinearSchedule.betaMax', 'got 1', 'a number >= betaMin = 5']);
    expectDiffusionError(() => createEdmSchedule({ sigmaMin: 100 }), ['createEdmSchedule.sigmaMax', '80', 'a number above sigmaMin = 100']);
    expectDiffusionError(() => createEdmSchedule({ spacing: 'cubic' as never }), ['createEdmSchedule.spacing', '"cubic"', 'one of "karras", "exponential"']);
    expectDiffusionError(() => discretizeSchedule(createFlowMatchingSchedule(), { numTrainTimesteps: 10 }), ['discretizeSchedule.schedule', 'variance-preserving']);
  });
});
