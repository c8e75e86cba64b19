import { checkPositiveInteger, type Denoiser, type RandomSource } from '@diffusion/core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { directionalJacobianTrace, type DenoiserJacobianTrace } from './denoiser-jacobian-trace';

/**
 * `probes` Rademacher vectors (entries +1 or -1 with probability 1/2 each), `[probes][n * d]`,
 * drawn from `random` (Hutchinson 1989; the "Rademacher" noise of score_sde's likelihood).
 */
export function rademacherProbes(random: RandomSource, probes: number, size: number): Float32Array[] {
  checkPositiveInteger('rademacherProbes.probes', probes);
  const uniforms = random.uniforms(probes * size);
  return Array.from({ length: probes }, (_, probe) => Float32Array.from(uniforms.subarray(probe * size, (probe + 1) * size), (value) => (value < 0.5 ? -1 : 1)));
}

/**
 * Hutchinson's trace estimator `tr(J) ~ (1/m) sum_j v_j^T J v_j` with Rademacher probes v_j
 * (Hutchinson 1989; the Skilling-Hutchinson estimator of FFJORD, Grathwohl et al. 2019, and of
 * Song et al. 2021, appendix D.2): unbiased since `E[v v^T] = I`, with variance
 * `(2/m) sum_{i != k} J_ik^2` per row for a symmetric J (Rademacher has the least variance of all
 * probes with that mean). One vector-Jacobian product per probe; the probes are given, so an ODE
 * integration can hold them fixed across its evaluations.
 */
export function hutchinsonJacobianTrace(denoiser: Denoiser, x: Tensor, sigma: number, probes: readonly Float32Array[], maxRows = 65_536, name = 'hutchinsonJacobianTrace'): DenoiserJacobianTrace {
  return directionalJacobianTrace(name, denoiser, x, sigma, probes.length, (k) => probes[k]!, 1 / probes.length, maxRows);
}
