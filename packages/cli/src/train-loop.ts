import type { Registry } from '@diffusion/core';
import type { ArrayDataset } from '@diffusion/data';
import type { Trainer } from '@diffusion/training';
import { emaModelBytes } from './final-model';
import { createTrainingProgress } from './progress-bar';
import type { RunRecord } from './run-record';
import { checkpointPath, lossCsvText, pruneCheckpoints, writeAtomic, type RunFolder } from './run-folder';

/** Everything the loop of a run needs. */
export interface TrainLoopInput {
  readonly registry: Registry;
  readonly folder: RunFolder;
  readonly record: RunRecord;
  readonly trainer: Trainer;
  readonly dataset: ArrayDataset;
  /** Losses of the steps done so far (extended in place). */
  readonly losses: number[];
  readonly signal: AbortSignal;
  readonly quiet: boolean;
  readonly log: (line: string) => void;
}

/**
 * Writes a checkpoint of the trainer's current step: first `loss.csv` up to that step, then the
 * checkpoint (the trainer's atomic `saveCheckpoint`), then deletes checkpoints beyond the newest
 * `keepCheckpoints`. A kill between any two leaves a folder a resume reads (a loss file ahead of
 * the newest checkpoint is cut back to it).
 */
export async function writeCheckpoint(input: Pick<TrainLoopInput, 'folder' | 'record' | 'trainer' | 'losses'>): Promise<string> {
  const step = input.trainer.completedSteps;
  await writeAtomic(input.folder.lossCsv, lossCsvText(input.losses.slice(0, step)));
  const path = checkpointPath(input.folder, step);
  await input.trainer.saveCheckpoint(path);
  pruneCheckpoints(input.folder, input.record.settings.keepCheckpoints);
  return path;
}

/**
 * Trains from the trainer's step to the run's last, in chunks that end on checkpoint steps, and
 * writes a checkpoint at each; when `signal` aborts (Ctrl-C), at the current step. At the end
 * writes `model.safetensors` (the EMA weights). Resolves to whether the run finished.
 */
export async function trainLoop(input: TrainLoopInput): Promise<boolean> {
  const { trainer, record, signal } = input;
  const { steps: total, checkpointEvery: every } = record.settings;
  const firstStep = trainer.completedSteps;
  let saved = firstStep;
  const progress = createTrainingProgress(total, firstStep, input.quiet);
  const started = performance.now();
  try {
    while (trainer.completedSteps < total && !signal.aborted) {
      const completed = trainer.completedSteps;
      const next = Math.min(total, (Math.floor(completed / every) + 1) * every);
      const result = await trainer.train({
        data: input.dataset,
        steps: next - completed,
        signal,
        progressIntervalMs: 200,
        onProgress: (event) => progress.update(event.step, event.loss, (event.step - firstStep) / Math.max(1e-9, (performance.now() - started) / 1000)),
      });
      input.losses.push(...result.losses);
      if (trainer.completedSteps > saved && (trainer.completedSteps === next || signal.aborted)) {
        await writeCheckpoint(input);
        saved = trainer.completedSteps;
      }
    }
  } finally {
    progress.stop();
  }
  if (trainer.completedSteps < total) return false;
  await writeAtomic(input.folder.model, emaModelBytes(input.registry, record, trainer));
  return true;
}
