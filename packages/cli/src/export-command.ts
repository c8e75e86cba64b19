import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import type { Backbone } from '@diffusion/core';
import { builtinBackboneFactories, createBackboneFromSafetensors } from '@diffusion/backbones';
import { saveDiffusersPipeline, type ContinuousTimeUnet2DModel } from '@diffusion/diffusers';
import { startBackend } from './backend';
import { CliError, exitCodes } from './cli-error';
import { buildRegistry, modelParts } from './components';
import { diffusersUnetFactory } from './diffusers-backbone';
import { emaModelBytes } from './final-model';
import { createRunModel } from './run-trainer';
import { listCheckpoints, readRun } from './run-folder';
import { samplerFromSpec } from './samplers';
import type { CommandIo } from './train-command';

/** Flags of `diffusion export`. */
export interface ExportFlags {
  readonly model: string;
  readonly diffusers: string;
  readonly checkpoint?: number;
  readonly sampler?: string;
}

/**
 * The EMA weights of a run in a backbone: `model.safetensors` when the run has finished (and no
 * `--checkpoint` is asked for), else the EMA of the given (or newest) checkpoint.
 */
async function emaBackbone(root: string, checkpoint: number | undefined): Promise<{ backbone: Backbone; source: string }> {
  const registry = buildRegistry();
  const { folder, record } = readRun(root, '--model', true);
  const factories = [...builtinBackboneFactories(), diffusersUnetFactory];
  if (checkpoint === undefined && existsSync(folder.model)) return { backbone: createBackboneFromSafetensors(new Uint8Array(readFileSync(folder.model)), factories), source: folder.model };
  const entries = listCheckpoints(folder);
  const entry = checkpoint === undefined ? entries[0] : entries.find((candidate) => candidate.step === checkpoint);
  if (entry === undefined) {
    throw new CliError(checkpoint === undefined ? `--model: ${root} has neither a model.safetensors nor a checkpoint yet` : `--checkpoint: ${root} has no checkpoint at step ${checkpoint}; it has ${entries.map((candidate) => candidate.step).join(', ') || 'none'}`);
  }
  const model = createRunModel(registry, record);
  try {
    await model.trainer.loadCheckpoint(entry.path);
    return { backbone: createBackboneFromSafetensors(emaModelBytes(registry, record, model.trainer), factories), source: `${entry.path} (EMA)` };
  } finally {
    model.dispose();
  }
}

/**
 * `diffusion export --model <run dir> --diffusers <folder>`: writes the run's EMA weights as a
 * diffusers pipeline folder (`saveDiffusersPipeline` of `@diffusion/diffusers`: `config.json`,
 * `diffusion_pytorch_model.safetensors`, `scheduler/scheduler_config.json`, `model_index.json`),
 * which `DDPMPipeline.from_pretrained` and `UNet2DModel.from_pretrained` read. Only a run trained
 * with `--backbone diffusers-unet` has diffusers' layout.
 */
export async function exportCommand(flags: ExportFlags, io: CommandIo): Promise<number> {
  const { folder, record } = readRun(flags.model, '--model', true);
  const { backbone: name } = record.settings;
  if (name !== 'diffusers-unet') {
    throw new CliError(`--model: ${flags.model} was trained with backbone "${name}"; --diffusers writes diffusers' UNet2DModel, which only a run trained with --backbone diffusers-unet has`);
  }
  const out = resolve(flags.diffusers);
  if (existsSync(out) && !statSync(out).isDirectory()) throw new CliError(`--diffusers: ${flags.diffusers} is a file, not a folder`);
  const inside = relative(folder.root, out);
  if (!inside.startsWith('..') && !isAbsolute(inside)) throw new CliError(`--diffusers: ${flags.diffusers} is inside the run folder ${folder.root}; choose a folder outside it`);
  const sampler = flags.sampler === undefined ? undefined : samplerFromSpec(flags.sampler);
  const parts = modelParts(buildRegistry(), record.settings);
  await startBackend(record.settings.backend, record.settings.threads, io.log);
  const { backbone, source } = await emaBackbone(flags.model, flags.checkpoint);
  try {
    await saveDiffusersPipeline(out, { backbone: (backbone as ContinuousTimeUnet2DModel).model, schedule: parts.schedule, parameterisation: parts.parameterisation, ...(sampler === undefined ? {} : { sampler }) });
  } finally {
    backbone.dispose();
  }
  io.print(`exported ${source} to ${out} (a DDPMPipeline folder: model_index.json, config.json, diffusion_pytorch_model.safetensors, scheduler/)`);
  return exitCodes.ok;
}
