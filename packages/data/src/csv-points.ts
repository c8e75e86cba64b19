// Node-only (csv-parse reads through Buffer): points from CSV text.
import { parse } from 'csv-parse/sync';
import { dataError } from './file-errors';

/** Which columns of a CSV file make the points, and which one holds the class. */
export interface CsvPointsOptions {
  /** Columns of the point, by header name or 1-based position; default every column but the label column. */
  readonly columns?: readonly (string | number)[];
  /** The column holding each row's class (any text or integer), by header name or 1-based position. */
  readonly labelColumn?: string | number;
}

/** Points read from a file: row-major float64 values and what names them. */
export interface PointTable {
  /** Row-major `[count, dimension]` values in the file's units. */
  readonly values: Float64Array;
  readonly count: number;
  readonly dimension: number;
  /** Shape of one example (`[dimension]` for CSV; the trailing axes of a `.npy` array). */
  readonly sampleShape: readonly number[];
  /** Name of each coordinate (the header's, or `column N`). */
  readonly columnNames: readonly string[];
  /** Class index of each row, into `classNames`, when a label column was given. */
  readonly labels?: Int32Array;
  /** The distinct label values, sorted (numerically when all are numbers); index = class. */
  readonly classNames?: readonly string[];
}

const decimal = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A cell as a finite number, or undefined. */
function numberOf(cell: string): number | undefined {
  if (!decimal.test(cell)) return undefined;
  const value = Number(cell);
  return Number.isFinite(value) ? value : undefined;
}

/** The delimiter of the first data-bearing line: tab, comma or semicolon (most frequent), else whitespace. */
function detectDelimiter(text: string): string | undefined {
  const first = text.split(/\r?\n/).find((line) => line.trim() !== '' && !line.trimStart().startsWith('#')) ?? '';
  const counts = ['\t', ',', ';'].map((delimiter) => [delimiter, first.split(delimiter).length - 1] as const);
  const best = counts.reduce((winner, entry) => (entry[1] > winner[1] ? entry : winner));
  return best[1] > 0 ? best[0] : undefined;
}

/** Records with their 1-based line numbers; `#` starts a comment line; blank lines are skipped. */
function records(text: string, file: string): Array<{ cells: string[]; line: number }> {
  const delimiter = detectDelimiter(text);
  if (delimiter === undefined) {
    // Whitespace-separated (numpy.savetxt's default).
    return text.split(/\r?\n/).flatMap((line, index) => (line.trim() === '' || line.trimStart().startsWith('#') ? [] : [{ cells: line.trim().split(/\s+/), line: index + 1 }]));
  }
  try {
    const parsed = parse(text, { delimiter, relax_column_count: true, skip_empty_lines: true, trim: true, comment: '#', info: true, bom: true }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
    return parsed.map(({ record, info }) => ({ cells: record, line: info.lines }));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw dataError(file, undefined, `not readable as CSV (${reason})`);
  }
}

/** Resolves a column given by name or 1-based position against the header. */
function columnIndex(file: string, option: string, wanted: string | number, names: readonly string[], hasHeader: boolean): number {
  if (typeof wanted === 'number' || /^\d+$/.test(wanted)) {
    const position = Number(wanted);
    if (Number.isInteger(position) && position >= 1 && position <= names.length) return position - 1;
    throw dataError(file, undefined, `${option} ${wanted} is not a column; the file has ${names.length} (positions 1..${names.length})`, wanted, `1..${names.length} or a header name`);
  }
  const index = names.indexOf(wanted);
  if (index >= 0) return index;
  throw dataError(file, undefined, `${option} "${wanted}" is not a column; ${hasHeader ? `the header names ${names.map((name) => JSON.stringify(name)).join(', ')}` : 'the file has no header, so give 1-based positions'}`, wanted, names.join(', '));
}

/**
 * Parses points from CSV text (comma, tab or semicolon, detected; or whitespace-separated as
 * `numpy.savetxt` writes): the first row is a header when any of its cells is not a number.
 * Every error names `file`, the line and the column: a non-numeric or empty cell, a row of another
 * length, no data rows.
 */
export function parseCsvPoints(text: string, file: string, options: CsvPointsOptions = {}): PointTable {
  const rows = records(text, file);
  if (rows.length === 0) throw dataError(file, undefined, 'the file holds no rows (an empty dataset)', 0, 'at least one data row');
  const first = rows[0]!;
  const hasHeader = first.cells.some((cell) => numberOf(cell) === undefined);
  const width = first.cells.length;
  const names = hasHeader ? first.cells : first.cells.map((_, index) => `column ${index + 1}`);
  const body = hasHeader ? rows.slice(1) : rows;
  if (body.length === 0) throw dataError(file, undefined, `the file holds a header (line ${first.line}) but no data rows (an empty dataset)`, 0, 'at least one data row');
  const label = options.labelColumn === undefined ? undefined : columnIndex(file, '--label-column', options.labelColumn, names, hasHeader);
  const chosen = options.columns === undefined ? names.map((_, index) => index).filter((index) => index !== label) : options.columns.map((column) => columnIndex(file, '--columns', column, names, hasHeader));
  if (chosen.length === 0) throw dataError(file, undefined, 'no columns are left for the points', names, 'at least one numeric column');
  const values = new Float64Array(body.length * chosen.length);
  const labelTexts: string[] = [];
  body.forEach(({ cells, line }, row) => {
    if (cells.length !== width) {
      throw dataError(file, `line ${line}`, `the row has ${cells.length} cells but ${hasHeader ? `the header (line ${first.line})` : `the first row (line ${first.line})`} has ${width}`, cells.length, `${width} cells`);
    }
    chosen.forEach((column, axis) => {
      const cell = cells[column]!;
      const value = numberOf(cell);
      if (value === undefined) {
        const what = cell === '' ? 'the cell is empty' : `${JSON.stringify(cell)} is not a finite number`;
        throw dataError(file, `line ${line}, column ${column + 1} (${JSON.stringify(names[column])})`, what, cell, 'a finite decimal number');
      }
      values[row * chosen.length + axis] = value;
    });
    if (label !== undefined) {
      const cell = cells[label]!;
      if (cell === '') throw dataError(file, `line ${line}, column ${label + 1} (${JSON.stringify(names[label])})`, 'the label cell is empty', cell, 'a class name or number');
      labelTexts.push(cell);
    }
  });
  const table = { values, count: body.length, dimension: chosen.length, sampleShape: [chosen.length], columnNames: chosen.map((column) => names[column]!) };
  if (label === undefined) return table;
  return { ...table, ...classesOf(labelTexts) };
}

/** Distinct label texts sorted (numerically when all are numbers) and each row's index among them. */
export function classesOf(texts: readonly string[]): { labels: Int32Array; classNames: string[] } {
  const distinct = [...new Set(texts)];
  const numeric = distinct.every((text) => numberOf(text) !== undefined);
  distinct.sort(numeric ? (a, b) => Number(a) - Number(b) : (a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const index = new Map(distinct.map((name, position) => [name, position]));
  return { labels: Int32Array.from(texts, (text) => index.get(text)!), classNames: distinct };
}
