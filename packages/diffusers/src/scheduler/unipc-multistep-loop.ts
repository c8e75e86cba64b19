import type { Denoiser } from '@diffusion/core';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { unipcCoefficients } from '@diffusion/samplers';
import type { UnipcCoefficients } from '@diffusion/samplers';
import { iterate } from './loop-context';
import type { LoopContext } from './loop-context';

// diffusers' UniPCMultistepScheduler, Zhao et al. (2023) "UniPC": the UniP-p predictor (Alg. 2)
// and UniC-p corrector (Alg. 3), B(h) = h (bh1) or e^h - 1 (bh2), data or noise prediction, in
// sigma-space (diffusers' VP updates divided by alpha_t; lambda = -log sigma).

/**
 * hPhi1, B(h) and the rho weights of one update: our `unipcCoefficients` (data prediction, hh = -h);
 * noise prediction uses hh = +h, which is that function at -h with the same ratios r_k.
 */
function coefficients(h: number, ratios: readonly number[], order: number, predictX0: boolean, solverType: string, corrector: boolean): UnipcCoefficients {
  return unipcCoefficients(predictX0 ? h : -h, ratios, order, solverType as 'bh1' | 'bh2', corrector);
}

/**
 * diffusers' `UniPCMultistepScheduler` loop: UniC corrects each sample with the new output
 * (unless its step is in `disable_corrector`), then UniP predicts the next with the order the
 * history and `lower_order_final` allow. The sample is VP (x_VP = x / sqrt(1 + sigma^2)).
 */
export function runUnipcMultistepLoop(context: LoopContext, denoise: Denoiser): Tensor {
  const { setup, run } = context;
  const config = setup.config;
  const solverOrder = config.solver_order as number;
  const predictX0 = config.predict_x0 === true;
  const solverType = config.solver_type as string;
  const disabled = new Set(config.disable_corrector as number[]);
  const steps = run.timesteps.length;
  const lambda = (index: number) => -Math.log(run.sigmas[index]!);
  const outputs: Tensor[] = [];
  let lastSample: Tensor | undefined;
  let lowerOrderCount = 0;
  let thisOrder = 0;
  // x_t = (sigma_t/sigma_s0) x - hPhi1 m0 - B(h) sum  (data prediction), or x - sigma_t (hPhi1 m0 + B(h) sum) (noise).
  const combine = (x: Tensor, m0: Tensor, sigmaT: number, sigmaS0: number, hPhi1: number, bH: number, residual: Tensor | undefined): Tensor => {
    if (predictX0) {
      const base = tf.sub(tf.mul(x, sigmaT / sigmaS0), tf.mul(m0, hPhi1));
      return residual === undefined ? base : tf.sub(base, tf.mul(residual, bH));
    }
    const base = tf.sub(x, tf.mul(m0, sigmaT * hPhi1));
    return residual === undefined ? base : tf.sub(base, tf.mul(residual, sigmaT * bH));
  };
  const weighted = (terms: readonly Tensor[], weights: readonly number[]): Tensor | undefined =>
    terms.length === 0 ? undefined : terms.map((term, k) => tf.mul(term, weights[k]!)).reduce((sum, term) => tf.add(sum, term));

  const start = tf.mul(context.noise, Math.sqrt(1 + run.sigmas[0]! ** 2));
  try {
    const last = iterate(context, start, steps, (input, index) => {
      const sigma = run.sigmas[index]!;
      const denoised = denoise(input, sigma);
      const converted = predictX0 ? denoised : tf.div(tf.sub(input, denoised), sigma);
      let x = input;
      if (index > 0 && !disabled.has(index - 1) && lastSample !== undefined) {
        // UniC at step index: from sigma_{index-1} to sigma_index with this_order of the last prediction.
        const m0 = outputs[outputs.length - 1]!;
        const h = lambda(index) - lambda(index - 1);
        const rks: number[] = [];
        const differences: Tensor[] = [];
        for (let i = 1; i < thisOrder; i += 1) {
          const rk = (lambda(index - (i + 1)) - lambda(index - 1)) / h;
          rks.push(rk);
          differences.push(tf.mul(tf.sub(outputs[outputs.length - (i + 1)]!, m0), 1 / rk));
        }
        const { hPhi1, bH, rhos } = coefficients(h, rks, thisOrder, predictX0, solverType, true);
        const correction = weighted([...differences, tf.sub(converted, m0)], [...rhos.slice(0, -1), rhos[rhos.length - 1]!]);
        x = combine(lastSample, m0, sigma, run.sigmas[index - 1]!, hPhi1, bH, correction);
      }
      outputs.push(tf.keep(converted.clone()));
      while (outputs.length > solverOrder) outputs.shift()!.dispose();
      const allowed = config.lower_order_final === true ? Math.min(solverOrder, steps - index) : solverOrder;
      thisOrder = Math.min(allowed, lowerOrderCount + 1);
      lastSample?.dispose();
      lastSample = tf.keep(x.clone());
      // UniP at step index: from sigma_index to sigma_{index+1}.
      const m0 = outputs[outputs.length - 1]!;
      const h = lambda(index + 1) - lambda(index);
      const rks: number[] = [];
      const differences: Tensor[] = [];
      for (let i = 1; i < thisOrder; i += 1) {
        const rk = (lambda(index - i) - lambda(index)) / h;
        rks.push(rk);
        differences.push(tf.mul(tf.sub(outputs[outputs.length - (i + 1)]!, m0), 1 / rk));
      }
      const { hPhi1, bH, rhos } = coefficients(h, rks, thisOrder, predictX0, solverType, false);
      lowerOrderCount = Math.min(lowerOrderCount + 1, solverOrder);
      return combine(x, m0, run.sigmas[index + 1]!, sigma, hPhi1, bH, weighted(differences, rhos));
    }, (index) => run.timesteps[index]!);
    const finalSigma = run.sigmas[steps]!;
    const result = tf.tidy(() => tf.mul(last, 1 / Math.sqrt(1 + finalSigma * finalSigma)));
    last.dispose();
    return result;
  } finally {
    start.dispose();
    lastSample?.dispose();
    for (const tensor of outputs) tensor.dispose();
  }
}
