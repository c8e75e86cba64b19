import { DiffusionError, describeValue, type RandomState } from '@diffusion/core';
import { decodeCheckpointFile, encodeCheckpointFile, type CheckpointTensor } from './checkpoint-format';

const formatName = 'diffusion-training-checkpoint';
const formatVersion = '1';

/** Everything a trainer needs to continue exactly where it stopped. */
export interface TrainerSnapshot {
  /** Completed optimisation steps. */
  readonly step: number;
  /** Positions of the random streams. */
  readonly random: { readonly data: RandomState; readonly time: RandomState; readonly noise: RandomState; readonly condition?: RandomState };
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
  if (typeof state !== 'object' || state === null || Array.isArray(state)) {
    throw new DiffusionError('checkpoint', `checkpoint: the trainer state is ${describeValue(state)}; expected a JSON object.`, { field: 'checkpoint.trainer', value: state, allowed: 'a JSON object' });
  }
  // A completed-step count: Adam's bias correction divides by 1 - beta^(step + 1), and the schedule and
  // EMA warm-up read it, so a negative or fractional step would silently train on from a wrong place.
  if (!Number.isSafeInteger(state.step) || state.step < 0) {
    throw new DiffusionError('checkpoint', `checkpoint: the trainer state's step is ${describeValue(state.step)}; expected a whole number of completed steps (an integer >= 0).`, { field: 'checkpoint.trainer.step', value: state.step, allowed: 'an integer >= 0' });
  }
  if (typeof state.random !== 'object' || state.random === null || Array.isArray(state.random)) {
    throw new DiffusionError('checkpoint', `checkpoint: the trainer state's random streams are ${describeValue(state.random)}; expected an object { data, time, noise }.`, { field: 'checkpoint.trainer.random', value: state.random, allowed: 'an object { data, time, noise }' });
  }
  return { ...state, tensors };
}

/** Path of the first difference between two JSON values, or undefined when equal. */
export function firstDifference(saved: unknown, current: unknown, path = ''): { path: string; saved: unknown; current: unknown } | undefined {
  if (typeof saved !== 'object' || typeof current !== 'object' || saved === null || current === null || Array.isArray(saved) !== Array.isArray(current)) {
    return Object.is(saved, current) ? undefined : { path, saved, current };
  }
  const keys = new Set([...Object.keys(saved), ...Object.keys(current)]);
  for (const key of keys) {
    const difference = firstDifference((saved as Record<string, unknown>)[key], (current as Record<string, unknown>)[key], path === '' ? key : `${path}.${key}`);
    if (difference !== undefined) return difference;
  }
  return undefined;
}
