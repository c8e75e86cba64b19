import { DiffusionError, type Backbone } from '@diffusion/core';
import { float32Values, floatingDtypes, type SafetensorsEntry, type SafetensorsFile } from '@diffusion/safetensors';
import { tensor, tidy, type Tensor, type Variable } from '@tensorflow/tfjs-core';

/** Weights kept in the same layout by tfjs and PyTorch although of rank 2 (`nn.Embedding` tables). */
const embeddingTables = new Set(['class_embedding.weight']);

/** The PyTorch layout of a weight: convolutions `[kh, kw, in, out]` → OIHW, linears `[in, out]` → `[out, in]`. */
function torchPermutation(name: string, rank: number): number[] | undefined {
  if (rank === 4) return [3, 2, 0, 1];
  if (rank === 2 && !embeddingTables.has(name)) return [1, 0];
  return undefined;
}

/** The tfjs layout from PyTorch's: the inverse permutation. */
function tfjsPermutation(name: string, rank: number): number[] | undefined {
  if (rank === 4) return [2, 3, 1, 0];
  if (rank === 2 && !embeddingTables.has(name)) return [1, 0];
  return undefined;
}

/**
 * Row-major values of shape `shape` permuted: output axis `k` is input axis `permutation[k]`
 * (numpy's `transpose`). Plain loops: no backend work, exact.
 */
export function permuteValues(values: ArrayLike<number>, shape: readonly number[], permutation: readonly number[]): Float32Array {
  const rank = shape.length;
  const strides = shape.map((_, axis) => shape.slice(axis + 1).reduce((product, size) => product * size, 1));
  const outputShape = permutation.map((axis) => shape[axis]!);
  const outputStrides = permutation.map((axis) => strides[axis]!);
  const output = new Float32Array(values.length);
  const index = new Array<number>(rank).fill(0);
  let source = 0;
  for (let position = 0; position < output.length; position += 1) {
    output[position] = values[source]!;
    // Odometer over the output's axes, tracking the source offset.
    for (let axis = rank - 1; axis >= 0; axis -= 1) {
      index[axis]! += 1;
      source += outputStrides[axis]!;
      if (index[axis]! < outputShape[axis]!) break;
      source -= outputStrides[axis]! * outputShape[axis]!;
      index[axis] = 0;
    }
  }
  return output;
}

function torchShape(name: string, shape: readonly number[]): number[] {
  const permutation = torchPermutation(name, shape.length);
  return permutation === undefined ? [...shape] : permutation.map((axis) => shape[axis]!);
}

/** diffusers' pre-0.14 attention names (`AttentionBlock`), renamed on load as `_convert_deprecated_attention_blocks` does. */
const legacyAttentionNames: Readonly<Record<string, string>> = { query: 'to_q', key: 'to_k', value: 'to_v', proj_attn: 'to_out.0' };

/** The current name of a stored weight: legacy `….attentions.N.query.weight` → `….attentions.N.to_q.weight` where the model has that attention. */
function currentName(name: string, weights: ReadonlyMap<string, Variable>): string {
  const match = /^(.*)\.(query|key|value|proj_attn)\.(weight|bias)$/.exec(name);
  if (match === null) return name;
  const renamed = `${match[1]}.${legacyAttentionNames[match[2]!]}.${match[3]}`;
  return weights.has(renamed) ? renamed : name;
}

function checkpointError(file: string, message: string, value: unknown): DiffusionError {
  return new DiffusionError('checkpoint', `${file}: ${message}`, { field: file, value, allowed: 'exactly the weights of this UNet2DModel config, under diffusers\' names and PyTorch layouts' });
}

/**
 * Loads the weights of a diffusers `diffusion_pytorch_model.safetensors` into a model built from
 * the same config: diffusers' names (legacy `query` / `key` / `value` / `proj_attn` too), PyTorch
 * layouts transposed to tfjs', F16 / BF16 / F64 read as float32. Every name, shape and dtype is
 * checked first; one `DiffusionError` lists the missing, unexpected, duplicated, wrong-shape and
 * wrong-dtype tensors, and then no weight has changed.
 */
