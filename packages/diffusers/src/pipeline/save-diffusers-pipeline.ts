import { checkOptions, invalidOption } from '@diffusion/core';
import type { Parameterisation, Sampler, Schedule } from '@diffusion/core';
import type { DiffusersSchedulerClass } from '@diffusion/schedules';
import { joinPath, writeFileAtomically } from '../node-files';
import { toDiffusersSchedulerConfig } from '../scheduler/to-diffusers-scheduler-config';
import type { ToDiffusersSchedulerConfigOptions } from '../scheduler/to-diffusers-scheduler-config';
import { diffusersVersionWritten, unet2DModelFileNames, unet2DModelFiles } from '../unet2d-folder';
import type { Unet2DModel } from '../unet2d-model';

/** What {@link saveDiffusersPipeline} writes. */
export interface SaveDiffusersPipelineOptions extends Omit<ToDiffusersSchedulerConfigOptions, 'schedule' | 'parameterisation'> {
  /** The network (a diffusers `UNet2DModel` backbone). */
  readonly backbone: Unet2DModel;
  /** Its training schedule. */
  readonly schedule: Schedule;
  /** What it predicts. */
  readonly parameterisation: Parameterisation;
  /** Picks the scheduler class and its solver keys (see `toDiffusersSchedulerConfig`). */
  readonly sampler?: Sampler;
  /** The scheduler class; default from `sampler`, else DDPMScheduler. */
  readonly className?: DiffusersSchedulerClass;
}

const textOf = (json: unknown) => new TextEncoder().encode(`${JSON.stringify(json, null, 2)}\n`);

/**
 * Writes a diffusers pipeline folder in Node: `config.json` and `diffusion_pytorch_model.safetensors`
 * (the UNet2DModel, so `UNet2DModel.from_pretrained(folder)` reads it), `scheduler/scheduler_config.json`
 * and `model_index.json` (a `DDPMPipeline`, whose loader finds the flat unet at the root, as for
 * google/ddpm-cifar10-32). Each file is written atomically; the index comes last.
 */
export async function saveDiffusersPipeline(folder: string, options: SaveDiffusersPipelineOptions): Promise<void> {
  const given = checkOptions('saveDiffusersPipeline.options', options, ['backbone', 'schedule', 'parameterisation', 'sampler', 'className', 'timestepSpacing', 'stepsOffset', 'clipSample', 'clipSampleRange', 'extra']);
  if (given.backbone === undefined) throw invalidOption('saveDiffusersPipeline.options.backbone', undefined, 'a diffusers-unet-2d backbone');
  const { backbone, ...schedulerOptions } = given as SaveDiffusersPipelineOptions;
  // Check everything before the first write.
  const scheduler = toDiffusersSchedulerConfig(schedulerOptions);
  const files = unet2DModelFiles(backbone);
  const index = {
    _class_name: 'DDPMPipeline',
    _diffusers_version: diffusersVersionWritten,
    scheduler: ['diffusers', scheduler._class_name],
    unet: ['diffusers', 'UNet2DModel'],
  };
  await writeFileAtomically(joinPath(folder, unet2DModelFileNames.weights), files.weights);
  await writeFileAtomically(joinPath(folder, unet2DModelFileNames.config), files.config);
  await writeFileAtomically(joinPath(joinPath(folder, 'scheduler'), 'scheduler_config.json'), textOf(scheduler));
  await writeFileAtomically(joinPath(folder, 'model_index.json'), textOf(index));
}
