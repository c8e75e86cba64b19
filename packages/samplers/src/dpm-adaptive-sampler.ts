import { DiffusionError, checkFinite, checkInRange, checkNonNegative, checkOneOf, checkOptions, checkPositive, invalidOption } from '@diffusion/core';
import { defineSampler } from '@diffusion/sampler-kit';
import { abs, add, dispose, div, maximum, mean, mul, neg, sqrt, square, sub, tidy, type Tensor } from '@tensorflow/tfjs-core';
import { ancestralSigmas } from './ancestral-step';
import type { BuiltinSampler } from './builtin-samplers';
import { dpmSolverFirstOrder, dpmSolverSecondOrderTerm, dpmSolverThirdOrderStage, dpmSolverThirdOrderTerm } from './dpm-solver-steps';
import { createPidStepSizeController, type PidStepSizeController } from './pid-step-size-controller';

/** Options of {@link createDpmAdaptiveSampler} (k-diffusion `sample_dpm_adaptive`'s, camel-cased). */
export interface DpmAdaptiveSamplerOptions {
  /** 3: DPM-Solver-23 (a second-order estimate inside the third-order step; default), 2: DPM-Solver-12. */
  readonly order?: 2 | 3;
  /** Relative tolerance of the local error estimate; default 0.05. */
  readonly rtol?: number;
  /** Absolute tolerance, > 0; default 0.0078 (about 1/128 of the [−1, 1] pixel range). */
  readonly atol?: number;
  /** First step size in log sigma; default 0.05. */
  readonly hInit?: number;
  /** PID gains of the step-size controller; defaults 0, 1, 0 (integral control). */
  readonly pcoeff?: number;
  readonly icoeff?: number;
  readonly dcoeff?: number;
  /** A step is accepted when the controller's factor is at least this, in (0, 1]; default 0.81. */
  readonly acceptSafety?: number;
  /** Scale of the ancestral noise (k-diffusion `eta`); default 0, the probability-flow ODE. */
  readonly eta?: number;
  /** Extra factor on the injected noise (k-diffusion `s_noise`); default 1. */
  readonly sNoise?: number;
  /** Default noise when the caller injects none and eta > 0: `'independent'` (default, k-diffusion's `randn_like`) or `'brownian-tree'`. */
  readonly noiseSource?: 'independent' | 'brownian-tree';
}

interface AdaptiveState {
  /** Log-SNR time `-log sigma` the sample is at (k-diffusion's `s`). */
  t: number;
  /** The sigma the sample is at. */
  sigma: number;
  /** The lower-order solution of the last accepted step (k-diffusion's `x_prev`); the start before. */
  previousLow?: Tensor;
  readonly controller: PidStepSizeController;
}

/**
 * DPM-Solver-12 and -23 with adaptive step size, Lu et al. (2022) sec. 3.4 / Alg. 3 (k-diffusion
 * `sample_dpm_adaptive`): each step from lambda = −log sigma tries `h` and compares a lower-order
 * solution with the higher-order one sharing its noise predictions; the RMS of their difference over
 * `max(atol, rtol max(|x_low|, |x_prev|))` drives a PID controller that accepts or rejects the step and
 * scales `h`. It integrates from `sigmas[0]` to the ladder's last sigma above 0 (the interior and the
 * length of the ladder are not used: `adaptive`), then denoises into 0 with one more call. Each try
 * costs `order` calls; `onStep` reports each accepted step and the NFE so far (`evaluations`).
 */
