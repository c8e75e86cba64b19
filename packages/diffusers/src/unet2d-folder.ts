import { DiffusionError } from '@diffusion/core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { decodeSafetensors, encodeSafetensors } from '@diffusion/safetensors';
import { configError } from './config-errors';
import { joinPath, pathExists, readFileBytes, writeFileAtomically } from './node-files';
import { readUnet2DModelConfig, type Unet2DModelConfig } from './unet2d-config';
import { createUnet2DModel, type Unet2DModel } from './unet2d-model';
import { planUnet2DModel } from './unet2d-plan';
import { loadUnet2DModelWeights, unet2DModelWeightEntries } from './unet2d-weights';

/** The file names of a diffusers model folder. */
export const unet2DModelFileNames = { config: 'config.json', weights: 'diffusion_pytorch_model.safetensors' } as const;

/** The diffusers release whose `config.json` layout {@link unet2DModelConfigJson} writes. */
export const diffusersVersionWritten = '0.31.0';

/**
 * Builds a `UNet2DModel` from a model folder's two files already in memory (for browsers, or
 * files fetched from elsewhere): `config` is the parsed `config.json`, `weights` the bytes of
 * `diffusion_pytorch_model.safetensors`; `names` label them in errors.
 */
export function createUnet2DModelFromFiles(config: unknown, weights: Uint8Array, names: { readonly config?: string; readonly weights?: string } = {}): Unet2DModel {
  const configName = names.config ?? unet2DModelFileNames.config;
  const resolved = readUnet2DModelConfig(config, configName);
  planUnet2DModel(resolved, configName);
  const file = decodeSafetensors(weights, names.weights ?? unet2DModelFileNames.weights);
  const model = createUnet2DModel(resolved);
  try {
    loadUnet2DModelWeights(model, file);
  } catch (error) {
    model.dispose();
    throw error;
  }
  return model;
}

/**
 * Loads a diffusers `UNet2DModel` folder (`config.json` + `diffusion_pytorch_model.safetensors`,
 * as `UNet2DModel.save_pretrained` writes it) in Node. A missing file, a key or value the model
 * cannot honour, and damaged or mismatched weights each throw a `DiffusionError` naming the file and the field.
 */
export async function loadUnet2DModel(folder: string): Promise<Unet2DModel> {
  const configPath = joinPath(folder, unet2DModelFileNames.config);
  const weightsPath = joinPath(folder, unet2DModelFileNames.weights);
  const configText = new TextDecoder().decode(await readFileBytes(configPath, 'model config (config.json)'));
  let config: unknown;
  try {
    config = JSON.parse(configText);
  } catch (cause) {
    throw new DiffusionError('invalid-option', `${configPath}: is not valid JSON (${(cause as Error).message}).`, { field: `${configPath}: (root)`, allowed: 'a JSON object', cause });
  }
  // Check the config before reading a possibly large weights file.
  planUnet2DModel(readUnet2DModelConfig(config, configPath), configPath);
  if (!(await pathExists(weightsPath))) {
    const pickle = joinPath(folder, 'diffusion_pytorch_model.bin');
    const hint = (await pathExists(pickle)) ? `; the folder holds ${pickle}, a PyTorch pickle, which is not read here (convert it with safetensors' convert script or save_pretrained(safe_serialization=True))` : '';
    throw new DiffusionError('io', `${weightsPath}: the model weights (diffusion_pytorch_model.safetensors) do not exist${hint}.`, { field: weightsPath, allowed: 'a diffusion_pytorch_model.safetensors file' });
  }
  return createUnet2DModelFromFiles(config, await readFileBytes(weightsPath, 'model weights (diffusion_pytorch_model.safetensors)'), { config: configPath, weights: weightsPath });
}

/**
 * The `config.json` diffusers v0.31.0's `save_config` would write for this config: every key of
 * `UNet2DModel.__init__` with `_class_name` and `_diffusers_version`, sorted; the two keys of later
 * releases (`mid_block_type`, `time_embedding_dim`) only when they differ from the default.
 */
export function unet2DModelConfigJson(config: Unet2DModelConfig): Record<string, unknown> {
  const { sample_size: [height, width], mid_block_type: midBlockType, time_embedding_dim: timeEmbeddingDim, ...rest } = config;
  const json: Record<string, unknown> = { ...rest, _diffusers_version: diffusersVersionWritten, sample_size: height === width ? height : [height, width] };
  if (midBlockType !== 'UNetMidBlock2D') json.mid_block_type = midBlockType;
  if (timeEmbeddingDim !== null) json.time_embedding_dim = timeEmbeddingDim;
  return Object.fromEntries(Object.keys(json).sort().map((key) => [key, json[key]]));
}

/** Options of {@link saveUnet2DModel} and {@link unet2DModelFiles}. */
export interface SaveUnet2DModelOptions {
  /** Weights to write instead of the model's own, by name (a trainer's `emaWeights()`). */
  readonly weights?: ReadonlyMap<string, Tensor>;
}

/** A folder's two files as bytes: `config.json` and `diffusion_pytorch_model.safetensors` (metadata `{"format": "pt"}`). */
export function unet2DModelFiles(model: Unet2DModel, options: SaveUnet2DModelOptions = {}): { readonly config: Uint8Array; readonly weights: Uint8Array } {
  if (model?.name !== 'diffusers-unet-2d') {
    throw configError('saveUnet2DModel', 'backbone', (model as { name?: unknown } | undefined)?.name, 'a diffusers-unet-2d backbone (from createUnet2DModel or loadUnet2DModel)', 'invalid-argument');
  }
  const config = new TextEncoder().encode(`${JSON.stringify(unet2DModelConfigJson(model.config), null, 2)}\n`);
  return { config, weights: encodeSafetensors(unet2DModelWeightEntries(model, options.weights), { format: 'pt' }) };
}

/**
 * Saves a model as a diffusers model folder that `UNet2DModel.from_pretrained(folder)` loads with
 * no missing or unexpected key: `diffusion_pytorch_model.safetensors` (diffusers' names, PyTorch
 * layouts, float32, metadata `{"format": "pt"}`) then `config.json`, each written atomically.
 */
export async function saveUnet2DModel(folder: string, model: Unet2DModel, options: SaveUnet2DModelOptions = {}): Promise<void> {
  const files = unet2DModelFiles(model, options);
  await writeFileAtomically(joinPath(folder, unet2DModelFileNames.weights), files.weights);
  await writeFileAtomically(joinPath(folder, unet2DModelFileNames.config), files.config);
}
