import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Trainer } from '@diffusion/training';
import { writeFileAtomic } from './atomic-write';
import { ConfigError, parseConfig, type CompareConfig } from './config';
import type { ReportVisuals, TrajectoryPicture } from './report/html';
import type { RunResult } from './results';
import type { Picture } from './setup';

/** What finished runs left for a resume: their results and their report pictures. */
export interface FinishedRuns {
  readonly runs: RunResult[];
  readonly samples: Array<[string, Picture & { label: string }]>;
  readonly trajectories: Array<[string, TrajectoryPicture]>;
}

/**
 * The state of a comparison in `<out>/compare-state/`, so `--resume <out>` picks up at the run and
 * step where it stopped: `config.json` (the validated config), `finished.json` (results and
 * pictures of the finished runs), and for the run in training `<id>.safetensors` (the trainer's
 * checkpoint) with `<id>.losses.json` (its losses so far). Every file is written atomically.
 */
export interface ResumeStore {
  readonly folder: string;
  saveConfig(config: CompareConfig): void;
  /** Saves a run's losses then its trainer checkpoint. */
  saveProgress(id: string, trainer: Trainer, losses: readonly number[]): Promise<void>;
  /** Restores a run's trainer from its checkpoint, if any; resolves to its losses so far. */
  loadProgress(id: string, trainer: Trainer): Promise<number[] | undefined>;
  saveFinished(runs: readonly RunResult[], visuals: ReportVisuals): void;
  loadFinished(): FinishedRuns;
  /** Deletes a finished run's checkpoint. */
  clearProgress(id: string): void;
}

/** The resume store of an output folder. */
export function createResumeStore(outDir: string): ResumeStore {
  const folder = join(outDir, 'compare-state');
  const checkpoint = (id: string) => join(folder, `${id}.safetensors`);
  const lossFile = (id: string) => join(folder, `${id}.losses.json`);
  const finishedFile = join(folder, 'finished.json');
  return {
    folder,
    saveConfig: (config) => writeFileAtomic(join(folder, 'config.json'), `${JSON.stringify(config, null, 2)}\n`),
    async saveProgress(id, trainer, losses) {
      writeFileAtomic(lossFile(id), JSON.stringify(losses));
      await trainer.saveCheckpoint(checkpoint(id));
    },
    async loadProgress(id, trainer) {
      if (!existsSync(checkpoint(id))) return undefined;
      await trainer.loadCheckpoint(checkpoint(id));
      // The loss file is written first, so it may run ahead of the checkpoint: cut it back.
      const losses = JSON.parse(readFileSync(lossFile(id), 'utf8')) as number[];
      if (losses.length < trainer.completedSteps) throw new ConfigError(`--resume: ${lossFile(id)} holds ${losses.length} losses but the checkpoint is at step ${trainer.completedSteps}`);
      return losses.slice(0, trainer.completedSteps);
    },
    saveFinished(runs, visuals) {
      const ids = new Set(runs.map((run) => run.id));
      const pick = <T>(map: ReadonlyMap<string, T>) => [...map].filter(([id]) => ids.has(id));
      writeFileAtomic(finishedFile, JSON.stringify({ runs: [...runs], samples: pick(visuals.samples), trajectories: pick(visuals.trajectories) } satisfies FinishedRuns));
    },
    loadFinished: () => (existsSync(finishedFile) ? (JSON.parse(readFileSync(finishedFile, 'utf8')) as FinishedRuns) : { runs: [], samples: [], trajectories: [] }),
    clearProgress(id) {
      rmSync(checkpoint(id), { force: true });
      rmSync(lossFile(id), { force: true });
    },
  };
}

/** The config of an interrupted comparison (`--resume <out>`); a folder without one is named. */
export function readResumeConfig(outDir: string): CompareConfig {
  const path = join(outDir, 'compare-state', 'config.json');
  if (!existsSync(path)) throw new ConfigError(`--resume: ${outDir} is not a comparison's output folder (it has no compare-state/config.json)`);
  try {
    return parseConfig(JSON.parse(readFileSync(path, 'utf8')));
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError(`--resume: ${path}: ${error.message}`);
    throw new ConfigError(`--resume: ${path} is not valid JSON (${(error as Error).message})`);
  }
}
