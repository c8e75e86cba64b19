import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DiffusionError } from '@diffusion/core';
import { startBackend } from './backend';
import { CliError, exitCodes } from './cli-error';
import { buildRegistry, createBackbone, modelParts } from './components';
import { parseNamedSpec } from './named-spec';
import { createRunModel, type RunModel } from './run-trainer';
import { createRunFolder, listCheckpoints, readLosses, readRun, recordText, setAsideDamaged, writeAtomic, type CheckpointEntry, type RunFolder } from './run-folder';
import { runRecordSchema, type DataRecord, type RunRecord } from './run-record';
import { describeIssues, runSettingsSchema, withKindDefaults, type RunSettings } from './run-settings';
import { dataKindOf, datasetOf, loadData } from './training-data';
import { trainLoop } from './train-loop';

/** Flags of `diffusion train` (commander's camel-cased option values). */
export interface TrainFlags {
  readonly data?: string;
  readonly out?: string;
  readonly config?: string;
  readonly resume?: string;
  readonly fromCheckpoint?: string | boolean;
  readonly quiet?: boolean;
  readonly backbone?: string;
  readonly [setting: string]: unknown;
}

/** Flags that map one-to-one onto run settings. */
const settingFlags = ['columns', 'labelColumn', 'pUncond', 'unconditional', 'size', 'channels', 'flip', 'schedule', 'parameterisation', 'weighting', 'timeDensity', 'steps', 'batch', 'learningRate', 'warmupSteps', 'decay', 'gradientClipNorm', 'emaDecay', 'seed', 'checkpointEvery', 'keepCheckpoints', 'backend', 'threads'] as const;

/** The output helpers of a command. */
export interface CommandIo {
  /** Human-readable progress and notes (stderr). */
  readonly log: (line: string) => void;
  /** Results (stdout). */
  readonly print: (line: string) => void;
  /** Aborted on Ctrl-C / SIGTERM. */
  readonly signal: AbortSignal;
}

