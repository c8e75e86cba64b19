import { checkInRange, checkOneOf, checkOptions, checkPositiveInteger } from '@diffusion/core';
import { mul, sub, type Tensor } from '@tensorflow/tfjs-core';
import { defineSampler } from '@diffusion/sampler-kit';
import type { BuiltinSampler } from './builtin-samplers';
import { unipcCoefficients } from './unipc-coefficients';

/** Options of {@link createUnipcSampler}. */
export interface UnipcSamplerOptions {
  /** B(h) variant: `'bh1'` (B = h) or `'bh2'` (B = e^h − 1, default). */
  readonly variant?: 'bh1' | 'bh2';
  /** Order of the predictor, 1 to 3; default 2. */
  readonly order?: number;
}

/** `(sigmaTarget/sigmaStart) x − hPhi1 m0 − bH Σ rho_k D_k`: the shared shape of UniP and UniC in sigma-space. */
function unipcUpdate(x: Tensor, m0: Tensor, ratioOfSigmas: number, hPhi1: number, bH: number, terms: readonly (readonly [number, Tensor])[]): Tensor {
  let result = sub(mul(x, ratioOfSigmas), mul(m0, hPhi1));
  for (const [rho, difference] of terms) result = sub(result, mul(difference, bH * rho));
  return result;
}

/**
 * UniPC, Zhao et al. (2023): the multistep UniP-p predictor and UniC corrector with data
 * prediction, as diffusers' `UniPCMultistepScheduler` (`predict_x0`, `lower_order_final`), in
 * sigma-space with log-sigma time `h = log(sigma/sigmaNext)`. The corrector reuses the next
 * denoiser call, so a step costs one call; `onStep` reports the predictor's (uncorrected) output.
 */
export function createUnipcSampler(options?: UnipcSamplerOptions): BuiltinSampler {
  const given = checkOptions('createUnipcSampler', options, ['variant', 'order']);
  const variant = checkOneOf('createUnipcSampler.variant', given.variant ?? 'bh2', ['bh1', 'bh2']);
  const order = checkInRange('createUnipcSampler.order', checkPositiveInteger('createUnipcSampler.order', given.order ?? 2), 1, 3);
  return defineSampler({
    name: 'unipc',
    options: { variant, order },
    stochastic: false,
    // UniC-p on top of UniP-p raises the order by one (Zhao et al. 2023, Theorem 3.1).
    order: order + 1,
    // outputs[k]: the denoiser output k steps back; lastSample: x_{i−1} before the step (for UniC).
    state: (): UnipcState => ({ outputs: [], lastSample: undefined, lastOrder: 0, warm: 0 }),
    step(predicted, { index, sigma, sigmaNext, sigmas, steps, denoise }, state) {
      const lambda = (at: number) => -Math.log(sigmas[at]!);
      const denoised = denoise(predicted, sigma);
      let x = predicted;
      if (index > 0 && state.lastSample !== undefined) {
        // UniC-p (Alg. 3): correct x_i with the new output, from x_{i-1} and older outputs.
        const [m0, ...older] = state.outputs as [Tensor, ...Tensor[]];
        const h = lambda(index) - lambda(index - 1);
        const ratios = older.slice(0, state.lastOrder - 1).map((_, k) => (lambda(index - 2 - k) - lambda(index - 1)) / h);
        const { hPhi1, bH, rhos } = unipcCoefficients(h, ratios, state.lastOrder, variant, true);
        const terms = ratios.map((rk, k) => [rhos[k]!, mul(sub(older[k]!, m0), 1 / rk)] as const);
        x = unipcUpdate(state.lastSample, m0, sigma / sigmas[index - 1]!, hPhi1, bH, [...terms, [rhos[state.lastOrder - 1]!, sub(denoised, m0)] as const]);
      }
      state.outputs = [denoised, ...state.outputs.slice(0, order - 1)];
      state.lastOrder = Math.min(order, steps - index, state.warm + 1);
      state.warm = Math.min(state.warm + 1, order);
      state.lastSample = x;
      if (sigmaNext === 0) return { x: denoised, denoised };
      // UniP-p (Alg. 2): predict x_{i+1} from x_i and the last `lastOrder` outputs.
      const [m0, ...older] = state.outputs as [Tensor, ...Tensor[]];
      const h = lambda(index + 1) - lambda(index);
      const ratios = older.slice(0, state.lastOrder - 1).map((_, k) => (lambda(index - 1 - k) - lambda(index)) / h);
      const { hPhi1, bH, rhos } = unipcCoefficients(h, ratios, state.lastOrder, variant, false);
      const terms = ratios.map((rk, k) => [rhos[k]!, mul(sub(older[k]!, m0), 1 / rk)] as const);
      return { x: unipcUpdate(x, m0, sigmaNext / sigma, hPhi1, bH, terms), denoised };
    },
  });
}

/** The history of a UniPC run. */
interface UnipcState {
  /** Denoiser outputs, newest first (at most `order`). */
  outputs: Tensor[];
  /** The sample before this step's correction, x_{i−1} of UniC. */
  lastSample: Tensor | undefined;
  /** Order of the last predictor step. */
  lastOrder: number;
  /** Steps taken so far, capped at `order` (the warm-up). */
  warm: number;
}
