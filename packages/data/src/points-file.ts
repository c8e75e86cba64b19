// Node-only: points from a CSV or .npy file on disk.
import { extname } from 'node:path';
import { parseCsvPoints, type CsvPointsOptions, type PointTable } from './csv-points';
import { dataError, readDataFile } from './file-errors';
import { decodeNpy } from './npy-format';

/** The file types `readPointsFile` reads, by extension. */
export const pointFileExtensions = ['.csv', '.tsv', '.txt', '.npy'] as const;

/**
 * Reads points from a CSV (`.csv`, `.tsv`, `.txt`; see `parseCsvPoints`) or NumPy `.npy` file.
 * A `.npy` array `[n, …rest]` gives `n` examples of shape `rest` (a 1-D array: `n` points of
 * dimension 1), each flattened to `prod(rest)` coordinates; its dtype may be any float or integer.
 * Every error names the file (and the line and column for CSV).
 */
export function readPointsFile(path: string, options: CsvPointsOptions = {}): PointTable {
  const extension = extname(path).toLowerCase();
  if (!(pointFileExtensions as readonly string[]).includes(extension)) {
    throw dataError(path, undefined, `unknown point-file type ${JSON.stringify(extension)}; expected ${pointFileExtensions.join(', ')} (or a folder of images)`, extension, pointFileExtensions.join(', '));
  }
  const bytes = readDataFile(path);
  if (extension !== '.npy') return parseCsvPoints(new TextDecoder('utf-8').decode(bytes), path, options);
  if (options.columns !== undefined || options.labelColumn !== undefined) throw dataError(path, undefined, '--columns and --label-column apply to CSV files only', options, 'no column options for .npy');
  const array = decodeNpy(bytes, path);
  if (array.shape.length === 0) throw dataError(path, undefined, 'the array is a scalar; expected [count, …] examples', array.shape, 'an array of rank >= 1');
  const count = array.shape[0]!;
  const sampleShape = array.shape.length === 1 ? [1] : array.shape.slice(1);
  const dimension = sampleShape.reduce((product, size) => product * size, 1);
  if (count === 0 || dimension === 0) throw dataError(path, undefined, `the array of shape (${array.shape.join(', ')}) holds no data (an empty dataset)`, array.shape, 'at least one example');
  const bad = array.values.findIndex((value) => !Number.isFinite(value));
  if (bad >= 0) {
    const row = Math.floor(bad / dimension);
    throw dataError(path, `example ${row} (flat index ${bad})`, `the value ${array.values[bad]} is not finite`, array.values[bad], 'finite values');
  }
  return { values: array.values, count, dimension, sampleShape, columnNames: Array.from({ length: dimension }, (_, index) => `x${index}`) };
}
