import { DiffusionError } from '@diffusion/core';

/** Imports one of Node's modules; a variable specifier keeps browser bundlers from resolving it. */
const nodeImport = (specifier: string): Promise<any> => import(/* @vite-ignore */ specifier); // eslint-disable-line @typescript-eslint/no-explicit-any

/** Joins folder and file name with '/' (Node accepts it on every platform). */
export function joinPath(folder: string, name: string): string {
  return folder.endsWith('/') || folder.endsWith('\\') ? `${folder}${name}` : `${folder}/${name}`;
}

/** Reads a whole file; a missing or unreadable file is a DiffusionError (code `'io'`) naming it and its role. */
export async function readFileBytes(path: string, role: string): Promise<Uint8Array> {
  const { readFile } = await nodeImport('node:fs/promises');
  try {
    return new Uint8Array(await readFile(path));
  } catch (cause) {
    const code = (cause as { code?: string }).code;
    const reason = code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? String(cause)})`;
    throw new DiffusionError('io', `${path}: the ${role} ${reason}.`, { field: path, value: code, allowed: `a readable ${role}`, cause });
  }
}

/** Whether a path exists. */
export async function pathExists(path: string): Promise<boolean> {
  const { stat } = await nodeImport('node:fs/promises');
  return stat(path).then(() => true, () => false);
}

/**
 * Writes a file atomically: a temporary file in the same folder is written, flushed to disk
 * (fsync) and renamed over `path`, then the folder is fsynced; on any failure the temporary file
 * is removed and whatever was at `path` is left whole. Creates the folder if needed.
 */
export async function writeFileAtomically(path: string, bytes: Uint8Array): Promise<void> {
  const { mkdir, open, rename, rm } = await nodeImport('node:fs/promises');
  const { dirname } = await nodeImport('node:path');
  const folder = dirname(path);
  const temporary = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  try {
    await mkdir(folder, { recursive: true });
    const handle = await open(temporary, 'w');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (cause) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw new DiffusionError('io', `${path}: could not be written (${(cause as { code?: string }).code ?? String(cause)}); nothing at that path was changed.`, { field: path, cause });
  }
  // Make the rename itself durable (not possible on every platform: best effort).
  const directory = await open(folder, 'r').catch(() => undefined);
  if (directory !== undefined) {
    await directory.sync().catch(() => undefined);
    await directory.close();
  }
}
