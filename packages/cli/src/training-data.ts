import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { createArrayDataset, fitPointNormalisation, normalisePoints, type ArrayDataset, type PointNormalisation } from '@diffusion/data';
import { readImageFolder, readPointsFile } from '@diffusion/data/node';
import { CliError } from './cli-error';
import type { DataRecord, Normalisation } from './run-record';

/** Options of the readers, as in the run settings. */
export interface DataOptions {
  readonly data: string;
  readonly columns?: ReadonlyArray<string | number> | undefined;
  readonly labelColumn?: string | number | undefined;
  readonly size?: number | undefined;
  readonly channels?: 1 | 3 | undefined;
}

/** A dataset read from the user's files, normalised, with its record for `run.json`. */
export interface LoadedData {
  readonly record: DataRecord;
  /** Normalised examples `[count, …sampleShape]`. */
  readonly values: Float32Array;
  readonly labels?: Int32Array;
}

/** Whether a path is a folder (images) or a file (points); a missing path is named. */
export function dataKindOf(path: string, flag = '--data'): 'points' | 'images' {
  try {
    return statSync(path).isDirectory() ? 'images' : 'points';
  } catch {
    throw new CliError(`${flag}: ${path}: no such file or folder`);
  }
}

/** SHA-256 of files' relative names and bytes, hex: the identity of a dataset on disk. */
function fingerprintOf(root: string, files: readonly string[] | undefined): string {
  const hash = createHash('sha256');
  if (files === undefined) hash.update(readFileSync(root));
  else for (const file of files) hash.update(`${file}\0`).update(readFileSync(join(root, file)));
  return hash.digest('hex');
}

/**
 * Reads the data of a run: points (CSV or `.npy`) standardised to zero mean and unit variance per
 * coordinate, or an image folder in [-1, 1]; `normalisation` (e.g. a resumed run's) is used instead
 * of fitting one.
 */
export function loadData(options: DataOptions, normalisation?: Normalisation): LoadedData {
  const path = resolve(options.data);
  if (dataKindOf(path) === 'images') {
    if (options.columns !== undefined || options.labelColumn !== undefined) throw new CliError(`--columns and --label-column apply to point files; ${options.data} is a folder of images`);
    const table = readImageFolder(path, { ...(options.size === undefined ? {} : { size: options.size }), ...(options.channels === undefined ? {} : { channels: options.channels }) });
    const record: DataRecord = {
      kind: 'images',
      format: 'image-folder',
      count: table.count,
      sampleShape: [...table.sampleShape],
      ...(table.classNames === undefined ? {} : { classNames: [...table.classNames] }),
      fingerprint: fingerprintOf(path, table.files),
      normalisation: { kind: 'pixels', low: 0, high: 255 },
    };
    return { record, values: table.images, ...(table.labels === undefined ? {} : { labels: table.labels }) };
  }
  if (options.size !== undefined || options.channels !== undefined) throw new CliError(`--size and --channels apply to image folders; ${options.data} is a file`);
  const table = readPointsFile(path, { ...(options.columns === undefined ? {} : { columns: options.columns }), ...(options.labelColumn === undefined ? {} : { labelColumn: options.labelColumn }) });
  const standardise = normalisation?.kind === 'standardise' ? normalisation : fitPointNormalisation(table.values, table.dimension);
  const record: DataRecord = {
    kind: 'points',
    format: extname(path).toLowerCase() === '.npy' ? 'npy' : 'csv',
    count: table.count,
    sampleShape: [...table.sampleShape],
    columnNames: [...table.columnNames],
    ...(table.classNames === undefined ? {} : { classNames: [...table.classNames] }),
    fingerprint: fingerprintOf(path, undefined),
    normalisation: { kind: 'standardise', mean: [...standardise.mean], std: [...standardise.std] },
  };
  return { record, values: normalisePoints(table.values, standardise as PointNormalisation), ...(table.labels === undefined ? {} : { labels: table.labels }) };
}

/** The training dataset over loaded data (flips for images when asked). */
export function datasetOf(loaded: LoadedData, name: string, flip: boolean): ArrayDataset {
  const shape = loaded.record.kind === 'points' ? [loaded.record.sampleShape.reduce((product, size) => product * size, 1)] : loaded.record.sampleShape;
  return createArrayDataset({ name, values: loaded.values, shape, ...(loaded.labels === undefined ? {} : { labels: loaded.labels }), horizontalFlip: flip && loaded.record.kind === 'images' });
}
