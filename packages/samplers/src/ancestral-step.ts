import { checkOneOf } from '@diffusion/core';
import { add, mul, sub, type Tensor } from '@tensorflow/tfjs-core';

/** Split of an ancestral step into its deterministic part (down to `sigmaDown`) and fresh noise (`sigmaUp`). */
export interface AncestralSigmas {
  /** Sigma the deterministic Euler move lands on. */
  readonly sigmaDown: number;
  /** Standard deviation of the fresh noise added afterwards. */
  readonly sigmaUp: number;
}

/**
 * Ancestral split of a step `sigma -> sigmaNext` (k-diffusion `get_ancestral_step`): the
 * posterior of `x = x0 + sigma n` at `sigmaNext` given `x` has variance
 * `sigmaNext² (sigma² − sigmaNext²) / sigma²`; `eta` scales its standard deviation and
 * `sigmaUp` is capped at `sigmaNext`, so `sigmaDown² + sigmaUp² = sigmaNext²`.
 */
export function ancestralSigmas(sigma: number, sigmaNext: number, eta: number): AncestralSigmas {
  if (sigmaNext === 0 || eta === 0) return { sigmaDown: sigmaNext, sigmaUp: 0 };
  const posterior = (sigmaNext / sigma) * Math.sqrt((sigma - sigmaNext) * (sigma + sigmaNext));
  const sigmaUp = Math.min(sigmaNext, eta * posterior);
  return { sigmaDown: Math.sqrt((sigmaNext - sigmaUp) * (sigmaNext + sigmaUp)), sigmaUp };
}

/**
 * The Euler move of the probability-flow ODE, `x + (sigmaTarget − sigma)(x − denoised)/sigma`
 * (Karras et al. 2022, Alg. 1 with s(t) = 1), written as the interpolation
 * `denoised + (sigmaTarget / sigma)(x − denoised)`, which is exact when `sigmaTarget = 0`.
 * The caller owns the result.
 */
export function eulerMove(x: Tensor, denoised: Tensor, sigma: number, sigmaTarget: number): Tensor {
  if (sigmaTarget === 0) return denoised.clone();
  return add(denoised, mul(sub(x, denoised), sigmaTarget / sigma));
}

/** Adds `scale` times fresh noise to `x` when `scale > 0` (the ancestral term of Ho et al. 2020, Alg. 2 line 4). */
export function addNoise(x: Tensor, scale: number, randomNormal: () => Tensor): Tensor {
  return scale > 0 ? add(x, mul(randomNormal(), scale)) : x;
}


/**
 * The `noiseSource` option of the stochastic samplers: `'brownian-tree'` (the default, k-diffusion's
 * `BrownianTreeNoiseSampler`) or `'independent'` (fresh normals each step).
 */
export function checkNoiseSource(field: string, value: unknown): 'brownian-tree' | 'independent' {
  return checkOneOf(field, value ?? 'brownian-tree', ['brownian-tree', 'independent']);
}
