import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '@diffusion/training/node';
import { CliError } from './cli-error';
import { runRecordSchema, type RunRecord } from './run-record';
import { describeIssues } from './run-settings';

/**
 * The files of a run folder. Every write is atomic (temporary file, fsync, rename), so a kill at
 * any moment leaves each file either as it was or complete.
 *
 * ```
 * run.json                      settings and data record (validated)
 * loss.csv                      step,loss of every step up to the newest checkpoint
 * model.safetensors             the final EMA weights (when the run has finished)
 * checkpoints/started.json      run.json as it was when the run started (a resume compares)
 * checkpoints/step-00000500.safetensors …   trainer checkpoints, newest `keepCheckpoints` kept
 * ```
 */
export interface RunFolder {
  readonly root: string;
  readonly runJson: string;
  readonly lossCsv: string;
  readonly model: string;
  readonly checkpoints: string;
  readonly started: string;
}

/** The paths of a run folder. */
export function runFolder(root: string): RunFolder {
  const absolute = resolve(root);
  const checkpoints = join(absolute, 'checkpoints');
  return { root: absolute, runJson: join(absolute, 'run.json'), lossCsv: join(absolute, 'loss.csv'), model: join(absolute, 'model.safetensors'), checkpoints, started: join(checkpoints, 'started.json') };
}

/** Writes text or bytes atomically. */
export async function writeAtomic(path: string, contents: string | Uint8Array): Promise<void> {
  await writeFileAtomic(path, typeof contents === 'string' ? new TextEncoder().encode(contents) : contents);
}

/** Creates a new run folder: refuses one that already holds a run (resume it instead) or a file in the way. */
export function createRunFolder(root: string): RunFolder {
  const folder = runFolder(root);
  if (existsSync(folder.root) && !statSync(folder.root).isDirectory()) throw new CliError(`--out: ${root} is a file, not a folder`);
  if (existsSync(folder.runJson)) throw new CliError(`--out: ${root} already holds a run (run.json); resume it with \`diffusion train --resume ${root}\` or choose another --out`);
  try {
    mkdirSync(folder.checkpoints, { recursive: true });
  } catch (error) {
    throw new CliError(`--out: cannot create ${root} (${(error as Error).message})`);
  }
  return folder;
}

/** JSON text of a record, stable (two-space indent, trailing newline). */
export function recordText(record: RunRecord): string {
  return `${JSON.stringify(record, null, 2)}\n`;
}

function parseRecord(path: string, label: string): RunRecord {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new CliError(`${label}: ${path} is not valid JSON (${(error as Error).message})`);
  }
  const parsed = runRecordSchema.safeParse(json);
  if (!parsed.success) throw new CliError(`${label}: ${path} is not a valid run record:\n  ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/** The first differing field of two JSON values, as a dotted path, or undefined. */
function firstDifference(saved: unknown, current: unknown, path = ''): { path: string; saved: unknown; current: unknown } | undefined {
  if (typeof saved !== 'object' || typeof current !== 'object' || saved === null || current === null) return Object.is(saved, current) ? undefined : { path, saved, current };
  for (const key of new Set([...Object.keys(saved), ...Object.keys(current)])) {
    const difference = firstDifference((saved as Record<string, unknown>)[key], (current as Record<string, unknown>)[key], path === '' ? key : `${path}.${key}`);
    if (difference !== undefined) return difference;
  }
  return undefined;
}

/**
 * Reads the run of a folder for `--resume` or sampling: it must hold a valid `run.json`, and
 * (when `checkEdits`) that file must equal the copy taken when the run started, field by field.
 */
export function readRun(root: string, flag: string, checkEdits: boolean): { folder: RunFolder; record: RunRecord } {
  const folder = runFolder(root);
  if (!existsSync(folder.root)) throw new CliError(`${flag}: ${root}: no such folder`);
  if (!existsSync(folder.runJson)) throw new CliError(`${flag}: ${root} is not a run folder (it has no run.json); start a run with \`diffusion train --data <path> --out ${root}\``);
  const record = parseRecord(folder.runJson, flag);
  if (checkEdits) {
    if (!existsSync(folder.started)) throw new CliError(`${flag}: ${root} is not a complete run folder (checkpoints/started.json is missing)`);
    const started = parseRecord(folder.started, flag);
    const difference = firstDifference(started, record);
    if (difference !== undefined) {
      throw new CliError(
        `${flag}: ${folder.runJson} was edited after the run started: ${difference.path} is ${JSON.stringify(difference.current)} but the run started with ${JSON.stringify(difference.saved)}. A resume must continue the same run; start a new one with \`diffusion train --config ${folder.runJson} --out <new folder>\` to train with the edited settings.`,
      );
    }
  }
  return { folder, record };
}

/** A checkpoint file of a run and its step. */
export interface CheckpointEntry {
  readonly step: number;
  readonly path: string;
}

const checkpointPattern = /^step-(\d+)\.safetensors$/;

/** Path of the checkpoint of a step. */
export function checkpointPath(folder: RunFolder, step: number): string {
  return join(folder.checkpoints, `step-${String(step).padStart(8, '0')}.safetensors`);
}

/** The run's checkpoints, newest first. */
export function listCheckpoints(folder: RunFolder): CheckpointEntry[] {
  if (!existsSync(folder.checkpoints)) return [];
  return readdirSync(folder.checkpoints)
    .flatMap((name) => {
      const match = checkpointPattern.exec(name);
      return match === null ? [] : [{ step: Number(match[1]), path: join(folder.checkpoints, name) }];
    })
    .sort((a, b) => b.step - a.step);
}

/** Deletes all but the newest `keep` checkpoints (called after a newer one is safely on disk). */
export function pruneCheckpoints(folder: RunFolder, keep: number): void {
  for (const entry of listCheckpoints(folder).slice(keep)) rmSync(entry.path, { force: true });
}

/** Moves a damaged checkpoint aside (`….damaged`) so it is never picked again; nothing is deleted. */
export function setAsideDamaged(entry: CheckpointEntry): string {
  const aside = `${entry.path}.damaged`;
  renameSync(entry.path, aside);
  return aside;
}

/** `loss.csv` text of the first `losses.length` steps. */
export function lossCsvText(losses: readonly number[]): string {
  return `step,loss\n${losses.map((loss, index) => `${index + 1},${loss}`).join('\n')}${losses.length > 0 ? '\n' : ''}`;
}

/** Losses of steps 1..`steps` from `loss.csv` (a file ahead of the checkpoint, as after a kill, is cut back). */
export function readLosses(folder: RunFolder, steps: number): number[] {
  if (steps === 0) return [];
  let text: string;
  try {
    text = readFileSync(folder.lossCsv, 'utf8');
  } catch {
    throw new CliError(`--resume: ${folder.lossCsv} is missing; the run folder is incomplete`);
  }
  const losses = text.trim().split('\n').slice(1).map((line) => Number(line.split(',')[1]));
  if (losses.length < steps) throw new CliError(`--resume: ${folder.lossCsv} holds ${losses.length} steps but the checkpoint is at step ${steps}; the run folder is incomplete`);
  return losses.slice(0, steps);
}
