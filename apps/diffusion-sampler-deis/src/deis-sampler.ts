import { add, keep, mul, sub, sum, tidy, type Tensor } from '@tensorflow/tfjs-core';
import { DiffusionError, checkOneOf, checkOptions, checkPositive, checkSigmaLadder, invalidOption, type Denoiser, type SampleOptions, type Sampler } from '@diffusion/core';
import { deisCoefficients, type DeisVariant } from './deis-coefficients';

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

/** A DEIS sampler: the v1 contract plus its exact NFE. */
export interface DeisSampler extends Sampler {
  readonly options: { readonly order: 1 | 2 | 3; readonly variant: DeisVariant; readonly betaMin: number; readonly betaMax: number };
  readonly minimumSteps: number;
  /** Denoiser calls of a run of `steps` steps: one per step. */
  evaluations(steps: number): number;
}

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
  return {
    name: 'deis',
    specificationVersion: 'v1',
    options: settings,
    evaluationsPerStep: 1,
    stochastic: false,
    minimumSteps: 2,
    evaluations: (steps) => steps,
    sample: (denoise, noise, sigmas, sampleOptions) => runDeis(settings, denoise, noise, sigmas, sampleOptions),
  };
}

function runDeis(settings: DeisSampler['options'], denoise: Denoiser, noise: Tensor, sigmasInput: Float64Array, sampleOptions: SampleOptions = {}): Tensor {
  if (typeof denoise !== 'function') throw invalidOption('deis.sample.denoise', denoise, 'a function (x, sigma) => Tensor');
  if (typeof noise !== 'object' || noise === null || noise.isDisposed) throw invalidOption('deis.sample.noise', noise, 'a live tensor at sigmas[0]');
  const sigmas = checkSigmaLadder('deis.sample.sigmas', sigmasInput, 2);
  const coefficients = deisCoefficients(sigmas, settings);
  const history: Tensor[] = [];
  let x = noise;
  try {
    for (let index = 0; index + 1 < sigmas.length; index += 1) {
      const sigma = sigmas[index]!;
      const sigmaNext = sigmas[index + 1]!;
      const row = coefficients[index]!;
      const { next, denoised, eps, finite } = tidy(() => {
        const denoised = denoise(x, sigma);
        if (denoised.shape.join(',') !== x.shape.join(',')) {
          throw new DiffusionError('shape-mismatch', `deis.sample: the denoiser returned shape [${denoised.shape.join(', ')}] for [${x.shape.join(', ')}] at step ${index} (sigma ${sigma}).`, { field: 'deis.sample.denoise', value: denoised.shape, allowed: `shape [${x.shape.join(', ')}]` });
        }
        // One scalar read per step: NaN - NaN and Inf - Inf are NaN.
        const finite = Number.isFinite(sum(sub(denoised, denoised)).dataSync()[0]);
        const eps = mul(sub(x, denoised), 1 / sigma);
        let next = add(x, mul(eps, row[0]!));
        row.slice(1).forEach((weight, j) => (next = add(next, mul(history[j]!, weight))));
        return { next, denoised, eps, finite };
      });
      if (!finite) {
        [next, denoised, eps].forEach((tensor) => tensor.dispose());
        throw new DiffusionError('non-finite', `deis.sample: the denoiser returned NaN or Infinity at step ${index} (sigma ${sigma}).`, { field: 'deis.sample.denoise', value: { step: index, sigma }, allowed: 'finite denoiser outputs' });
      }
      history.unshift(keep(eps));
      if (history.length >= settings.order) history.pop()?.dispose();
      if (x !== noise) x.dispose();
      x = next;
      try {
        sampleOptions.onStep?.({ index, sigma, sigmaNext, x, denoised });
      } finally {
        denoised.dispose();
      }
    }
    const output = x;
    x = noise;
    return output;
  } finally {
    if (x !== noise) x.dispose();
    history.forEach((tensor) => tensor.dispose());
  }
}