/** Reads `--config`: a settings object, or a whole `run.json` (its `settings`). */
function readConfigFile(path: string): Record<string, unknown> {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new CliError(`--config: cannot read ${path} as JSON (${(error as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new CliError(`--config: ${path} must hold a JSON object`);
  const object = json as Record<string, unknown>;
  return object.tool === 'diffusion' && typeof object.settings === 'object' && object.settings !== null ? { ...(object.settings as Record<string, unknown>) } : object;
}

/** Settings from `--config` and the flags (flags win), validated, with defaults for the data kind. */
function settingsFromFlags(flags: TrainFlags) {
  const merged: Record<string, unknown> = flags.config === undefined ? {} : readConfigFile(flags.config);
  if (flags.data !== undefined) merged.data = flags.data;
  for (const key of settingFlags) if (flags[key] !== undefined) merged[key] = flags[key];
  if (flags.backbone !== undefined) {
    const spec = parseNamedSpec('--backbone', flags.backbone);
    merged.backbone = spec.name;
    if (Object.keys(spec.options).length > 0 || merged.backboneOptions === undefined) merged.backboneOptions = spec.options;
  }
  if (merged.data === undefined) throw new CliError('train: --data <path> is required (a CSV or .npy file of points, or a folder of images), or --resume <run dir>');
  const parsed = runSettingsSchema.safeParse(merged);
  if (!parsed.success) throw new CliError(`invalid settings${flags.config === undefined ? '' : ` (from ${flags.config} and the flags)`}:\n  ${describeIssues(parsed.error)}`);
  const data = resolve(parsed.data.data);
  return withKindDefaults({ ...parsed.data, data }, dataKindOf(data));
}

/**
 * Class conditioning from the data: labelled data (image subfolders, a CSV label column) trains a
 * class-conditional model with label dropout `pUncond` (default 0.1, Ho & Salimans 2022) unless
 * `--unconditional`; `pUncond` without labels, or with `--unconditional`, is refused by name.
 */
function withClassConditioning(settings: RunSettings, data: DataRecord, path: string): RunSettings {
  const labelled = data.classNames !== undefined && data.classNames.length > 0;
  if (settings.pUncond !== undefined && settings.unconditional) throw new CliError(`--p-uncond ${settings.pUncond}: goes with class-conditional training; drop it or --unconditional`);
  if (settings.pUncond !== undefined && !labelled) throw new CliError(`--p-uncond ${settings.pUncond}: ${path} has no labels (${data.kind === 'images' ? 'its images are not in class subfolders' : 'give --label-column'}); label dropout needs class labels`);
  if (!labelled || settings.unconditional) return settings;
  return { ...settings, pUncond: settings.pUncond ?? 0.1 };
}

/** Installs the Ctrl-C behaviour of a run: the first writes a checkpoint and stops, the second quits at once. */
function onInterrupt(controller: AbortController, log: (line: string) => void): () => void {
  let count = 0;
  const handler = (signal: NodeJS.Signals): void => {
    count += 1;
    if (count > 1) process.exit(exitCodes.interrupted);
    log(`\n${signal}: stopping after this step and writing a checkpoint (again to quit at once; the last checkpoint stays intact)`);
    controller.abort();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

async function runToEnd(io: CommandIo, folder: RunFolder, record: RunRecord, model: RunModel, losses: number[], quiet: boolean): Promise<number> {
  const registry = buildRegistry();
  const loaded = loadData(record.settings, record.data.normalisation);
  if (loaded.record.fingerprint !== record.data.fingerprint) {
    throw new CliError(`--resume: the data at ${record.settings.data} changed since the run started (SHA-256 ${loaded.record.fingerprint.slice(0, 12)}… instead of ${record.data.fingerprint.slice(0, 12)}…); a resume must read the same data`);
  }
  const controller = new AbortController();
  const stop = onInterrupt(controller, io.log);
  io.signal.addEventListener('abort', () => controller.abort(), { once: true });
  try {
    const finished = await trainLoop({ registry, folder, record, trainer: model.trainer, dataset: datasetOf(loaded, record.settings.data, record.settings.flip), losses, signal: controller.signal, quiet, log: io.log });
    const step = model.trainer.completedSteps;
    if (!finished) {
      io.log(`interrupted at step ${step} of ${record.settings.steps}; checkpoint written. Continue with: diffusion train --resume ${folder.root}`);
      return exitCodes.interrupted;
    }
    io.print(`trained ${step} steps; final loss ${losses.at(-1)?.toPrecision(4)}; model: ${folder.model}`);
    return exitCodes.ok;
  } finally {
    stop();
  }
}

/** `diffusion train --data … --out …`: validates everything, writes `run.json`, trains. */
async function startRun(flags: TrainFlags, io: CommandIo): Promise<number> {
  if (flags.out === undefined) throw new CliError('train: --out <run dir> is required');
  if (flags.fromCheckpoint !== undefined) throw new CliError('--from-checkpoint goes with --resume');
  const given = settingsFromFlags(flags);
  const registry = buildRegistry();
  modelParts(registry, given); // names checked before the data is read
  const loaded = loadData(given);
  const settings = withClassConditioning(given, loaded.record, flags.data ?? given.data);
  const record = runRecordSchema.parse({ tool: 'diffusion', version: 1, createdAt: new Date().toISOString(), settings, data: loaded.record } satisfies RunRecord);
  await startBackend(settings.backend, settings.threads, io.log);
  createBackbone(registry, settings, record.data).dispose(); // backbone options checked before the folder is made
  const folder = createRunFolder(flags.out);
  await writeAtomic(folder.started, recordText(record));
  await writeAtomic(folder.runJson, recordText(record));
  const conditioning = settings.pUncond === undefined ? (settings.unconditional ? ', unconditional (labels ignored)' : '') : `, class-conditional on ${record.data.classNames!.length} classes (label dropout ${settings.pUncond})`;
  io.log(`run ${folder.root}: ${record.data.count} ${record.data.kind} of shape [${record.data.sampleShape.join(', ')}], ${settings.backbone} backbone${conditioning}, ${settings.steps} steps`);
  const model = createRunModel(registry, record);
  try {
    return await runToEnd(io, folder, record, model, [], flags.quiet === true);
  } finally {
    model.dispose();
  }
}

/** Loads the newest good checkpoint; a damaged one stops the resume unless `--from-checkpoint` is given. */
async function restoreCheckpoint(model: RunModel, folder: RunFolder, fromCheckpoint: string | boolean | undefined, log: (line: string) => void): Promise<CheckpointEntry | undefined> {
  const entries = listCheckpoints(folder);
  if (typeof fromCheckpoint === 'string') {
    const wanted = /^\d+$/.test(fromCheckpoint) ? entries.find((entry) => entry.step === Number(fromCheckpoint)) : entries.find((entry) => resolve(entry.path) === resolve(fromCheckpoint));
    if (wanted === undefined) throw new CliError(`--from-checkpoint: ${fromCheckpoint} is not a checkpoint of ${folder.root}; it has ${entries.map((entry) => `step ${entry.step}`).join(', ') || 'none'}`);
    await model.trainer.loadCheckpoint(wanted.path);
    return wanted;
  }
  for (const [index, entry] of entries.entries()) {
    try {
      await model.trainer.loadCheckpoint(entry.path);
      return entry;
    } catch (error) {
      if (!(error instanceof DiffusionError) || (error.code !== 'checkpoint' && error.code !== 'io')) throw error;
      const previous = entries[index + 1];
      if (fromCheckpoint !== true) {
        throw new CliError(
          `--resume: checkpoint ${entry.path} is damaged: ${error.message}\n  ${previous === undefined ? 'There is no older checkpoint; start the run again.' : `Pass --from-checkpoint to set it aside and resume from the previous one (step ${previous.step}), or --from-checkpoint <step>.`}`,
        );
      }
      log(`checkpoint ${entry.path} is damaged (${error.message}); set aside as ${setAsideDamaged(entry)}`);
    }
  }
  if (entries.length > 0 && fromCheckpoint === true) throw new CliError(`--resume: no checkpoint of ${folder.root} is readable; start the run again`);
  return undefined;
}

/** `diffusion train --resume <run dir>`: continues from the newest good checkpoint, bit-equal to an unstopped run. */
async function resumeRun(flags: TrainFlags, io: CommandIo): Promise<number> {
  const given = [...settingFlags, 'data', 'config', 'backbone', 'out'].filter((key) => flags[key] !== undefined);
  if (given.length > 0) throw new CliError(`--resume takes every setting from the run's run.json; drop ${given.map((key) => `--${key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`).join(', ')}`);
  const { folder, record } = readRun(flags.resume!, '--resume', true);
  await startBackend(record.settings.backend, record.settings.threads, io.log);
  const model = createRunModel(buildRegistry(), record);
  try {
    const entry = await restoreCheckpoint(model, folder, flags.fromCheckpoint, io.log);
    const step = model.trainer.completedSteps;
    if (step === record.settings.steps && existsSync(folder.model)) {
      io.print(`${folder.root} has finished (${step} steps); nothing to resume`);
      return exitCodes.ok;
    }
    io.log(entry === undefined ? `no checkpoint yet in ${folder.root}: starting from step 0` : `resuming ${folder.root} from step ${step} (${entry.path})`);
    return await runToEnd(io, folder, record, model, readLosses(folder, step), flags.quiet === true);
  } finally {
    model.dispose();
  }
}

/** `diffusion train`: a new run, or `--resume` of one. */
export function trainCommand(flags: TrainFlags, io: CommandIo): Promise<number> {
  return flags.resume === undefined ? startRun(flags, io) : resumeRun(flags, io);
}
