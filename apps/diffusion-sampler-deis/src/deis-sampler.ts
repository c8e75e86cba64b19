import { add, mul, sub, type Tensor } from '@tensorflow/tfjs-core';
import { checkOneOf, checkOptions, checkPositive, invalidOption } from '@diffusion/core';
import { defineSampler, type KitSampler } from '@diffusion/sampler-kit';
import { deisCoefficients, type DeisVariant } from './deis-coefficients.js';

/** Options of {@link createDeisSampler}. */
export interface DeisSamplerOptions {
  /** Past eps values per step: 1 (DDIM / Euler), 2 or 3 (default). */
  readonly order?: 1 | 2 | 3;
  /** Extrapolate eps as a polynomial in VP-SDE time (`'tAB'`, default: the paper's main variant) or in sigma (`'rhoAB'`). */
  readonly variant?: DeisVariant;
  /** beta(0) of the VP-SDE time of `tAB`; default 0.1 (linear betas 1e-4..0.02 over T = 1000). */
  readonly betaMin?: number;
  /** beta(1) of the VP-SDE time of `tAB`; default 20. */
  readonly betaMax?: number;
}

/** A DEIS sampler: the v1 contract with its options after defaults, exact NFE and declared order. */
export type DeisSampler = KitSampler<{ readonly order: 1 | 2 | 3; readonly variant: DeisVariant; readonly betaMin: number; readonly betaMax: number }>;

/**
 * DEIS, the diffusion exponential integrator sampler of Zhang & Chen (2022), Alg. 1 with the
 * tAB / rhoAB multistep weights (eq. 14-15): one denoiser call per step, past eps values
 * extrapolated by a Lagrange polynomial. Order 1 is DDIM (the Euler step in sigma).
 */
export function createDeisSampler(options?: DeisSamplerOptions): DeisSampler {
  const given = checkOptions('createDeisSampler', options, ['order', 'variant', 'betaMin', 'betaMax']);
  const order = given.order ?? 3;
  if (order !== 1 && order !== 2 && order !== 3) throw invalidOption('createDeisSampler.order', order, '1, 2 or 3');
  const variant = checkOneOf('createDeisSampler.variant', given.variant ?? 'tAB', ['rhoAB', 'tAB']);
  const betaMin = checkPositive('createDeisSampler.betaMin', given.betaMin ?? 0.1);
  const betaMax = checkPositive('createDeisSampler.betaMax', given.betaMax ?? 20);
  if (betaMax < betaMin) throw invalidOption('createDeisSampler.betaMax', betaMax, `a number >= betaMin (${betaMin})`);
  const settings = { order, variant, betaMin, betaMax } as const;
  return defineSampler({
    name: 'deis',
    options: settings,
    stochastic: false,
    order,
    // The weights of every step of the run (float64), and the last order − 1 eps values, newest first.
    state: ({ sigmas }) => ({ weights: deisCoefficients(sigmas, settings), history: [] as Tensor[] }),
    step(x, { index, sigma, denoise }, state) {
      const denoised = denoise(x, sigma);
      const eps = mul(sub(x, denoised), 1 / sigma);
      const [own, ...past] = state.weights[index]!;
      const next = past.reduce((sum, weight, j) => add(sum, mul(state.history[j]!, weight)), add(x, mul(eps, own!)));
      state.history = [eps, ...state.history].slice(0, order - 1);
      return { x: next, denoised };
    },
  });
}
