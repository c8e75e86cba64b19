import type { Denoiser } from '@diffusion/core';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { iterate } from './loop-context';
import type { LoopContext } from './loop-context';

/**
 * diffusers' `EulerDiscreteScheduler` loop where its last sigma is not 0 (`final_sigmas_type:
 * "sigma_min"`, `interpolation_type: "log_linear"`): Karras et al. (2022) Alg. 1 in VE form,
 * `x + (sigma_next - sigma)(x - D)/sigma` over the scheduler's sigmas, returning the sample at the
 * last one. (Into sigma 0 it is our Euler sampler, which the dispatcher uses.)
 */
export function runEulerDiscreteLoop(context: LoopContext, denoise: Denoiser): Tensor {
  const { run } = context;
  return iterate(context, context.noise, run.timesteps.length, (x, index) => {
    const sigma = run.sigmas[index]!;
    const denoised = denoise(x, sigma);
    return tf.add(x, tf.mul(tf.div(tf.sub(x, denoised), sigma), run.sigmas[index + 1]! - sigma));
  }, (index) => run.timesteps[index]!);
}

/**
 * diffusers' `FlowMatchEulerDiscreteScheduler` loop (rectified flow, Liu et al. 2023; SD3, Esser et
 * al. 2024): `x + (s_next - s) v` with v the network's velocity at timestep `s T`, in the flow's
 * own coordinates x = (1 - s) x0 + s noise, so it starts at s = 1 (pure noise).
 */
export function runFlowMatchEulerLoop(context: LoopContext): Tensor {
  const { run, network } = context;
  return iterate(context, context.noise, run.timesteps.length, (x, index) => {
    const velocity = network(x, run.timesteps[index]!);
    return tf.add(x, tf.mul(velocity, run.sigmas[index + 1]! - run.sigmas[index]!));
  }, (index) => run.timesteps[index]!);
}
