import { DiffusionError, checkOptions } from '@diffusion/core';
import type { DiffusersSchedulerClass, FromDiffusersConfigOptions } from '@diffusion/schedules';
import { diffusersSchedulerClasses } from '@diffusion/schedules';
import { joinPath, pathExists, readFileBytes } from '../node-files';
import { parseDiffusersJson } from '../scheduler/parse-diffusers-json';
import { readDiffusersSchedulerConfig } from '../scheduler/read-diffusers-scheduler-config';
import { loadUnet2DModel } from '../unet2d-folder';
import { createDiffusersPipeline } from './diffusers-pipeline';
import type { DiffusersPipeline } from './diffusers-pipeline';

/** Options of {@link loadDiffusersPipeline}: what `fromDiffusersConfig` needs beyond the files. */
export type LoadDiffusersPipelineOptions = Pick<FromDiffusersConfigOptions, 'mu' | 'imageSequenceLength' | 'ignoreUnknownKeys'>;

// Pipelines whose __init__ converts the scheduler (DDIMPipeline: DDIMScheduler.from_config(scheduler.config)).
const pipelineSchedulers: Readonly<Record<string, DiffusersSchedulerClass>> = { DDIMPipeline: 'DDIMScheduler' };

async function readJson(path: string, role: string): Promise<unknown> {
  return parseDiffusersJson(new TextDecoder().decode(await readFileBytes(path, role)), path);
}

/** A component's folder as diffusers' `load_sub_model` finds it: `folder/name` if it is a directory, else `folder` itself. */
async function componentFolder(folder: string, name: string): Promise<string> {
  const sub = joinPath(folder, name);
  return (await pathExists(joinPath(sub, '.'))) ? sub : folder;
}

/** The `[library, class]` of a model_index.json entry. */
function component(index: Record<string, unknown>, file: string, name: string): string | undefined {
  const entry = index[name];
  if (entry === undefined) return undefined;
  if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[1] !== 'string') {
    throw new DiffusionError('invalid-option', `${file}: ${name}: got ${JSON.stringify(entry)}; expected ["diffusers", "<ClassName>"].`, { field: `${file}: ${name}`, value: entry, allowed: '["diffusers", "<ClassName>"]' });
  }
  return entry[1];
}

/**
 * Loads a diffusers folder in Node: a pipeline folder (`model_index.json`, `unet/`, `scheduler/`,
 * or the flat layout of google/ddpm-cifar10-32 with the files at its root), or a model folder
 * (`config.json`, `diffusion_pytorch_model.safetensors`) with a `scheduler/` subfolder or a
 * `scheduler_config.json`. The scheduler is read as model_index.json's class (DDIMPipeline: as
 * DDIMScheduler, as its __init__ converts it). Errors name the file and the field.
 */
export async function loadDiffusersPipeline(folder: string, options?: LoadDiffusersPipelineOptions): Promise<DiffusersPipeline> {
  const given = checkOptions('loadDiffusersPipeline.options', options, ['mu', 'imageSequenceLength', 'ignoreUnknownKeys']);
  const indexPath = joinPath(folder, 'model_index.json');
  let unetFolder = folder;
  let schedulerFolder = await componentFolder(folder, 'scheduler');
  let className: DiffusersSchedulerClass | undefined;
  if (await pathExists(indexPath)) {
    const index = await readJson(indexPath, 'pipeline index (model_index.json)');
    if (typeof index !== 'object' || index === null || Array.isArray(index)) throw new DiffusionError('io', `${indexPath}: expected a JSON object.`, { field: indexPath, allowed: 'a JSON object' });
    const entries = index as Record<string, unknown>;
    const unetClass = component(entries, indexPath, 'unet');
    if (unetClass !== 'UNet2DModel') {
      throw new DiffusionError('invalid-option', `${indexPath}: unet: got ${JSON.stringify(unetClass ?? null)}; expected "UNet2DModel" (the only network read here).`, { field: `${indexPath}: unet`, value: unetClass, allowed: '"UNet2DModel"' });
    }
    const schedulerClass = component(entries, indexPath, 'scheduler');
    if (schedulerClass === undefined) throw new DiffusionError('invalid-option', `${indexPath}: scheduler: missing; expected ["diffusers", "<SchedulerClass>"].`, { field: `${indexPath}: scheduler`, allowed: '["diffusers", "<SchedulerClass>"]' });
    const pipelineClass = typeof entries._class_name === 'string' ? entries._class_name : undefined;
    const chosen = (pipelineClass !== undefined ? pipelineSchedulers[pipelineClass] : undefined) ?? schedulerClass;
    if (!(diffusersSchedulerClasses as readonly string[]).includes(chosen)) {
      throw new DiffusionError('invalid-option', `${indexPath}: scheduler: got "${chosen}"; expected one of ${diffusersSchedulerClasses.join(', ')}.`, { field: `${indexPath}: scheduler`, value: chosen, allowed: diffusersSchedulerClasses.join(', ') });
    }
    className = chosen as DiffusersSchedulerClass;
    unetFolder = await componentFolder(folder, 'unet');
    schedulerFolder = await componentFolder(folder, 'scheduler');
  }
  const schedulerPath = joinPath(schedulerFolder, 'scheduler_config.json');
  if (!(await pathExists(schedulerPath))) {
    throw new DiffusionError('io', `${schedulerPath}: the scheduler config (scheduler/scheduler_config.json) does not exist; a pipeline needs one to know its timesteps.`, { field: schedulerPath, allowed: 'a scheduler/scheduler_config.json' });
  }
  const schedulerJson = await readJson(schedulerPath, 'scheduler config (scheduler_config.json)');
  const scheduler = readDiffusersSchedulerConfig(schedulerJson as Record<string, unknown>, schedulerPath, { ...given, ...(className === undefined ? {} : { className }) });
  const backbone = await loadUnet2DModel(unetFolder);
  return createDiffusersPipeline(backbone, scheduler);
}
