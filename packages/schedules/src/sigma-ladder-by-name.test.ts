import { describe, expect, it } from 'vitest';
import { DiffusionError } from '@diffusion/core/errors';
import { createFlowMatchingSchedule } from './flow-matching-schedule';
import { createLinearSchedule } from './linear-schedule';
import { sigmaLadderByName, sigmaLadderNames } from './sigma-ladder-by-name';

// DDPM linear betas from 1e-4 to 0.02 over 1000 steps (Ho et al. 2020): sigma_t = sqrt((1 - alphabar_t) / alphabar_t).
const ddpmSigmas = (() => {
  let alphabar = 1;
  return Array.from({ length: 1000 }, (_, step) => {
    alphabar *= 1 - (1e-4 + ((0.02 - 1e-4) * step) / 999);
    return Math.sqrt((1 - alphabar) / alphabar);
  });
})();
const karras = (steps: number, sigmaMin: number, sigmaMax: number) => [
  // Karras et al. (2022) eq. 5, rho = 7.
  ...Array.from({ length: steps }, (_, index) => (sigmaMax ** (1 / 7) + (index / (steps - 1)) * (sigmaMin ** (1 / 7) - sigmaMax ** (1 / 7))) ** 7),
  0,
];
const expectClose = (actual: Float64Array, expected: readonly number[]) => {
  expect(actual.length).toBe(expected.length);
  actual.forEach((value, index) => expect(Math.abs(value - expected[index]!)).toBeLessThanOrEqual(1e-9 * Math.max(1, expected[index]!)));
};

describe('sigmaLadderByName', () => {
  const linear = createLinearSchedule({ numTrainTimesteps: 1000 });

  it('gives the sigmas at diffusers\' trailing timesteps 999, 899, ..., 99 on a discrete schedule (its default)', () => {
    const expected = [...Array.from({ length: 10 }, (_, index) => ddpmSigmas[999 - 100 * index]!), 0];
    expectClose(sigmaLadderByName(linear, 'trailing', 10), expected);
    expectClose(sigmaLadderByName(linear, undefined, 10), expected);
  });

  it('gives leading (offset 1: 901, 801, ..., 1) and linspace (999, 888, ..., 0) timesteps as diffusers', () => {
    expectClose(sigmaLadderByName(linear, 'leading', 10), [...Array.from({ length: 10 }, (_, index) => ddpmSigmas[901 - 100 * index]!), 0]);
    // numpy.linspace(0, 999, 10).round()[::-1]
    const linspace = Array.from({ length: 10 }, (_, index) => Math.round((999 * (9 - index)) / 9));
    expectClose(sigmaLadderByName(linear, 'linspace', 10), [...linspace.map((timestep) => ddpmSigmas[timestep]!), 0]);
  });

  it('builds karras, exponential and log-SNR-uniform ladders over the training range (closed forms)', () => {
    const [sigmaMin, sigmaMax] = [ddpmSigmas[0]!, ddpmSigmas[999]!];
    expectClose(sigmaLadderByName(linear, 'karras', 12), karras(12, sigmaMin, sigmaMax));
    const geometric = [...Array.from({ length: 12 }, (_, index) => sigmaMax * (sigmaMin / sigmaMax) ** (index / 11)), 0];
    expectClose(sigmaLadderByName(linear, 'exponential', 12), geometric);
    expectClose(sigmaLadderByName(linear, 'log-snr-uniform', 12), geometric);
  });

  it('falls back to karras on a continuous schedule, which has no timesteps (flow matching: sigma / alpha = t / (1 - t), capped at 500)', () => {
    const flow = createFlowMatchingSchedule();
    const expected = karras(8, 1e-3 / (1 - 1e-3), 500);
    for (const name of [undefined, 'karras', 'trailing', 'leading', 'linspace'] as const) expectClose(sigmaLadderByName(flow, name, 8), expected);
  });

  it('refuses a name it does not know, naming the field and the choices', () => {
    expect(() => sigmaLadderByName(linear, 'tuned' as never, 10)).toThrow(DiffusionError);
    expect(() => sigmaLadderByName(linear, 'tuned' as never, 10)).toThrow(/sigmaLadderByName\.name.*"karras"/);
    expect(sigmaLadderNames).toEqual(['karras', 'log-snr-uniform', 'exponential', 'trailing', 'leading', 'linspace']);
  });
});
