import { tensor, type Tensor } from '@tensorflow/tfjs-core';
import { exactJacobianTrace } from './denoiser-jacobian-trace';
import { integrateDormandPrince } from './dormand-prince';
import { hutchinsonJacobianTrace, rademacherProbes } from './hutchinson-trace';
import { checkOdeLogLikelihoodOptions, type CheckedOdeLogLikelihoodOptions, type OdeLogLikelihoodOptions } from './ode-log-likelihood-options';

/** The probability-flow ODE likelihood of a set of points, nats. */
export interface OdeLogLikelihood {
  /** Mean negative log-likelihood, nats per point: `-(log N(x(sigmaMax); 0, sigmaMax^2 I) + delta)`. */
  readonly nll: number;
  /** Standard error of `nll` over the points (sample std / sqrt(n)): data spread, plus probe noise with Hutchinson. */
  readonly standardError: number;
  /** `-log p_sigmaMin(x)` of each point, nats. */
  readonly perPoint: Float64Array;
  /** Mean of `-log N(x(sigmaMax); 0, sigmaMax^2 I)`, the prior term, nats per point. */
  readonly prior: number;
  /** Mean of `-delta = -int div f`, the change-of-variables term, nats per point. */
  readonly change: number;
  /** ODE right-hand-side evaluations (each one model forward and backward pass per direction), summed over batches. */
  readonly nfe: number;
  /** The same per batch of points. */
  readonly nfePerBatch: readonly number[];
  /** Accepted and rejected Dormand-Prince steps, summed over batches. */
  readonly acceptedSteps: number;
  readonly rejectedSteps: number;
  /** Coordinates of one point (for bits per dimension). */
  readonly dimension: number;
}

/** Integrates one batch of points; returns -log p per point and the terms. */
function integrateBatch(options: CheckedOdeLogLikelihoodOptions, points: Float64Array, shape: readonly number[], rows: number, name: string) {
  const { denoiser, sigmaMin, sigmaMax, rtol, atol, divergence, probes, random, variable, batchSize, maxSteps, dimension } = options;
  const size = rows * dimension;
  // Drawn once per batch and held fixed through its integration (as k-diffusion and score_sde do).
  const vectors = divergence === 'hutchinson' ? rademacherProbes(random!, probes, size) : undefined;
  const maxRows = Math.max(rows, batchSize);
  const derivative = (t: number, state: Float64Array): Float64Array => {
    const sigma = variable === 'sigma' ? t : Math.exp(t);
    const x: Tensor = tensor(Float32Array.from(state.subarray(0, size)), [rows, ...shape], 'float32');
    let result;
    try {
      result = vectors === undefined ? exactJacobianTrace(denoiser, x, sigma, maxRows, `${name}`) : hutchinsonJacobianTrace(denoiser, x, sigma, vectors, maxRows, `${name}`);
    } finally {
      x.dispose();
    }
    // Probability-flow ODE in sigma-space (Karras et al. 2022, EDM eq. 4 with sigma(t) = t):
    // dx/dsigma = (x - D(x; sigma)) / sigma, whose divergence is (d - tr dD/dx) / sigma. With
    // u = ln sigma both are multiplied by dsigma/du = sigma.
    const scale = variable === 'sigma' ? 1 / sigma : 1;
    const out = new Float64Array(size + rows);
    for (let i = 0; i < size; i += 1) out[i] = scale * (state[i]! - result.denoised[i]!);
    for (let row = 0; row < rows; row += 1) out[size + row] = scale * (dimension - result.trace[row]!);
    return out;
  };
  const start = new Float64Array(size + rows);
  start.set(points);
  const [from, to] = variable === 'sigma' ? [sigmaMin, sigmaMax] : [Math.log(sigmaMin), Math.log(sigmaMax)];
  const solution = integrateDormandPrince(derivative, from, to, start, { rtol, atol, blocks: [size, size + rows], maxSteps, name });
  // Instantaneous change of variables (Chen et al. 2018, theorem 1): d log p(x(sigma)) / dsigma
  // = -div f, so log p_sigmaMin(x) = log p_sigmaMax(x(sigmaMax)) + int_sigmaMin^sigmaMax div f dsigma
  // (Song et al. 2021, eq. 39 / appendix D.2), with p_sigmaMax taken as N(0, sigmaMax^2 I).
  const prior = new Float64Array(rows);
  const change = new Float64Array(rows);
  const logNormaliser = 0.5 * dimension * Math.log(2 * Math.PI * sigmaMax * sigmaMax);
  for (let row = 0; row < rows; row += 1) {
    let norm = 0;
    for (let axis = 0; axis < dimension; axis += 1) norm += solution.y[row * dimension + axis]! ** 2;
    prior[row] = logNormaliser + norm / (2 * sigmaMax * sigmaMax);
    change[row] = -solution.y[size + row]!;
  }
  return { prior, change, solution };
}

/**
 * The model's exact log-likelihood through the probability-flow ODE (Song et al. 2021, section
 * 4.3 and appendix D.2; Chen et al. 2018's instantaneous change of variables; k-diffusion's
 * `log_likelihood`): each point is carried from `sigmaMin` to `sigmaMax` along
 * `dx/dsigma = (x - D(x; sigma)) / sigma` while the divergence of that field is integrated beside
 * it, by the adaptive Dormand-Prince 5(4) integrator with `rtol` / `atol`, and the prior
 * `N(0, sigmaMax^2 I)` is evaluated at the end. The divergence is exact (d vector-Jacobian
 * products) or Hutchinson's estimate with Rademacher probes fixed per batch. Returns nats per
 * point; `natsToBitsPerDim` or, for dequantised 8-bit data, `dequantisedBitsPerDim` convert it.
 * Every tensor it makes is disposed; `data` is read, not disposed.
 */
export function odeLogLikelihood(options: OdeLogLikelihoodOptions): OdeLogLikelihood {
  const name = 'odeLogLikelihood';
  const checked = checkOdeLogLikelihoodOptions(name, options);
  const { data, batchSize, dimension } = checked;
  const count = data.shape[0]!;
  const shape = data.shape.slice(1);
  const values = Float64Array.from(data.dataSync());
  const perPoint = new Float64Array(count);
  let prior = 0;
  let change = 0;
  let acceptedSteps = 0;
  let rejectedSteps = 0;
  const nfePerBatch: number[] = [];
  for (let first = 0; first < count; first += batchSize) {
    const rows = Math.min(batchSize, count - first);
    const batch = integrateBatch(checked, values.subarray(first * dimension, (first + rows) * dimension), shape, rows, name);
    for (let row = 0; row < rows; row += 1) {
      perPoint[first + row] = batch.prior[row]! + batch.change[row]!;
      prior += batch.prior[row]! / count;
      change += batch.change[row]! / count;
    }
    nfePerBatch.push(batch.solution.nfe);
    acceptedSteps += batch.solution.acceptedSteps;
    rejectedSteps += batch.solution.rejectedSteps;
  }
  const nll = perPoint.reduce((sum, value) => sum + value, 0) / count;
  const spread = count > 1 ? perPoint.reduce((sum, value) => sum + (value - nll) ** 2, 0) / (count - 1) : Number.NaN;
  return {
    nll,
    standardError: Math.sqrt(spread / count),
    perPoint,
    prior,
    change,
    nfe: nfePerBatch.reduce((sum, value) => sum + value, 0),
    nfePerBatch,
    acceptedSteps,
    rejectedSteps,
    dimension,
  };
}
