import { DiffusionError, type Backbone } from '@diffusion/core';
import { mul, sub, tidy, type Tensor } from '@tensorflow/tfjs-core';
import type { Unet2DModel } from './unet2d-model';

/** Options of {@link withContinuousTime}. */
export interface ContinuousTimeOptions {
  /** T of the schedule the model is trained on (diffusers' `num_train_timesteps`, default 1000). */
  readonly numTrainTimesteps?: number;
  /**
   * `true` (default) for a discrete T-step schedule read continuously as `@diffusion/schedules`
   * does (step s = 1 … T at t = s / T): the timestep is `t T - 1`, the 0-based index diffusers'
   * `alphas_cumprod` uses. `false` for a continuous schedule: `t T`, as diffusers' flow-matching
   * schedulers scale their sigmas.
   */
  readonly discrete?: boolean;
}

/** A `UNet2DModel` seen from the trainer and samplers of `@diffusion`, which give time `t` in [0, 1]. */
export interface ContinuousTimeUnet2DModel extends Backbone {
  readonly name: 'diffusers-unet-2d-continuous-time';
  /** The wrapped model (what `saveUnet2DModel` saves; it shares the weights). */
  readonly model: Unet2DModel;
  setTraining(training: boolean): void;
}

/**
 * Wraps a `UNet2DModel` so its time input is `t` in [0, 1] (the trainer's and the denoiser
 * adapter's `noiseLevel`) mapped to the diffusers timestep of the same noise level; the weights
 * are the model's own, so a model trained through the wrapper runs in diffusers with diffusers'
 * schedulers as it is.
 */
export function withContinuousTime(model: Unet2DModel, options: ContinuousTimeOptions = {}): ContinuousTimeUnet2DModel {
  const numTrainTimesteps = options.numTrainTimesteps ?? 1000;
  const discrete = options.discrete ?? true;
  if (!Number.isSafeInteger(numTrainTimesteps) || numTrainTimesteps < 1) {
    throw new DiffusionError('invalid-option', `withContinuousTime: numTrainTimesteps: got ${numTrainTimesteps}; expected a positive integer.`, { field: 'withContinuousTime.numTrainTimesteps', value: numTrainTimesteps, allowed: 'a positive integer' });
  }
  return {
    name: 'diffusers-unet-2d-continuous-time',
    specificationVersion: 'v1',
    config: { model: model.config, numTrainTimesteps, discrete },
    sampleShape: model.sampleShape,
    parameterCount: model.parameterCount,
    ...(model.numClasses === undefined ? {} : { numClasses: model.numClasses }),
    model,
    setTraining: (training) => model.setTraining(training),
    apply(x: Tensor, noiseLevel: Tensor, condition?: Tensor) {
      const timesteps = tidy(() => (discrete ? sub(mul(noiseLevel, numTrainTimesteps), 1) : mul(noiseLevel, numTrainTimesteps)));
      try {
        return model.apply(x, timesteps, condition);
      } finally {
        timesteps.dispose();
      }
    },
    variables: () => model.variables(),
    dispose: () => model.dispose(),
  };
}
