import type { Sampler } from '@diffusion/core';
import { checkBoolean, checkNonNegative, checkNonNegativeInteger, createRandomSource, invalidOption, randomNormalTensor } from '@diffusion/core';
import type { DiffusersScheduleSetup, DiffusersTimesteps } from '@diffusion/schedules';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { runDdimLoop } from './ddim-loop';
import { runDdpmLoop } from './ddpm-loop';
import { createDiffusersDenoiser } from './diffusers-denoiser';
import { runDpmSolverMultistepLoop } from './dpm-solver-multistep-loop';
import { runEulerDiscreteLoop, runFlowMatchEulerLoop } from './euler-discrete-loop';
import type { DiffusersStepEvent, DiscreteLoopContext, LoopContext } from './loop-context';
import type { DiffusersNetwork } from './model-output';
import { runPndmLoop } from './pndm-loop';
import { diffusersSamplerFor } from './scheduler-mapping';
import { runUnipcMultistepLoop } from './unipc-multistep-loop';

/** Options of {@link runDiffusersLoop}. */
export interface DiffusersLoopOptions {
  /** The network, `(sample, timestep) => output` (class labels bound in). */
  readonly network: DiffusersNetwork;
  /** The scheduler config (from `fromDiffusersConfig` or `readDiffusersSchedulerConfig`). */
  readonly setup: DiffusersScheduleSetup;
  /** `num_inference_steps`. */
  readonly steps: number;
  /** The starting sample at diffusers' scale: its `randn` times `init_noise_sigma`. Not disposed. */
  readonly noise: Tensor;
  /** Fresh standard normals for the stochastic steps, drawn in diffusers' order; the loop owns what it returns. Default: core's seeded source with `seed`. */
  readonly randomNormal?: (shape: readonly number[]) => Tensor;
  /** Seed of the default noise source; default 0. */
  readonly seed?: number;
  /** DDIM's eta (the DDIM pipeline's `eta`); default 0. */
  readonly eta?: number;
  /** DDIM's `use_clipped_model_output`; default false. */
  readonly useClippedModelOutput?: boolean;
  /** Called after each scheduler step of a native loop (not when one of our samplers runs). */
  readonly onStep?: (event: DiffusersStepEvent) => void;
}

/** Which loop ran, for the record. */
export interface DiffusersLoopResult {
  /** The final sample, in the scheduler's own coordinates (what diffusers' loop returns); the caller owns it. */
  readonly sample: Tensor;
  /** `'native'`, or the name of our sampler that reproduced the loop. */
  readonly ranWith: string;
  /** The run: timesteps, sigmas, ladder. */
  readonly run: DiffusersTimesteps;
}

function noiseSource(options: DiffusersLoopOptions, shape: readonly number[]): () => Tensor {
  if (options.randomNormal !== undefined && typeof options.randomNormal !== 'function') throw invalidOption('runDiffusersLoop.randomNormal', options.randomNormal, 'a function (shape) => Tensor');
  const seed = checkNonNegativeInteger('runDiffusersLoop.seed', options.seed ?? 0);
  let source: ReturnType<typeof createRandomSource> | undefined;
  const draw = options.randomNormal ?? ((wanted: readonly number[]) => randomNormalTensor((source ??= createRandomSource(seed)), wanted));
  return () => {
    const fresh = draw(shape);
    if (!(fresh instanceof tf.Tensor) || fresh.shape.join() !== shape.join()) throw invalidOption('runDiffusersLoop.randomNormal result', fresh instanceof tf.Tensor ? fresh.shape : fresh, `a tensor of shape [${shape.join(', ')}]`, 'shape-mismatch');
    // A copy inside the step's tidy, so that the step frees it whoever made the original.
    const copy = fresh.clone();
    fresh.dispose();
    return copy;
  };
}

/**
 * Runs the loop of diffusers' pipelines for the configured scheduler class (`set_timesteps(n)`,
 * `randn * init_noise_sigma`, then `step(model(scale_model_input(x, t), t), t, x)` for each t):
 * our sampler where it is the same algorithm on the same ladder (Euler, Euler ancestral, Heun,
 * LMS, DPM-Solver++ 2M/3M/SDE, UniPC), diffusers' own steps elsewhere (DDPM, DDIM, PNDM, DPM-Solver
 * on noise, final sigma_min, FlowMatch, …).
 */
export function runDiffusersLoop(options: DiffusersLoopOptions): DiffusersLoopResult {
  const { network, setup, noise } = options;
  if (typeof network !== 'function') throw invalidOption('runDiffusersLoop.network', network, 'a function (sample, timestep) => output');
  if (!(noise instanceof tf.Tensor) || noise.isDisposed) throw invalidOption('runDiffusersLoop.noise', noise, 'a live tensor (the starting sample)');
  const eta = checkNonNegative('runDiffusersLoop.eta', options.eta ?? 0);
  const useClippedModelOutput = checkBoolean('runDiffusersLoop.useClippedModelOutput', options.useClippedModelOutput ?? false);
  const run = setup.setTimesteps(options.steps);
  const randomNormal = noiseSource(options, noise.shape);
  const context: LoopContext = { setup, run, network, noise, randomNormal, eta, useClippedModelOutput, onStep: options.onStep };
  const denoise = createDiffusersDenoiser({ network, setup, runTimesteps: { sigmas: run.sigmas, timesteps: run.timesteps } });
  if (setup.kind === 'flow') return { sample: runFlowMatchEulerLoop(context), ranWith: 'native', run };
  const discrete = context as DiscreteLoopContext;
  if (setup.className === 'DDPMScheduler') return { sample: runDdpmLoop(discrete), ranWith: 'native', run };
  if (setup.className === 'DDIMScheduler') return { sample: runDdimLoop(discrete), ranWith: 'native', run };
  if (setup.className === 'PNDMScheduler') return { sample: runPndmLoop(discrete), ranWith: 'native', run };
  const mapping = diffusersSamplerFor(setup, run);
  if (mapping.exact) return { sample: runOurSampler(mapping.sampler, context, denoise), ranWith: mapping.sampler.name, run };
  if (setup.className === 'DPMSolverMultistepScheduler') return { sample: runDpmSolverMultistepLoop(context, denoise), ranWith: 'native', run };
  if (setup.className === 'UniPCMultistepScheduler') return { sample: runUnipcMultistepLoop(context, denoise), ranWith: 'native', run };
  return { sample: runEulerDiscreteLoop(context, denoise), ranWith: 'native', run };
}

/** The multistep classes keep VP samples (x_VP = x / sqrt(1 + sigma^2)); the Euler family keeps sigma-space ones. */
export function keepsVpSamples(setup: DiffusersScheduleSetup): boolean {
  return setup.kind === 'discrete' && !['EulerDiscreteScheduler', 'EulerAncestralDiscreteScheduler', 'HeunDiscreteScheduler', 'LMSDiscreteScheduler'].includes(setup.className);
}

function runOurSampler(sampler: Sampler, context: LoopContext, denoise: ReturnType<typeof createDiffusersDenoiser>): Tensor {
  const { run, noise, setup } = context;
  const start = keepsVpSamples(setup) ? tf.mul(noise, Math.sqrt(1 + run.ladder[0]! ** 2)) : noise;
  try {
    return sampler.sample(denoise, start, run.ladder, { noise: () => context.randomNormal() });
  } finally {
    if (start !== noise) start.dispose();
  }
}
