import { checkNonNegative, checkOptions, checkPositiveInteger, invalidOption, type RandomSource } from '@diffusion/core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { StepResult } from './trainer-core';

/** A labelled batch: examples and their class labels (`[batch]` integers in [0, K), a tensor or an array). */
export interface LabelledTrainingBatch {
  readonly x: Tensor;
  readonly labels: Tensor | ArrayLike<number>;
}

/**
 * A source of training batches: a function of the step (a tensor, or `{ x, labels }` for a
 * class-conditional backbone), or a dataset drawn with the trainer's data stream (`sampleLabelled`
 * for a class-conditional backbone, `sample` otherwise).
 */
export type TrainingData =
  | ((step: number) => Tensor | LabelledTrainingBatch)
  | { sample(count: number, random: RandomSource): Tensor; sampleLabelled?(count: number, random: RandomSource): { readonly x: Tensor; readonly labels: Tensor } };

/** A progress report, emitted at most every `progressIntervalMs` and after the last step. */
export interface TrainProgressEvent {
  /** Completed steps of the trainer (not of this call). */
  readonly step: number;
  /** Loss of the latest step. */
  readonly loss: number;
  /** Mean loss of the steps since the previous event. */
  readonly meanLoss: number;
  /** Gradient norm of the latest step (before clipping). */
  readonly gradNorm: number;
  /** Learning rate of the latest step. */
  readonly lr: number;
  /** Steps per second in this call so far. */
  readonly stepsPerSecond: number;
  /** Estimated seconds until this call finishes. */
  readonly etaSeconds: number;
}

/** Options of `trainer.train`. */
export interface TrainOptions {
  /** Batches `[batchSize, …sampleShape]` (with labels for a class-conditional backbone); a function's tensors are disposed by the trainer after use. */
  readonly data: TrainingData;
  /** Steps to run in this call. */
  readonly steps: number;
  /** Progress callback. */
  readonly onProgress?: (event: TrainProgressEvent) => void;
  /** Minimum milliseconds between progress events; default 250 (0: every step). */
  readonly progressIntervalMs?: number;
  /** Stops cleanly between steps when aborted. */
  readonly signal?: AbortSignal;
}

/** What `trainer.train` returns. */
export interface TrainResult {
  /** Steps run in this call. */
  readonly steps: number;
  /** Loss of each step of this call. */
  readonly losses: Float64Array;
}

/**
 * One macrotask, so timers, I/O, input and rendering run between steps: `setImmediate` in Node,
 * a `MessageChannel` message in browsers (unlike `setTimeout(0)`, not clamped to 4 ms; unlike
 * `requestAnimationFrame`, not paused in background tabs).
 */
function yieldToEventLoop(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  if (typeof MessageChannel === 'function') {
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(undefined);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** One optimisation step on a batch as the loop drew it: checks the batch (the only check), updates, reports. */
export type TrainingStep = (batch: unknown) => StepResult;

/** Called after a step when a checkpoint is due, with that step's result. */
export type CheckpointHook = (result: StepResult) => Promise<void>;

/** `TrainOptions` after their checks, with the batch source resolved by the trainer. */
export interface TrainingLoop {
  /** Steps to run in this call. */
  readonly steps: number;
  /** The batch for the step with this index (completed steps so far); the loop disposes it after the step. */
  readonly drawBatch: (stepIndex: number) => unknown;
  /** Completed steps before this call. */
  readonly firstStep: number;
  /** Save a checkpoint after every this many completed steps and after the last; none when absent. */
  readonly checkpointEverySteps?: number;
  readonly onProgress?: (event: TrainProgressEvent) => void;
  /** Minimum milliseconds between progress events. */
  readonly progressIntervalMs: number;
  readonly signal?: AbortSignal;
}

/** Checks the options of `trainer.train` (fields `train.*`). */
export function checkTrainOptions(options: TrainOptions): TrainOptions & { readonly progressIntervalMs: number } {
  const given = checkOptions('train', options, ['data', 'steps', 'onProgress', 'progressIntervalMs', 'signal']) as TrainOptions;
  checkPositiveInteger('train.steps', given.steps);
  const progressIntervalMs = checkNonNegative('train.progressIntervalMs', given.progressIntervalMs ?? 250);
  const { data, onProgress } = given;
  const isDataset = typeof data === 'object' && data !== null && typeof data.sample === 'function';
  if (typeof data !== 'function' && !isDataset) throw invalidOption('train.data', data, 'a function (step) => Tensor or a dataset with sample(count, random)', 'invalid-argument');
  if (onProgress !== undefined && typeof onProgress !== 'function') throw invalidOption('train.onProgress', onProgress, 'a function', 'invalid-argument');
  return { ...given, progressIntervalMs };
}

function disposeBatch(batch: unknown): void {
  if (batch === null || typeof batch !== 'object') return;
  if (typeof (batch as Tensor).dispose === 'function') {
    (batch as Tensor).dispose();
    return;
  }
  // A labelled batch { x, labels }: both parts.
  for (const part of [(batch as { x?: unknown }).x, (batch as { labels?: unknown }).labels]) disposeBatch(part);
}

/**
 * The training loop of `trainer.train`: draw a batch, step, report, checkpoint, yield. It knows
 * nothing of the trainer: `step` is the whole update and `onCheckpoint` the whole save.
 */
export async function runTraining(step: TrainingStep, onCheckpoint: CheckpointHook | undefined, loop: TrainingLoop): Promise<TrainResult> {
  const { steps, drawBatch, onProgress, signal, checkpointEverySteps } = loop;
  const losses = new Float64Array(steps);
  const start = performance.now();
  let lastEvent = start;
  let lossSinceEvent = 0;
  let stepsSinceEvent = 0;
  let completed = loop.firstStep;
  let done = 0;
  while (done < steps && signal?.aborted !== true) {
    const batch = drawBatch(completed);
    let result: StepResult;
    try {
      result = step(batch);
    } finally {
      disposeBatch(batch);
    }
    completed = result.step;
    losses[done] = result.loss;
    done += 1;
    lossSinceEvent += result.loss;
    stepsSinceEvent += 1;
    const now = performance.now();
    if (onProgress !== undefined && (now - lastEvent >= loop.progressIntervalMs || done === steps)) {
      const stepsPerSecond = done / Math.max(1e-9, (now - start) / 1000);
      onProgress({ step: result.step, loss: result.loss, meanLoss: lossSinceEvent / stepsSinceEvent, gradNorm: result.gradNorm, lr: result.lr, stepsPerSecond, etaSeconds: (steps - done) / stepsPerSecond });
      lastEvent = now;
      lossSinceEvent = 0;
      stepsSinceEvent = 0;
    }
    if (onCheckpoint !== undefined && checkpointEverySteps !== undefined && (completed % checkpointEverySteps === 0 || done === steps)) await onCheckpoint(result);
    await yieldToEventLoop();
  }
  return { steps: done, losses: losses.slice(0, done) };
}
