import { DiffusionError } from '@diffusion/core';
import { readFileSync } from 'node:fs';

/** Reads a whole file; a missing or unreadable one is a DiffusionError 'io' naming it. */
export function readDataFile(path: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder, not a file' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new DiffusionError('io', `${path}: cannot read the data file (${reason})`, { field: path, value: code, allowed: 'a readable file', cause: error });
  }
}

/** An error about the contents of a data file, at a place in it (`line 4, column 2 ("y")`). */
export function dataError(file: string, place: string | undefined, message: string, value?: unknown, allowed?: string): DiffusionError {
  const where = place === undefined ? file : `${file}, ${place}`;
  return new DiffusionError('invalid-argument', `${where}: ${message}`, { field: where, value, ...(allowed === undefined ? {} : { allowed }) });
}
