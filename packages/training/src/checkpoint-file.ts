// Node-only: the file side of checkpoints. Imported lazily by the trainer (and exported from
// `@diffusion/training/node`) so a browser build never pulls `node:fs`.
import { DiffusionError } from '@diffusion/core';
import { open, readdir, readFile, rename, rm } from 'node:fs/promises';
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
  /** Names of the entries of a directory; without it, stale temporary files are not looked for. */
  listDirectory?(path: string): Promise<string[]>;
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
  listDirectory: (path) => readdir(path),
};

let temporaryCounter = 0;
/** Temporary files this process is writing now (their saves have not finished). */
const inFlight = new Set<string>();

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Whether a process with this id runs (on this machine); EPERM means it runs as another user. */
function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temporary files that earlier saves of the checkpoint `path` left when they crashed
 * between write and rename (`.<name>.<pid>.<time>.<n>.tmp`, torn or complete): those of processes
 * that no longer run, and this process's own that no save is writing now. Another live process's
 * file, other checkpoints' files and every other file stay. Best effort: a failure here never fails
 * the save or load. Returns the names removed.
 */
export async function removeStaleTemporaryFiles(path: string, fileSystem: CheckpointFileSystem = nodeCheckpointFileSystem): Promise<string[]> {
  if (fileSystem.listDirectory === undefined) return [];
  const directory = dirname(path);
  const pattern = new RegExp(`^\\.${escapeRegExp(basename(path))}\\.(\\d+)\\.\\d+\\.\\d+\\.tmp$`);
  let names: string[];
  try {
    names = await fileSystem.listDirectory(directory);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const match = pattern.exec(name);
    if (match === null) continue;
    const pid = Number(match[1]);
    const full = join(directory, name);
    const stale = pid === process.pid ? !inFlight.has(full) : !processRuns(pid);
    if (!stale) continue;
    try {
      await fileSystem.remove(full);
      removed.push(name);
    } catch {
      // best effort: the next save or load tries again
    }
  }
  return removed;
}

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
  inFlight.add(temporary);
  try {
    await removeStaleTemporaryFiles(path, fileSystem);
    await fileSystem.writeFileSynced(temporary, bytes);
    await fileSystem.rename(temporary, path);
  } catch (error) {
    await fileSystem.remove(temporary).catch(() => undefined);
    throw new DiffusionError('io', `saveCheckpoint: could not write ${JSON.stringify(path)} (${error instanceof Error ? error.message : String(error)}); the previous file, if any, is untouched.`, { field: 'saveCheckpoint.path', value: path, cause: error });
  } finally {
    inFlight.delete(temporary);
  }
  await fileSystem.syncDirectory(dirname(path)).catch(() => undefined);
}

/** Reads a checkpoint file (first removing stale temporary files of its crashed saves); a missing or unreadable file is a DiffusionError 'io'. */
export async function readCheckpointFile(path: string, fileSystem: CheckpointFileSystem = nodeCheckpointFileSystem): Promise<Uint8Array> {
  await removeStaleTemporaryFiles(path, fileSystem);
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
