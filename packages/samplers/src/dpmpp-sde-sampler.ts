import { checkInRange, checkNonNegative, checkOptions } from '@diffusion/core';
import { add, mul, sub, type Tensor } from '@tensorflow/tfjs-core';
import { addNoise, ancestralSigmas, eulerMove, checkNoiseSource } from './ancestral-step';
import { defineSampler } from '@diffusion/sampler-kit';
import type { BuiltinSampler } from './builtin-samplers';

/** Options of {@link createDpmppSdeSampler}. */
export interface DpmppSdeSamplerOptions {
  /** Scale of the ancestral noise of both stages relative to the posterior's: 0 is DPM-Solver++(2S) with `r`, 1 (default) the SDE. */
  readonly eta?: number;
  /** Extra factor on the injected noise (k-diffusion `s_noise`); default 1. */
  readonly sNoise?: number;
  /** Where the intermediate stage sits in `lambda = −log sigma`, as a fraction of the step, in (0, 1]; default 1/2. */
  readonly r?: number;
  /**
   * Default noise when the caller injects none: `'brownian-tree'` (default, as k-diffusion's
   * `sample_dpmpp_sde`: one seed gives converging samples as steps grow) or `'independent'`
   * (fresh normals from core's seeded stream for each draw).
   */
  readonly noiseSource?: 'brownian-tree' | 'independent';
}

/**
 * One ancestral DPM-Solver++ first-order move `sigma -> sigmaTarget` with `denoised`
 * (Lu et al. 2022b eq. 9): `(sigmaDown/sigma) x − expm1(−log(sigma/sigmaDown)) D` to the ancestral
 * `sigmaDown`, plus `sigmaUp` noise drawn for the interval `sigma -> sigmaTarget`.
 */
function ancestralMove(x: Tensor, denoised: Tensor, sigma: number, sigmaTarget: number, eta: number, sNoise: number, randomNormal: (interval: { sigma: number; sigmaNext: number }) => Tensor): Tensor {
  const { sigmaDown, sigmaUp } = ancestralSigmas(sigma, sigmaTarget, eta);
  const moved = sigmaDown === 0 ? eulerMove(x, denoised, sigma, 0) : sub(mul(x, sigmaDown / sigma), mul(denoised, Math.expm1(-Math.log(sigma / sigmaDown))));
  return addNoise(moved, sigmaUp * sNoise, () => randomNormal({ sigma, sigmaNext: sigmaTarget }));
}

/**
 * Stochastic DPM-Solver++, k-diffusion `sample_dpmpp_sde`: DPM-Solver++(2S) of Lu et al. (2022b)
 * Alg. 1 with each stage made ancestral. With `h = log(sigma/sigmaNext)`, an ancestral move to
 * `sigmaS = sigma e^{−r h}` gives `u`; the step then moves `sigma -> sigmaNext` ancestrally with
 * `(1 − 1/(2r)) D(x; sigma) + (1/(2r)) D(u; sigmaS)`. The stage noises are drawn for the intervals
 * `sigma -> sigmaS` and `sigma -> sigmaNext` (a Brownian tree's by default, as in k-diffusion). The
 * last step into sigma 0 is a plain Euler step: 2 steps − 1 calls.
 */
export function createDpmppSdeSampler(options?: DpmppSdeSamplerOptions): BuiltinSampler {
  const given = checkOptions('createDpmppSdeSampler', options, ['eta', 'sNoise', 'r', 'noiseSource']);
  const eta = checkNonNegative('createDpmppSdeSampler.eta', given.eta ?? 1);
  const sNoise = checkNonNegative('createDpmppSdeSampler.sNoise', given.sNoise ?? 1);
  const r = checkInRange('createDpmppSdeSampler.r', given.r ?? 0.5, 0, 1, '(]');
  const noiseSource = checkNoiseSource('createDpmppSdeSampler.noiseSource', given.noiseSource);
  const weight = 1 / (2 * r);
  return defineSampler({
    name: 'dpmpp-sde',
    options: { eta, sNoise, r, noiseSource },
    stochastic: eta > 0 && sNoise > 0,
    noiseSource,
    // Without noise (sNoise 0) each stage still stops at its sigmaDown: second order only when eta is 0.
    order: eta === 0 ? 2 : undefined,
    evaluationsPerStep: 2,
    // The last step into sigma 0 is a plain Euler step.
    evaluations: (steps) => Math.max(0, 2 * steps - 1),
    step(x, { sigma, sigmaNext, denoise, randomNormal }) {
      const denoised = denoise(x, sigma);
      if (sigmaNext === 0) return { x: eulerMove(x, denoised, sigma, 0), denoised };
      const sigmaS = sigma * Math.exp(-r * Math.log(sigma / sigmaNext));
      const intermediate = ancestralMove(x, denoised, sigma, sigmaS, eta, sNoise, randomNormal);
      const mixed = add(mul(denoised, 1 - weight), mul(denoise(intermediate, sigmaS), weight));
      return { x: ancestralMove(x, mixed, sigma, sigmaNext, eta, sNoise, randomNormal), denoised };
    },
  });
}
