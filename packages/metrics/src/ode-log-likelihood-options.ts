import { checkOneOf, checkOptions, checkPositive, checkPositiveInteger, DiffusionError, invalidOption, type Denoiser, type RandomSource } from '@diffusion/core';
import type { Tensor } from '@tensorflow/tfjs-core';

/** Options of {@link odeLogLikelihood}. */
export interface OdeLogLikelihoodOptions {
  /** The model in sigma-space, `D(x; sigma)` (core's `Denoiser`); differentiable with tfjs gradients, rows independent. */
  readonly denoiser: Denoiser;
  /** Points `[n, ...]` in the denoiser's coordinates at which to evaluate the density of `x0 + sigmaMin n`; read, not disposed. */
  readonly data: Tensor;
  /** Lower end of the integration, > 0 (the density returned is the model's at this noise level). */
  readonly sigmaMin: number;
  /** Upper end, > sigmaMin, where the prior `N(0, sigmaMax^2 I)` is evaluated. */
  readonly sigmaMax: number;
  /** Relative tolerance of the Dormand-Prince integrator, in (0, 1) (default 1e-4, k-diffusion's). */
  readonly rtol?: number;
  /** Absolute tolerance, > 0 (default 1e-4, k-diffusion's). */
  readonly atol?: number;
  /**
   * `'exact'`: the Jacobian trace from d vector-Jacobian products (cost d backward passes);
   * `'hutchinson'`: Hutchinson's estimate with `probes` Rademacher vectors drawn once per batch
   * from `random` and held fixed during its integration. Default: exact up to 16 dimensions.
   */
  readonly divergence?: 'exact' | 'hutchinson';
  /** Rademacher probes per point for `'hutchinson'` (default 1, as k-diffusion and score_sde). */
  readonly probes?: number;
  /** Source of the probes; required with `'hutchinson'`. */
  readonly random?: RandomSource;
  /**
   * The variable of integration: `'sigma'` (default; `dx/dsigma = (x - D)/sigma`, k-diffusion's
   * `log_likelihood`) or `'log-sigma'` (`dx/du = x - D` with `u = ln sigma`: the same ODE, smoother
   * near sigmaMin, usually fewer steps).
   */
  readonly variable?: 'sigma' | 'log-sigma';
  /** Points integrated together (one adaptive solve per batch; default 1000). */
  readonly batchSize?: number;
  /** Most Dormand-Prince steps per batch (default 10 000). */
  readonly maxSteps?: number;
}

/** Checked options with defaults. */
export interface CheckedOdeLogLikelihoodOptions {
  readonly denoiser: Denoiser;
  readonly data: Tensor;
  readonly sigmaMin: number;
  readonly sigmaMax: number;
  readonly rtol: number;
  readonly atol: number;
  readonly divergence: 'exact' | 'hutchinson';
  readonly probes: number;
  readonly random: RandomSource | undefined;
  readonly variable: 'sigma' | 'log-sigma';
  readonly batchSize: number;
  readonly maxSteps: number;
  readonly dimension: number;
}

const keys = ['denoiser', 'data', 'sigmaMin', 'sigmaMax', 'rtol', 'atol', 'divergence', 'probes', 'random', 'variable', 'batchSize', 'maxSteps'];

/** Dimensions up to which the exact divergence is the default. */
export const exactDivergenceDefaultDimensions = 16;

/** Checks the options of {@link odeLogLikelihood}: each bad one is a DiffusionError naming the field, the value and what is allowed. */
export function checkOdeLogLikelihoodOptions(name: string, options: OdeLogLikelihoodOptions): CheckedOdeLogLikelihoodOptions {
  const given = checkOptions(name, options, keys) as Partial<OdeLogLikelihoodOptions>;
  if (typeof given.denoiser !== 'function') throw invalidOption(`${name}.denoiser`, given.denoiser, 'a Denoiser (x, sigma) => x0-hat');
  const data = given.data;
  if (data === undefined || typeof data !== 'object' || !('shape' in data) || data.rank < 2 || data.shape[0]! < 1) {
    throw new DiffusionError('shape-mismatch', `${name}.data: got ${data === undefined ? 'undefined' : `shape [${(data as Tensor).shape?.join(', ')}]`}; expected a tensor [n, ...] with n >= 1 and at least one feature axis.`, { field: `${name}.data`, value: (data as Tensor | undefined)?.shape, allowed: '[n, ...]' });
  }
  const sigmaMin = checkPositive(`${name}.sigmaMin`, given.sigmaMin);
  const sigmaMax = checkPositive(`${name}.sigmaMax`, given.sigmaMax);
  if (!(sigmaMax > sigmaMin)) throw invalidOption(`${name}.sigmaMax`, sigmaMax, `a number > sigmaMin = ${sigmaMin}`);
  const rtol = checkPositive(`${name}.rtol`, given.rtol ?? 1e-4);
  if (rtol >= 1) throw invalidOption(`${name}.rtol`, rtol, 'a number in (0, 1)');
  const atol = checkPositive(`${name}.atol`, given.atol ?? 1e-4);
  const dimension = data.size / data.shape[0]!;
  const divergence = checkOneOf(`${name}.divergence`, given.divergence ?? (dimension <= exactDivergenceDefaultDimensions ? 'exact' : 'hutchinson'), ['exact', 'hutchinson']);
  if (divergence === 'exact' && given.probes !== undefined) throw invalidOption(`${name}.probes`, given.probes, "no probes with divergence 'exact' (probes are for 'hutchinson')");
  const probes = checkPositiveInteger(`${name}.probes`, given.probes ?? 1);
  const random = given.random;
  if (divergence === 'hutchinson' && (random === undefined || typeof random.uniforms !== 'function')) {
    throw invalidOption(`${name}.random`, random, "a RandomSource (createRandomSource(seed)) for the Rademacher probes of divergence 'hutchinson'");
  }
  const variable = checkOneOf(`${name}.variable`, given.variable ?? 'sigma', ['sigma', 'log-sigma']);
  const batchSize = checkPositiveInteger(`${name}.batchSize`, given.batchSize ?? 1000);
  const maxSteps = checkPositiveInteger(`${name}.maxSteps`, given.maxSteps ?? 10_000);
  return { denoiser: given.denoiser, data, sigmaMin, sigmaMax, rtol, atol, divergence, probes, random, variable, batchSize, maxSteps, dimension };
}
