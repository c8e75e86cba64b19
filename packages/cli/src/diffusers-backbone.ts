import type { BackboneFactory, Schedule } from '@diffusion/core';
import { createUnet2DModel, withContinuousTime, type ContinuousTimeUnet2DModel } from '@diffusion/diffusers';
import { fill, type Tensor } from '@tensorflow/tfjs-core';
import { isDiscreteSchedule } from '@diffusion/parameterisations';
import { CliError } from './cli-error';

/**
 * The name of diffusers' `UNet2DModel` behind `withContinuousTime` (what `backbone.name` and the
 * safetensors metadata of a `diffusers-unet` run say).
 */
export const diffusersUnetBackboneName = 'diffusers-unet-2d-continuous-time';

/**
 * Backbone factory of `--backbone diffusers-unet`: diffusers' `UNet2DModel` (`createUnet2DModel` of
 * `@diffusion/diffusers`, diffusers' own weight names) fed the schedule's diffusers timestep for the
 * trainer's `t` (`withContinuousTime`). Config: `{ model: <config.json keys>, numTrainTimesteps,
 * discrete, seed? }`, as the wrapper's `config` records it (plus the seed).
 */
export const diffusersUnetFactory: BackboneFactory = {
  name: diffusersUnetBackboneName,
  specificationVersion: 'v1',
  create(config) {
    const { model, numTrainTimesteps, discrete, seed } = config as { model?: Record<string, unknown>; numTrainTimesteps?: number; discrete?: boolean; seed?: number };
    const unet = createUnet2DModel(model ?? {}, { seed: seed ?? 0 });
    try {
      const wrapped = withContinuousTime(unet, { ...(numTrainTimesteps === undefined ? {} : { numTrainTimesteps }), ...(discrete === undefined ? {} : { discrete }) });
      const nullClass = wrapped.numClasses;
      if (nullClass === undefined) return wrapped;
      // The core contract: no condition is the null class K (diffusers' UNet2DModel wants class_labels always).
      return {
        ...wrapped,
        apply(x: Tensor, noiseLevel: Tensor, condition?: Tensor) {
          if (condition !== undefined) return wrapped.apply(x, noiseLevel, condition);
          const labels = fill([x.shape[0]!], nullClass, 'int32');
          try {
            return wrapped.apply(x, noiseLevel, labels);
          } finally {
            labels.dispose();
          }
        },
      } satisfies ContinuousTimeUnet2DModel;
    } catch (error) {
      unet.dispose();
      throw error;
    }
  },
};

/** Keys of `config.json` the data fixes. */
const fixedKeys = ['sample_size', 'in_channels', 'out_channels', 'num_class_embeds'] as const;

/**
 * Default `config.json` of a `diffusers-unet` run on `size` x `size` images: as many blocks (up to
 * three) as the size allows (2^(blocks - 1) must divide it), widths [32, 64, 64], attention in the
 * lowest-resolution block, one resnet per block, 8 groups (the MNIST U-Net of `pnpm compare`'s
 * `"backbone": "diffusers-unet"`).
 */
export function defaultDiffusersUnetConfig(size: number): Record<string, unknown> {
  const blocks = size % 4 === 0 ? 3 : size % 2 === 0 ? 2 : 1;
  const down = ['DownBlock2D', 'DownBlock2D', 'AttnDownBlock2D'].slice(3 - blocks);
  return {
    block_out_channels: [32, 64, 64].slice(0, blocks),
    layers_per_block: 1,
    down_block_types: down,
    up_block_types: down.map((type) => type.replace('Down', 'Up')).reverse(),
    norm_num_groups: 8,
    attention_head_dim: 32,
  };
}

/**
 * The factory config of a `diffusers-unet` run: the default `config.json`, the user's keys (diffusers'
 * names) and what the data fixes (sample size, channels, `num_class_embeds` = K + 1 with the null
 * class for classifier-free guidance); the time mapping from the schedule.
 */
export function diffusersUnetConfig(options: Readonly<Record<string, unknown>>, image: { size: number; channels: number; numClasses?: number }, schedule: Schedule, seed: number): Record<string, unknown> {
  for (const key of fixedKeys) if (key in options) throw new CliError(`backboneOptions.${key}: set by the data (${key === 'num_class_embeds' ? 'the classes, plus the null class' : 'the images'}); leave it out`);
  const model = {
    ...defaultDiffusersUnetConfig(image.size),
    ...options,
    sample_size: image.size,
    in_channels: image.channels,
    out_channels: image.channels,
    ...(image.numClasses === undefined ? {} : { num_class_embeds: image.numClasses + 1 }),
  };
  const time = isDiscreteSchedule(schedule) ? { numTrainTimesteps: schedule.numTrainTimesteps, discrete: true } : { numTrainTimesteps: 1000, discrete: false };
  return { model, ...time, seed };
}