export function loadUnet2DModelWeights(model: Backbone, file: SafetensorsFile): void {
  const weights = model.variables();
  const stored = new Map<string, string>();
  const duplicated: string[] = [];
  for (const name of file.tensors.keys()) {
    const current = currentName(name, weights);
    if (stored.has(current)) duplicated.push(`${stored.get(current)} and ${name}`);
    stored.set(current, name);
  }
  const missing = [...weights.keys()].filter((name) => !stored.has(name));
  const unexpected = [...stored].filter(([current]) => !weights.has(current)).map(([, name]) => name);
  const wrongShape: string[] = [];
  const wrongDtype: string[] = [];
  for (const [name, weight] of weights) {
    const storedName = stored.get(name);
    if (storedName === undefined) continue;
    const entry = file.tensors.get(storedName)!;
    const expected = torchShape(name, weight.shape);
    if (entry.shape.length !== expected.length || entry.shape.some((size, axis) => size !== expected[axis])) wrongShape.push(`${storedName} ([${entry.shape.join(', ')}], expected [${expected.join(', ')}])`);
    if (!floatingDtypes.includes(entry.dtype)) wrongDtype.push(`${storedName} (${entry.dtype}, expected F32, F16, BF16 or F64)`);
  }
  const problems = [
    missing.length > 0 ? `missing: ${missing.join(', ')}` : '',
    unexpected.length > 0 ? `unexpected: ${unexpected.join(', ')}` : '',
    duplicated.length > 0 ? `stored twice (legacy and current name): ${duplicated.join('; ')}` : '',
    wrongShape.length > 0 ? `wrong shape: ${wrongShape.join(', ')}` : '',
    wrongDtype.length > 0 ? `wrong dtype: ${wrongDtype.join(', ')}` : '',
  ].filter((problem) => problem !== '');
  if (problems.length > 0) {
    throw checkpointError(file.file, `the weights do not fit the UNet2DModel of its config; ${problems.join('; ')}.`, { missing, unexpected, duplicated, wrongShape, wrongDtype });
  }
  const values = new Map([...weights.keys()].map((name) => [name, float32Values(file.tensors.get(stored.get(name)!)!, file.file, stored.get(name))]));
  for (const [name, weight] of weights) {
    const permutation = tfjsPermutation(name, weight.rank);
    const torchValues = values.get(name)!;
    const ours = permutation === undefined ? torchValues : permuteValues(torchValues, torchShape(name, weight.shape), permutation);
    tidy(() => weight.assign(tensor(ours, weight.shape, 'float32')));
  }
}

/**
 * The model's weights under diffusers' names in PyTorch layouts (OIHW convolutions, `[out, in]`
 * linears), float32; `replacement` weights of the same names (a trainer's EMA) are taken instead.
 */
export function unet2DModelWeightEntries(model: Backbone, replacement?: ReadonlyMap<string, Tensor>): SafetensorsEntry[] {
  return [...model.variables()].map(([name, variable]) => {
    const weight = replacement?.get(name) ?? variable;
    if (weight.shape.length !== variable.shape.length || weight.shape.some((size, axis) => size !== variable.shape[axis])) {
      throw new DiffusionError('shape-mismatch', `unet2DModelWeightEntries: replacement weight ${name} has shape [${weight.shape.join(', ')}], expected [${variable.shape.join(', ')}].`, { field: `weights.${name}`, value: weight.shape });
    }
    const permutation = torchPermutation(name, weight.rank);
    const values = weight.dataSync() as Float32Array;
    return { name, shape: torchShape(name, weight.shape), values: permutation === undefined ? Float32Array.from(values) : permuteValues(values, weight.shape, permutation) };
  });
}
