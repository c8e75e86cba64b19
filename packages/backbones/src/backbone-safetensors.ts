import { createRegistry, DiffusionError, type Backbone, type BackboneFactory } from '@diffusion/core';
import { tensor, tidy } from '@tensorflow/tfjs-core';
import { builtinBackboneFactories } from './backbone-factories';
import { decodeSafetensors, encodeSafetensors, float32Values, floatingDtypes, type SafetensorsFile } from '@diffusion/safetensors';

/** Saves a backbone's weights as safetensors, with its name and config in `__metadata__`. */
export function saveSafetensors(backbone: Backbone): Uint8Array {
  const entries = [...backbone.variables()].map(([name, weight]) => ({ name, shape: weight.shape, values: weight.dataSync() as Float32Array }));
  return encodeSafetensors(entries, {
    backbone: backbone.name,
    specificationVersion: backbone.specificationVersion,
    config: JSON.stringify(backbone.config),
  });
}

function mismatch(message: string, value: unknown): DiffusionError {
  return new DiffusionError('checkpoint', message, { field: 'bytes', value, allowed: 'a checkpoint with exactly the weights of this backbone' });
}

/** Checks every name, shape and dtype first, then assigns; a mismatch leaves the weights untouched. */
function assignWeights(backbone: Backbone, file: SafetensorsFile): void {
  const stored = file.metadata.backbone;
  if (stored !== undefined && stored !== backbone.name) throw mismatch(`loadSafetensors: the checkpoint holds a "${stored}" backbone, not "${backbone.name}".`, stored);
  const weights = backbone.variables();
  const missing = [...weights.keys()].filter((name) => !file.tensors.has(name));
  const unexpected = [...file.tensors.keys()].filter((name) => !weights.has(name));
  const wrongShape: string[] = [];
  const wrongDtype: string[] = [];
  for (const [name, weight] of weights) {
    const entry = file.tensors.get(name);
    if (entry === undefined) continue;
    if (!floatingDtypes.includes(entry.dtype)) wrongDtype.push(`${name} (${entry.dtype}, expected a float dtype: F32, F16, BF16, F64)`);
    if (entry.shape.length !== weight.shape.length || entry.shape.some((size, axis) => size !== weight.shape[axis])) {
      wrongShape.push(`${name} ([${entry.shape.join(', ')}], expected [${weight.shape.join(', ')}])`);
    }
  }
  const problems = [
    missing.length > 0 ? `missing: ${missing.join(', ')}` : '',
    unexpected.length > 0 ? `unexpected: ${unexpected.join(', ')}` : '',
    wrongShape.length > 0 ? `wrong shape: ${wrongShape.join(', ')}` : '',
    wrongDtype.length > 0 ? `wrong dtype: ${wrongDtype.join(', ')}` : '',
  ].filter((problem) => problem !== '');
  if (problems.length > 0) {
    throw mismatch(`loadSafetensors: the checkpoint does not fit this "${backbone.name}" backbone; ${problems.join('; ')}.`, { missing, unexpected, wrongShape, wrongDtype });
  }
  for (const [name, weight] of weights) {
    const entry = file.tensors.get(name)!;
    tidy(() => weight.assign(tensor(float32Values(entry), weight.shape, 'float32')));
  }
}

/** Loads safetensors weights into a backbone, checking names, shapes and dtypes; F16, BF16 and F64 weights load as float32. */
export function loadSafetensors(backbone: Backbone, bytes: Uint8Array): void {
  assignWeights(backbone, decodeSafetensors(bytes));
}

/** Rebuilds a backbone from the name and config stored in a safetensors file, then loads its weights. */
export function createBackboneFromSafetensors(bytes: Uint8Array, factories: readonly BackboneFactory[] = builtinBackboneFactories()): Backbone {
  const file = decodeSafetensors(bytes);
  const { backbone: name, config } = file.metadata;
  if (name === undefined || config === undefined) {
    throw new DiffusionError('checkpoint', 'createBackboneFromSafetensors: __metadata__ lacks "backbone" or "config"; save with saveSafetensors.', { field: 'bytes', value: file.metadata, allowed: '__metadata__ with backbone and config' });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(config);
  } catch (cause) {
    throw new DiffusionError('checkpoint', 'createBackboneFromSafetensors: __metadata__.config is not JSON.', { field: 'bytes', value: config, cause });
  }
  const factory = createRegistry({ backbones: factories }).backbones.get(name);
  const backbone = factory.create(parsed as Record<string, unknown>);
  try {
    assignWeights(backbone, file);
  } catch (error) {
    backbone.dispose();
    throw error;
  }
  return backbone;
}
