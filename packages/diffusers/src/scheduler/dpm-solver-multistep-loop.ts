import type { Denoiser } from '@diffusion/core';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { iterate } from './loop-context';
import type { LoopContext } from './loop-context';

// diffusers' DPMSolverMultistepScheduler, Lu et al. (2022a) DPM-Solver and (2022b) DPM-Solver++,
// written in sigma-space: dividing diffusers' VP updates by alpha_t leaves x = x_VP / alpha, the
// step h = lambda_t - lambda_s = log(sigma_s / sigma_t), and sigma_t for sigma_t / alpha_t.

/** One multistep update: `outputs` newest last (x0 estimates for the ++ algorithms, eps otherwise). */
function update(algorithm: string, solverType: string, order: number, x: Tensor, outputs: readonly Tensor[], sigmas: readonly number[], noise: Tensor | undefined): Tensor {
  const [sigmaT, sigmaS0] = sigmas as [number, number];
  const h = Math.log(sigmaS0) - Math.log(sigmaT);
  const m0 = outputs[outputs.length - 1]!;
  const plus = algorithm === 'dpmsolver++' || algorithm === 'sde-dpmsolver++';
  const sde = algorithm.startsWith('sde-');
  const ratio = sigmaT / sigmaS0;
  const expMinusH = Math.exp(-h);
  const expH = Math.exp(h);
  // First-order parts (DDIM in the chosen parameterisation; eq. 3.7 of Lu et al. 2022a, eq. 5 of 2022b).
  let result: Tensor;
  if (algorithm === 'dpmsolver++') result = tf.sub(tf.mul(x, ratio), tf.mul(m0, expMinusH - 1));
  else if (algorithm === 'dpmsolver') result = tf.sub(x, tf.mul(m0, sigmaT * (expH - 1)));
  else if (algorithm === 'sde-dpmsolver++') result = tf.add(tf.mul(x, ratio * expMinusH), tf.mul(m0, 1 - Math.exp(-2 * h)));
  else result = tf.sub(x, tf.mul(m0, 2 * sigmaT * (expH - 1)));
  if (order >= 2) {
    const [, , sigmaS1, sigmaS2] = sigmas;
    const h0 = Math.log(sigmaS1!) - Math.log(sigmaS0);
    const r0 = h0 / h;
    const m1 = outputs[outputs.length - 2]!;
    const d10 = tf.mul(tf.sub(m0, m1), 1 / r0);
    if (order === 2) {
      let weight: number;
      if (algorithm === 'dpmsolver++') weight = solverType === 'midpoint' ? -0.5 * (expMinusH - 1) : (expMinusH - 1) / h + 1;
      else if (algorithm === 'dpmsolver') weight = solverType === 'midpoint' ? -0.5 * sigmaT * (expH - 1) : -sigmaT * ((expH - 1) / h - 1);
      else if (algorithm === 'sde-dpmsolver++') weight = solverType === 'midpoint' ? 0.5 * (1 - Math.exp(-2 * h)) : (1 - Math.exp(-2 * h)) / (-2 * h) + 1;
      else weight = solverType === 'midpoint' ? -sigmaT * (expH - 1) : -2 * sigmaT * ((expH - 1) / h - 1);
      result = tf.add(result, tf.mul(d10, weight));
    } else {
      const h1 = Math.log(sigmaS2!) - Math.log(sigmaS1!);
      const r1 = h1 / h;
      const m2 = outputs[outputs.length - 3]!;
      const d11 = tf.mul(tf.sub(m1, m2), 1 / r1);
      const d1 = tf.add(d10, tf.mul(tf.sub(d10, d11), r0 / (r0 + r1)));
      const d2 = tf.mul(tf.sub(d10, d11), 1 / (r0 + r1));
      const [w1, w2] = plus
        ? [(expMinusH - 1) / h + 1, -((expMinusH - 1 + h) / (h * h) - 0.5)]
        : [-sigmaT * ((expH - 1) / h - 1), -sigmaT * ((expH - 1 - h) / (h * h) - 0.5)];
      result = tf.add(result, tf.add(tf.mul(d1, w1), tf.mul(d2, w2)));
    }
  }
  if (sde && noise !== undefined) {
    const scale = algorithm === 'sde-dpmsolver++' ? sigmaT * Math.sqrt(1 - Math.exp(-2 * h)) : sigmaT * Math.sqrt(Math.exp(2 * h) - 1);
    if (scale > 0) result = tf.add(result, tf.mul(noise, scale));
  }
  return result;
}

/**
 * diffusers' `DPMSolverMultistepScheduler` loop, every algorithm type, solver type and order, with
 * its lower-order rules: first order while the history fills and on the last step under
 * `euler_at_final`, `final_sigmas_type: "zero"`, or `lower_order_final` with fewer than 15 steps
 * (then also at most second order on the step before). The sample is VP (x_VP = x / sqrt(1 + sigma^2)).
 */
export function runDpmSolverMultistepLoop(context: LoopContext, denoise: Denoiser): Tensor {
  const { setup, run } = context;
  const config = setup.config;
  const algorithm = config.algorithm_type as string;
  const solverType = config.solver_type as string;
  const solverOrder = config.solver_order as number;
  const steps = run.timesteps.length;
  const lowerOrderFinal = config.lower_order_final === true && steps < 15;
  const plus = algorithm === 'dpmsolver++' || algorithm === 'sde-dpmsolver++';
  const outputs: Tensor[] = [];
  let lowerOrderCount = 0;
  const start = tf.mul(context.noise, Math.sqrt(1 + run.sigmas[0]! ** 2));
  try {
    const last = iterate(context, start, steps, (x, index) => {
      const sigma = run.sigmas[index]!;
      const denoised = denoise(x, sigma);
      outputs.push(tf.keep(plus ? denoised : tf.div(tf.sub(x, denoised), sigma)));
      while (outputs.length > solverOrder) outputs.shift()!.dispose();
      const final = index === steps - 1 && (config.euler_at_final === true || lowerOrderFinal || config.final_sigmas_type === 'zero');
      const second = index === steps - 2 && lowerOrderFinal;
      const order = solverOrder === 1 || lowerOrderCount < 1 || final ? 1 : solverOrder === 2 || lowerOrderCount < 2 || second ? 2 : 3;
      // SDE variants draw noise at every step, as diffusers does (the draw into sigma 0 is multiplied by 0).
      const noise = algorithm.startsWith('sde-') ? context.randomNormal() : undefined;
      const sigmas = [run.sigmas[index + 1]!, sigma, run.sigmas[index - 1] ?? NaN, run.sigmas[index - 2] ?? NaN];
      lowerOrderCount = Math.min(lowerOrderCount + 1, solverOrder);
      return update(algorithm, solverType, order, x, outputs, sigmas, noise);
    }, (index) => run.timesteps[index]!);
    const finalSigma = run.sigmas[steps]!;
    const result = tf.tidy(() => tf.mul(last, 1 / Math.sqrt(1 + finalSigma * finalSigma)));
    last.dispose();
    return result;
  } finally {
    start.dispose();
    for (const tensor of outputs) tensor.dispose();
  }
}
