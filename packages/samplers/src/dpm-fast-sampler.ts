import { checkNonNegative, checkOneOf, checkOptions } from '@diffusion/core';
import { defineSampler } from '@diffusion/sampler-kit';
import { add, mul } from '@tensorflow/tfjs-core';
import { ancestralSigmas } from './ancestral-step';
import type { BuiltinSampler } from './builtin-samplers';
import { dpmSolverStep } from './dpm-solver-steps';

/** Options of {@link createDpmFastSampler}. */
export interface DpmFastSamplerOptions {
  /** Scale of the ancestral noise (k-diffusion `eta`); default 0, the probability-flow ODE. */
  readonly eta?: number;
  /** Extra factor on the injected noise (k-diffusion `s_noise`); default 1. */
  readonly sNoise?: number;
  /** Default noise when the caller injects none and eta > 0: `'independent'` (default, k-diffusion's `randn_like`) or `'brownian-tree'`. */
  readonly noiseSource?: 'independent' | 'brownian-tree';
}

/**
 * The orders of DPM-Solver-fast for `evaluations` noise predictions (Lu et al. 2022, sec. 3.4 and
 * Alg. 2, k-diffusion `dpm_solver_fast`): `K = floor(N/3) + 1` steps, third order but for the last
 * ones: `3, …, 3, 2, 1` when N ≡ 0 (mod 3), else `3, …, 3, N mod 3`. The orders sum to N.
 */
export function dpmFastOrders(evaluations: number): (1 | 2 | 3)[] {
  const steps = Math.floor(evaluations / 3) + 1;
  if (evaluations % 3 === 0) return [...Array.from({ length: steps - 2 }, () => 3 as const), 2, 1];
  return [...Array.from({ length: steps - 1 }, () => 3 as const), (evaluations % 3) as 1 | 2];
}

/**
 * The own steps of DPM-Solver-fast for a ladder of `n` steps: `floor(n/3) + 1` steps uniform in
 * log sigma (half the log-SNR) from `sigmas[0]` to the ladder's last sigma above 0, then 0.
 */
export function dpmFastLadder(sigmas: Float64Array): Float64Array {
  const steps = dpmFastOrders(sigmas.length - 1).length;
  const sigmaMax = sigmas[0]!;
  const sigmaMin = sigmas[sigmas.length - 2]!;
  const ladder = new Float64Array(steps + 2);
  const lambdaStart = -Math.log(sigmaMax);
  const lambdaEnd = -Math.log(sigmaMin);
  for (let index = 0; index <= steps; index += 1) ladder[index] = Math.exp(-(lambdaStart + ((lambdaEnd - lambdaStart) * index) / steps));
  ladder[0] = sigmaMax;
  ladder[steps] = sigmaMin;
  return ladder;
}

/**
 * DPM-Solver-fast, Lu et al. (2022) sec. 3.4 (k-diffusion `sample_dpm_fast`), over the range of the
 * ladder as ComfyUI maps a ladder onto it: a ladder of `n` steps from `sigmas[0]` to its last
 * sigma above 0, `sigmaMin`, spends `n` noise predictions on `floor(n/3) + 1` singlestep
 * DPM-Solver-3 steps uniform in log-SNR (the last ones of order 2 or 1, {@link dpmFastOrders}),
 * then one call denoises the sample at `sigmaMin` into 0 (`x = D(x; sigmaMin)`): `n + 1` calls. The
 * ladder's interior sigmas are not used (`ownSteps`). With eta > 0 each step lands on k-diffusion's
 * ancestral `sigmaDown` (at least `sigmaMin`) and adds noise up to the step's end.
 */
export function createDpmFastSampler(options?: DpmFastSamplerOptions): BuiltinSampler {
  const given = checkOptions('createDpmFastSampler', options, ['eta', 'sNoise', 'noiseSource']);
  const eta = checkNonNegative('createDpmFastSampler.eta', given.eta ?? 0);
  const sNoise = checkNonNegative('createDpmFastSampler.sNoise', given.sNoise ?? 1);
  const noiseSource = checkOneOf('createDpmFastSampler.noiseSource', given.noiseSource ?? 'independent', ['independent', 'brownian-tree']);
  const stochastic = eta > 0 && sNoise > 0;
  return defineSampler({
    name: 'dpm-fast',
    options: { eta, sNoise, noiseSource },
    stochastic,
    noiseSource,
    // Third order but for the last step or two near sigmaMin, where the ODE barely moves.
    order: eta === 0 ? 3 : undefined,
    minimumSteps: 3,
    evaluations: (steps) => steps + 1,
    placeSteps: dpmFastLadder,
    state: ({ requested }) => ({ orders: dpmFastOrders(requested.length - 1) }),
    step(x, { index, sigma, sigmaNext, sigmas, denoise, randomNormal }, { orders }) {
      const denoised = denoise(x, sigma);
      if (sigmaNext === 0) return { x: denoised, denoised };
      const sigmaMin = sigmas[sigmas.length - 2]!;
      // k-diffusion: t_next_ = min(t_end, t(sigma_down)), su = sqrt(sigma_next² − sigma(t_next_)²).
      const sigmaTarget = eta === 0 ? sigmaNext : Math.max(sigmaMin, ancestralSigmas(sigma, sigmaNext, eta).sigmaDown);
      const moved = dpmSolverStep(orders[index]!, x, denoised, sigma, sigmaTarget, denoise);
      if (!stochastic) return { x: moved, denoised };
      const sigmaUp = Math.sqrt((sigmaNext - sigmaTarget) * (sigmaNext + sigmaTarget));
      return { x: add(moved, mul(randomNormal(), sigmaUp * sNoise)), denoised };
    },
  });
}
