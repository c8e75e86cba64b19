import type { Backbone, Schedule } from '@diffusion/core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { createUnet2DModel, planUnet2DModel, readUnet2DModelConfig, saveUnet2DModel, withContinuousTime, type ContinuousTimeUnet2DModel } from '@diffusion/diffusers';
import { isDiscreteSchedule } from '@diffusion/parameterisations';
import { DiffusionError } from '@diffusion/core';
import { join } from 'node:path';
import { ConfigError, type CompareConfig } from './config';

/**
 * The MNIST `UNet2DModel` of `"backbone": "diffusers-unet"` runs: 28×28 grey digits, three levels
 * (28, 14, 7) with attention at 7×7. `"diffusersUnet"` in the config overrides any of its keys,
 * in diffusers' `config.json` names (`num_class_embeds` for class labels).
 */
export const defaultDiffusersUnetConfig = {
  sample_size: 28,
  in_channels: 1,
  out_channels: 1,
  block_out_channels: [32, 64, 64],
  layers_per_block: 1,
  down_block_types: ['DownBlock2D', 'DownBlock2D', 'AttnDownBlock2D'],
  up_block_types: ['AttnUpBlock2D', 'UpBlock2D', 'UpBlock2D'],
  norm_num_groups: 8,
  attention_head_dim: 32,
} as const;

/** The run's diffusers config: the default with the config file's `diffusersUnet` keys on top, checked by diffusers' rules. */
export function diffusersUnetConfig(config: CompareConfig): Record<string, unknown> {
  const merged = { ...defaultDiffusersUnetConfig, ...(config.diffusersUnet ?? {}) };
  let resolved;
  try {
    resolved = readUnet2DModelConfig(merged, 'diffusersUnet');
    planUnet2DModel(resolved, 'diffusersUnet');
  } catch (error) {
    if (error instanceof DiffusionError) throw new ConfigError(error.message);
    throw error;
  }
  const { sample_size: [height, width], in_channels: inChannels, out_channels: outChannels } = resolved;
  if (height !== 28 || width !== 28 || inChannels !== 1 || outChannels !== 1) {
    throw new ConfigError(`diffusersUnet: sample_size ${JSON.stringify(resolved.sample_size)}, in_channels ${inChannels}, out_channels ${outChannels}; MNIST needs sample_size 28 and 1 channel in and out`);
  }
  return merged;
}

/** A fresh seeded `UNet2DModel` fed the schedule's diffusers timesteps (see `withContinuousTime`). */
export function createDiffusersUnetBackbone(config: CompareConfig, schedule: Schedule): ContinuousTimeUnet2DModel {
  const model = createUnet2DModel(diffusersUnetConfig(config), { seed: config.seed });
  return isDiscreteSchedule(schedule) ? withContinuousTime(model, { numTrainTimesteps: schedule.numTrainTimesteps }) : withContinuousTime(model, { discrete: false });
}

/**
 * Saves a trained run as a diffusers model folder, `<out>/diffusers-unet/<run>/`, with the EMA
 * weights when given: `UNet2DModel.from_pretrained` reads it.
 */
export async function saveTrainedDiffusersUnet(config: CompareConfig, backbone: Backbone, label: string, weights?: ReadonlyMap<string, Tensor>): Promise<string> {
  const folder = join(config.out, 'diffusers-unet', label.replace(/[^A-Za-z0-9._-]+/g, '-'));
  await saveUnet2DModel(folder, (backbone as ContinuousTimeUnet2DModel).model, weights === undefined ? {} : { weights });
  return folder;
}
