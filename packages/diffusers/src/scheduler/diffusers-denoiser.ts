import type { Denoiser } from '@diffusion/core';
import { checkNonNegative, invalidOption } from '@diffusion/core';
import { diffusersSigmaToTimestep } from '@diffusion/schedules';
import type { DiffusersScheduleSetup } from '@diffusion/schedules';
import * as tf from '@tensorflow/tfjs-core';
import type { DiffusersNetwork } from './model-output';
import { splitOutput, veX0 } from './model-output';
import { processX0 } from './x0-processing';

/** Options of {@link createDiffusersDenoiser}. */
export interface DiffusersDenoiserOptions {
  /** The network: `(sample, timestep) => output`, sample in the scheduler's own scale. */
  readonly network: DiffusersNetwork;
  /** The scheduler config it was trained with. */
  readonly setup: DiffusersScheduleSetup;
  /** Exact timesteps of a run: at `sigmas[i]` the network is given `timesteps[i]` (diffusers' own, e.g. rounded or fractional). */
  readonly runTimesteps?: { readonly sigmas: ArrayLike<number>; readonly timesteps: ArrayLike<number> };
}

/** True when the config's model output carries learned variance channels (DDPM / DPM-Solver `variance_type`). */
export function hasLearnedVariance(setup: DiffusersScheduleSetup): boolean {
  const type = setup.config.variance_type;
  return type === 'learned' || type === 'learned_range';
}

/**
 * The sigma-space denoiser D(x; sigma) = x0-hat over a diffusers network (Karras et al. 2022 eq. 7):
 * x is VE (x = x0 + sigma n); the network sees `x / sqrt(1 + sigma^2)` (FlowMatch: `(1 - s) x`,
 * s = sigma / (1 + sigma)) and diffusers' timestep for sigma: the run's own where given, else
 * diffusers' `_sigma_to_t` (log-sigma interpolation; FlowMatch `s T`; Euler's continuous
 * v-prediction `log(sigma) / 4`). The x0 estimate is clipped as the config asks. x is not disposed.
 */
export function createDiffusersDenoiser(options: DiffusersDenoiserOptions): Denoiser {
  const { network, setup, runTimesteps } = options;
  if (typeof network !== 'function') throw invalidOption('createDiffusersDenoiser.network', network, 'a function (sample, timestep) => output');
  const exact = new Map<number, number>();
  if (runTimesteps !== undefined) Array.from(runTimesteps.sigmas).forEach((sigma, index) => {
    if (index < runTimesteps.timesteps.length && !exact.has(sigma)) exact.set(sigma, runTimesteps.timesteps[index]!);
  });
  const flow = setup.kind === 'flow';
  const logSigmas = setup.kind === 'discrete' ? setup.sigmaTable.map(Math.log) : undefined;
  const continuousV = setup.config.timestep_type === 'continuous' && setup.predictionType === 'v_prediction';
  const learned = hasLearnedVariance(setup);
  const timestepOf = (sigma: number): number => {
    const given = exact.get(sigma);
    if (given !== undefined) return given;
    if (flow) return (sigma / (1 + sigma)) * setup.numTrainTimesteps;
    if (continuousV) return 0.25 * Math.log(sigma);
    return diffusersSigmaToTimestep(sigma, logSigmas!);
  };
  return (x, sigma) => {
    checkNonNegative('diffusersDenoiser.sigma', sigma);
    if (sigma === 0) return x.clone();
    const timestep = timestepOf(sigma);
    const inputScale = flow ? 1 / (1 + sigma) : 1 / Math.sqrt(1 + sigma * sigma);
    return tf.tidy(() => {
      const output = network(tf.mul(x, inputScale), timestep);
      const { prediction } = splitOutput(output, x, learned, 'diffusersDenoiser.network output');
      return processX0(veX0(prediction, x, sigma, setup.predictionType), setup.x0Processing);
    });
  };
}
