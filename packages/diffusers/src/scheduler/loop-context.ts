import type { DiffusersDiscreteScheduleSetup, DiffusersScheduleSetup, DiffusersTimesteps } from '@diffusion/schedules';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { DiffusersNetwork } from './model-output';

/** What a diffusers loop reports after each scheduler step. Tensors are borrowed (valid during the call). */
export interface DiffusersStepEvent {
  /** Index of the scheduler step (the network call), 0-based. */
  readonly index: number;
  /** The timestep the network was given. */
  readonly timestep: number;
  /** The sample after the step, in the scheduler's own coordinates. */
  readonly sample: Tensor;
}

/** Everything a native loop needs; built by `runDiffusersLoop`. */
export interface LoopContext<Setup extends DiffusersScheduleSetup = DiffusersScheduleSetup> {
  readonly setup: Setup;
  readonly run: DiffusersTimesteps;
  readonly network: DiffusersNetwork;
  /** Starting sample at diffusers' scale (not disposed). */
  readonly noise: Tensor;
  /** Fresh standard normals of the sample's shape; the loop owns (and disposes) each. */
  readonly randomNormal: () => Tensor;
  readonly eta: number;
  readonly useClippedModelOutput: boolean;
  readonly onStep: ((event: DiffusersStepEvent) => void) | undefined;
}

/** A discrete-schedule loop context. */
export type DiscreteLoopContext = LoopContext<DiffusersDiscreteScheduleSetup>;

/**
 * Runs `count` steps of `step`, each inside `tf.tidy`, handing the previous sample to the next and
 * disposing it (never the caller's noise). `state` tensors a step keeps must be `tf.keep`-ed by it.
 */
export function iterate(context: LoopContext, start: Tensor, count: number, step: (x: Tensor, index: number) => Tensor, timestepOf: (index: number) => number): Tensor {
  let x = start;
  try {
    for (let index = 0; index < count; index += 1) {
      const previous = x;
      x = tf.tidy(() => step(previous, index));
      if (previous !== context.noise) previous.dispose();
      context.onStep?.({ index, timestep: timestepOf(index), sample: x });
    }
    const result = x === context.noise ? x.clone() : x;
    x = context.noise;
    return result;
  } finally {
    if (x !== context.noise) x.dispose();
  }
}
