import { DiffusionError, type RandomState } from '@diffusion/core';
import { decodeCheckpointFile, encodeCheckpointFile, type CheckpointTensor } from './checkpoint-format';

const formatName = 'diffusion-training-checkpoint';
const formatVersion = '1';

/** Everything a trainer needs to continue exactly where it stopped. */
export interface TrainerSnapshot {
  /** Completed optimisation steps. */
  readonly step: number;
  /** Positions of the random streams. */
  readonly random: { readonly data: RandomState; readonly time: RandomState; readonly noise: RandomState };
  /** JSON state of a stateful time density (see `TimeDensity.update`), or null. */
  readonly timeDensity: unknown;
  /** The run's description: hyper-parameters and plugin names/options (JSON). */
  readonly config: unknown;
  /** Tensors: `weights/…`, `ema/…`, `adam/m/…`, `adam/v/…`. */
  readonly tensors: ReadonlyMap<string, CheckpointTensor>;
}

/** Encodes a snapshot as one safetensors file with the JSON state in its metadata. */
export function encodeTrainerSnapshot(snapshot: TrainerSnapshot): Uint8Array {
  const { tensors, ...state } = snapshot;
  return encodeCheckpointFile({ tensors, metadata: { format: formatName, formatVersion, trainer: JSON.stringify(state) } });
}

/** Decodes a snapshot; damaged or foreign files throw DiffusionError 'checkpoint'. */
export function decodeTrainerSnapshot(bytes: Uint8Array): TrainerSnapshot {
  if (!(bytes instanceof Uint8Array)) {
    throw new DiffusionError('invalid-argument', 'restoreCheckpoint.bytes: expected a Uint8Array.', { field: 'restoreCheckpoint.bytes', value: typeof bytes, allowed: 'a Uint8Array' });
  }
  const { tensors, metadata } = decodeCheckpointFile(bytes);
  if (metadata.format !== formatName || metadata.formatVersion !== formatVersion) {
    throw new DiffusionError('checkpoint', `checkpoint: format ${JSON.stringify(metadata.format)} version ${JSON.stringify(metadata.formatVersion)}; expected "${formatName}" version "${formatVersion}".`, { field: 'checkpoint.format', value: metadata.format, allowed: formatName });
  }
  let state: Omit<TrainerSnapshot, 'tensors'>;
  try {
    state = JSON.parse(metadata.trainer ?? '') as Omit<TrainerSnapshot, 'tensors'>;
  } catch (error) {
    throw new DiffusionError('checkpoint', 'checkpoint: the trainer state is not valid JSON.', { field: 'checkpoint.trainer', cause: error });
  }
  if (typeof state?.step !== 'number' || typeof state.random !== 'object' || state.random === null) {
    throw new DiffusionError('checkpoint', 'checkpoint: the trainer state lacks its step or random streams.', { field: 'checkpoint.trainer', value: state });
  }
  return { ...state, tensors };
}

/** Path of the first difference between two JSON values, or undefined when equal. */
export function firstDifference(saved: unknown, current: unknown, path = ''): { path: string; saved: unknown; current: unknown } | undefined {
  if (typeof saved !== 'object' || typeof current !== 'object' || saved === null || current === null) {
    return Object.is(saved, current) ? undefined : { path, saved, current };
  }
  const keys = new Set([...Object.keys(saved), ...Object.keys(current)]);
  for (const key of keys) {
    const difference = firstDifference((saved as Record<string, unknown>)[key], (current as Record<string, unknown>)[key], path === '' ? key : `${path}.${key}`);
    if (difference !== undefined) return difference;
  }
  return undefined;
}
