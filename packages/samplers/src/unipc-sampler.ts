import { checkInRange, checkOneOf, checkOptions, checkPositiveInteger } from '@diffusion/core';
import { clone, mul, sub, type Tensor } from '@tensorflow/tfjs-core';
import { defineSampler, type BuiltinSampler } from './sampler-run';
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
  return defineSampler({ name: 'unipc', options: { variant, order }, stochastic: false }, () => {
    let lastOrder = 0;
    let warm = 0;
    return (predicted, tools) => {
      const { index, memory } = tools;
      const lambda = (at: number) => -Math.log(tools.sigmas[at]!);
      const steps = tools.sigmas.length - 1;
      const denoised = tools.denoise(predicted, tools.sigma);
      // Outputs so far: outputs[k] is the denoiser output k steps back (outputs[0] the newest).
      const outputs = (from: number) => Array.from({ length: order - from }, (_, k) => memory.get(`output${k + from}`));
      let x = predicted;
      const lastSample = memory.get('lastSample');
      if (index > 0 && lastSample !== undefined) {
        // UniC-p (Alg. 3): correct x_i with the new output, from x_{i-1} and older outputs.
        const m0 = memory.get('output0')!;
        const older = outputs(1) as Tensor[];
        const h = lambda(index) - lambda(index - 1);
        const ratios = older.slice(0, lastOrder - 1).map((_, k) => (lambda(index - 2 - k) - lambda(index - 1)) / h);
        const { hPhi1, bH, rhos } = unipcCoefficients(h, ratios, lastOrder, variant, true);
        const terms = ratios.map((rk, k) => [rhos[k]!, mul(sub(older[k]!, m0), 1 / rk)] as const);
        x = unipcUpdate(lastSample, m0, tools.sigma / tools.sigmas[index - 1]!, hPhi1, bH, [...terms, [rhos[lastOrder - 1]!, sub(denoised, m0)] as const]);
      }
      for (let k = order - 1; k > 0; k -= 1) memory.set(`output${k}`, memory.get(`output${k - 1}`));
      memory.set('output0', denoised);
      lastOrder = Math.min(order, steps - index, warm + 1);
      warm = Math.min(warm + 1, order);
      memory.set('lastSample', x === predicted ? clone(x) : x); // never keep the driver's tensor
      if (tools.sigmaNext === 0) return { x: denoised, denoised };
      // UniP-p (Alg. 2): predict x_{i+1} from x_i and the last `lastOrder` outputs.
      const m0 = memory.get('output0')!;
      const older = outputs(1) as Tensor[];
      const h = lambda(index + 1) - lambda(index);
      const ratios = older.slice(0, lastOrder - 1).map((_, k) => (lambda(index - 1 - k) - lambda(index)) / h);
      const { hPhi1, bH, rhos } = unipcCoefficients(h, ratios, lastOrder, variant, false);
      const terms = ratios.map((rk, k) => [rhos[k]!, mul(sub(older[k]!, m0), 1 / rk)] as const);
      return { x: unipcUpdate(x, m0, tools.sigmaNext / tools.sigma, hPhi1, bH, terms), denoised };
    };
  });
}

