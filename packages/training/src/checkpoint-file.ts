// Node-only: the file side of checkpoints. Imported lazily by the trainer (and exported from
// `@diffusion/training/node`) so a browser build never pulls `node:fs`.
import { DiffusionError } from '@diffusion/core';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** The file operations an atomic write needs; replaceable to test failures. */
export interface CheckpointFileSystem {
  /** Writes the whole file, flushes it to disk (fsync) and closes it. */
  writeFileSynced(path: string, bytes: Uint8Array): Promise<void>;
  /** Atomically replaces `to` with `from` (same directory). */
  rename(from: string, to: string): Promise<void>;
  /** Removes a file if it exists. */
  remove(path: string): Promise<void>;
  /** Flushes a directory entry to disk (best effort). */
  syncDirectory(path: string): Promise<void>;
  /** Reads a whole file. */
  readFile(path: string): Promise<Uint8Array>;
}

/** The real file system through `node:fs/promises`. */
export const nodeCheckpointFileSystem: CheckpointFileSystem = {
  async writeFileSynced(path, bytes) {
    const handle = await open(path, 'w');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
  rename: (from, to) => rename(from, to),
  remove: (path) => rm(path, { force: true }),
  async syncDirectory(path) {
    const handle = await open(path, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
  async readFile(path) {
    return new Uint8Array(await readFile(path));
  },
};

let temporaryCounter = 0;

/**
 * Writes a file atomically (write a temporary file in the same directory, fsync, rename, fsync the
 * directory): a crash or error at any point leaves either the old file or the new one, never a mix.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array, fileSystem: CheckpointFileSystem = nodeCheckpointFileSystem): Promise<void> {
  if (typeof path !== 'string' || path === '') {
    throw new DiffusionError('invalid-argument', `saveCheckpoint.path: got ${JSON.stringify(path)}; expected a non-empty file path.`, { field: 'saveCheckpoint.path', value: path, allowed: 'a non-empty file path' });
  }
  temporaryCounter += 1;
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.${temporaryCounter}.tmp`);
  try {
    await fileSystem.writeFileSynced(temporary, bytes);
    await fileSystem.rename(temporary, path);
  } catch (error) {
    await fileSystem.remove(temporary).catch(() => undefined);
    throw new DiffusionError('io', `saveCheckpoint: could not write ${JSON.stringify(path)} (${error instanceof Error ? error.message : String(error)}); the previous file, if any, is untouched.`, { field: 'saveCheckpoint.path', value: path, cause: error });
  }
  await fileSystem.syncDirectory(dirname(path)).catch(() => undefined);
}

/** Reads a checkpoint file; a missing or unreadable file is a DiffusionError 'io'. */
export async function readCheckpointFile(path: string, fileSystem: CheckpointFileSystem = nodeCheckpointFileSystem): Promise<Uint8Array> {
  try {
    return await fileSystem.readFile(path);
  } catch (error) {
    throw new DiffusionError('io', `loadCheckpoint: could not read ${JSON.stringify(path)} (${error instanceof Error ? error.message : String(error)}).`, { field: 'loadCheckpoint.path', value: path, cause: error });
  }
}

/**
 * Runs `restore` on a checkpoint read from `path`; a DiffusionError it throws comes back with the
 * file named first ("loadCheckpoint: \"/runs/a.safetensors\": checkpoint: …"), same code and field.
 */
export function restoreFromFile(path: string, restore: () => void): void {
  try {
    restore();
  } catch (error) {
    if (!(error instanceof DiffusionError)) throw error;
    throw new DiffusionError(error.code, `loadCheckpoint: ${JSON.stringify(path)}: ${error.message}`, {
      ...(error.field === undefined ? {} : { field: error.field }),
      value: error.value,
      ...(error.allowed === undefined ? {} : { allowed: error.allowed }),
      cause: error,
    });
  }
}
