import { existsSync, readFileSync } from 'node:fs';
import type { Backbone, ConditionalDenoiser, Registry } from '@diffusion/core';
import { builtinBackboneFactories, createBackboneFromSafetensors } from '@diffusion/backbones';
import { createTrainedDenoiser } from '@diffusion/training';
import { CliError } from './cli-error';
import { modelParts, type ModelParts } from './components';
import { diffusersUnetFactory } from './diffusers-backbone';
import { createRunModel } from './run-trainer';
import { listCheckpoints, readRun, type RunFolder } from './run-folder';
import type { RunRecord } from './run-record';

/** A trained model ready to sample: its denoiser and what the run says about it. */
export interface LoadedModel extends ModelParts {
  readonly folder: RunFolder;
  readonly record: RunRecord;
  readonly backbone: Backbone;
  /** The EMA (or live) network as a sigma-space denoiser; class-conditional models take int32 labels (none: the null class). */
  readonly denoiser: ConditionalDenoiser;
  /** What was loaded, for the log: `model.safetensors` or a checkpoint. */
  readonly source: string;
  dispose(): void;
}

/**
 * Loads a run's final model (`model.safetensors`, EMA weights), or a checkpoint's EMA (or live)
 * weights: the given step, or the newest while the run has not finished.
 */
export async function loadRunModel(registry: Registry, root: string, options: { checkpoint?: number; ema: boolean }): Promise<LoadedModel> {
  const { folder, record } = readRun(root, '--model', true);
  const parts = modelParts(registry, record.settings);
  if (options.checkpoint === undefined && existsSync(folder.model)) {
    if (!options.ema) throw new CliError(`--no-ema: ${folder.model} holds the EMA weights only; give --checkpoint <step> for live weights`);
    const backbone = createBackboneFromSafetensors(new Uint8Array(readFileSync(folder.model)), [...builtinBackboneFactories(), diffusersUnetFactory]);
    return { ...parts, folder, record, backbone, denoiser: createTrainedDenoiser(backbone, parts.schedule, parts.parameterisation), source: folder.model, dispose: () => backbone.dispose() };
  }
  const entries = listCheckpoints(folder);
  const entry = options.checkpoint === undefined ? entries[0] : entries.find((candidate) => candidate.step === options.checkpoint);
  if (entry === undefined) {
    throw new CliError(options.checkpoint === undefined ? `--model: ${root} has neither a model.safetensors nor a checkpoint yet` : `--checkpoint: ${root} has no checkpoint at step ${options.checkpoint}; it has ${entries.map((candidate) => candidate.step).join(', ') || 'none'}`);
  }
  const model = createRunModel(registry, record);
  try {
    await model.trainer.loadCheckpoint(entry.path);
  } catch (error) {
    model.dispose();
    throw error;
  }
  return { ...parts, folder, record, backbone: model.backbone, denoiser: model.trainer.denoiser({ ema: options.ema }), source: `${entry.path}${options.ema ? ' (EMA)' : ' (live weights)'}`, dispose: () => model.dispose() };
}