export function createDpmAdaptiveSampler(options?: DpmAdaptiveSamplerOptions): BuiltinSampler {
  const name = 'createDpmAdaptiveSampler';
  const given = checkOptions(name, options, ['order', 'rtol', 'atol', 'hInit', 'pcoeff', 'icoeff', 'dcoeff', 'acceptSafety', 'eta', 'sNoise', 'noiseSource']);
  const order = given.order ?? 3;
  if (order !== 2 && order !== 3) throw invalidOption(`${name}.order`, order, '2 (DPM-Solver-12) or 3 (DPM-Solver-23)');
  const rtol = checkNonNegative(`${name}.rtol`, given.rtol ?? 0.05);
  const atol = checkPositive(`${name}.atol`, given.atol ?? 0.0078);
  const hInit = checkPositive(`${name}.hInit`, given.hInit ?? 0.05);
  const pcoeff = checkFinite(`${name}.pcoeff`, given.pcoeff ?? 0);
  const icoeff = checkFinite(`${name}.icoeff`, given.icoeff ?? 1);
  const dcoeff = checkFinite(`${name}.dcoeff`, given.dcoeff ?? 0);
  const acceptSafety = checkInRange(`${name}.acceptSafety`, given.acceptSafety ?? 0.81, 0, 1, '(]');
  const eta = checkNonNegative(`${name}.eta`, given.eta ?? 0);
  const sNoise = checkNonNegative(`${name}.sNoise`, given.sNoise ?? 1);
  const noiseSource = checkOneOf(`${name}.noiseSource`, given.noiseSource ?? 'independent', ['independent', 'brownian-tree']);
  const stochastic = eta > 0 && sNoise > 0;

  /** One try from the state's sigma to `sigmaTarget`: the step's denoiser output, both solutions and the scaled error (a scalar). */
  const attempt = (x: Tensor, state: AdaptiveState, sigmaTarget: number, denoise: (x: Tensor, sigma: number) => Tensor) =>
    tidy(() => {
      const sigma = state.sigma;
      const denoised = denoise(x, sigma);
      const h = Math.log(sigma / sigmaTarget);
      const r1 = order === 2 ? 1 / 2 : 1 / 3;
      const denoisedR1 = denoise(dpmSolverFirstOrder(x, denoised, Math.exp(-r1 * h)), sigma * Math.exp(-r1 * h));
      const firstOrder = dpmSolverFirstOrder(x, denoised, sigmaTarget / sigma);
      const secondOrderTerm = dpmSolverSecondOrderTerm(denoised, denoisedR1, h, r1);
      // x_low − x_high as the difference of the terms the two orders add (see dpm-solver-steps.ts):
      // float32 could not resolve it against |x| where the local error is small, as at high sigma.
      let low: Tensor;
      let high: Tensor;
      let difference: Tensor;
      if (order === 2) {
        // DPM-Solver-12: first order inside the midpoint step.
        low = firstOrder;
        high = add(firstOrder, secondOrderTerm);
        difference = neg(secondOrderTerm);
      } else {
        // DPM-Solver-23: DPM-Solver-2 with r1 = 1/3 shares the first stage of DPM-Solver-3.
        const r2 = 2 / 3;
        const denoisedR2 = denoise(dpmSolverThirdOrderStage(x, denoised, denoisedR1, h, r1, r2), sigma * Math.exp(-r2 * h));
        const thirdOrderTerm = dpmSolverThirdOrderTerm(denoised, denoisedR1, denoisedR2, h, r1, r2);
        low = add(firstOrder, secondOrderTerm);
        high = add(firstOrder, thirdOrderTerm);
        difference = sub(secondOrderTerm, thirdOrderTerm);
      }
      const delta = maximum(atol, mul(maximum(abs(low), abs(state.previousLow ?? x)), rtol));
      const error = sqrt(mean(square(div(difference, delta))));
      return { denoised, low, high, error };
    });

  return defineSampler({
    name: 'dpm-adaptive',
    options: { order, rtol, atol, hInit, pcoeff, icoeff, dcoeff, acceptSafety, eta, sNoise, noiseSource },
    stochastic,
    noiseSource,
    adaptive: true,
    evaluationsPerStep: order,
    minimumSteps: 3,
    placeSteps: (sigmas) => Float64Array.of(sigmas[0]!, sigmas[sigmas.length - 2]!, 0),
    state: ({ sigmas }): AdaptiveState => ({
      t: -Math.log(sigmas[0]!),
      sigma: sigmas[0]!,
      // k-diffusion: the controller's order is 1.5 for ancestral steps.
      controller: createPidStepSizeController({ h: hInit, pcoeff, icoeff, dcoeff, order: eta > 0 ? 1.5 : order, acceptSafety }),
    }),
    step(x, { index, sigmaNext, denoise, randomNormal }, state) {
      if (sigmaNext === 0) {
        const denoised = denoise(x, state.sigma);
        return { x: denoised, denoised };
      }
      const tEnd = -Math.log(sigmaNext);
      for (;;) {
        const t = Math.min(tEnd, state.t + state.controller.h);
        if (!(t > state.t)) {
          throw new DiffusionError('non-finite', `dpm-adaptive.sample: the step size fell to ${state.controller.h} at step ${index} (sigma ${state.sigma}); the error estimate never met rtol ${rtol}, atol ${atol}.`, { field: 'dpm-adaptive.sample.denoise', value: { step: index, sigma: state.sigma }, allowed: 'a denoiser smooth enough for the tolerance' });
        }
        const sigmaT = t === tEnd ? sigmaNext : Math.exp(-t);
        // k-diffusion: t_ = min(t_end, t(sigma_down)), su = sqrt(sigma(t)² − sigma(t_)²).
        const sigmaTarget = eta === 0 ? sigmaT : Math.max(sigmaNext, ancestralSigmas(state.sigma, sigmaT, eta).sigmaDown);
        const tried = attempt(x, state, sigmaTarget, denoise);
        const error = tried.error.dataSync()[0]!;
        tried.error.dispose();
        if (!Number.isFinite(error)) {
          dispose([tried.denoised, tried.low, tried.high]);
          throw new DiffusionError('non-finite', `dpm-adaptive.sample: the error estimate is ${error} at step ${index} (sigma ${state.sigma}): the denoiser returned NaN or Infinity.`, { field: 'dpm-adaptive.sample.denoise', value: { step: index, sigma: state.sigma }, allowed: 'finite denoiser outputs' });
        }
        if (!state.controller.proposeStep(error)) {
          dispose([tried.denoised, tried.low, tried.high]);
          continue;
        }
        const sigmaUp = Math.sqrt((sigmaT - sigmaTarget) * (sigmaT + sigmaTarget));
        const next = stochastic ? add(tried.high, mul(randomNormal({ sigma: state.sigma, sigmaNext: sigmaT }), sigmaUp * sNoise)) : tried.high;
        state.previousLow = tried.low;
        state.t = t;
        state.sigma = sigmaT;
        // k-diffusion stops within 1e-5 of t_end.
        return { x: next, denoised: tried.denoised, sigmaNext: t >= tEnd - 1e-5 ? sigmaNext : sigmaT };
      }
    },
  });
}
