import { DiffusionError } from '@diffusion/core';
import { closeSync, mkdirSync, openSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

function failure(path: string, code: string, reason: string, cause?: unknown): DiffusionError {
  return new DiffusionError('io', `--out: cannot use ${JSON.stringify(path)} as the output folder: ${reason} (${code}).`, { field: 'out', value: path, allowed: 'a folder that exists or can be created, and that this user can write', cause });
}

function statOrUndefined(path: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ENOTDIR') throw failure(path, 'ENOTDIR', 'a part of the path above it is a file, not a folder', error);
    throw failure(path, code ?? 'error', (error as Error).message, error);
  }
}

/**
 * Checks and creates the output folder before any work: it must be a folder (not a file, not
 * below one) that this user can write. Creates missing folders one level at a time (Node's
 * recursive mkdir loops forever on paths such as /proc/x, where mkdir says ENOENT under an existing
 * parent), then writes and removes a probe file. Every failure is a DiffusionError (code 'io',
 * field 'out') naming the path and the errno. Returns the absolute path.
 */
export function prepareOutputFolder(out: string): string {
  const folder = resolve(out);
  const missing: string[] = [];
  let existing = folder;
  for (let stats = statOrUndefined(existing); stats === undefined; stats = statOrUndefined(existing)) {
    missing.unshift(existing);
    const parent = dirname(existing);
    if (parent === existing) break;
    existing = parent;
  }
  const stats = statOrUndefined(existing);
  if (stats !== undefined && !stats.isDirectory()) {
    throw existing === folder
      ? failure(folder, 'EEXIST', 'a file of that name is in the way')
      : failure(folder, 'ENOTDIR', `${JSON.stringify(existing)} above it is a file, not a folder`);
  }
  for (const path of missing) {
    try {
      mkdirSync(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      if (code === 'EEXIST' && statOrUndefined(path)?.isDirectory() === true) continue;
      const reasons: Record<string, string> = {
        EACCES: `no permission to create ${JSON.stringify(path)}`,
        EPERM: `not permitted to create ${JSON.stringify(path)}`,
        EROFS: 'the file system is read-only',
        ENOENT: `${JSON.stringify(dirname(path))} does not accept new folders`,
        ENOSPC: 'no space left on the device',
      };
      throw failure(folder, code, reasons[code] ?? (error as Error).message, error);
    }
  }
  const probe = join(folder, `.diffusion-compare-write-test.${process.pid}.tmp`);
  try {
    closeSync(openSync(probe, 'wx'));
    rmSync(probe, { force: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw failure(folder, code, code === 'EACCES' || code === 'EPERM' ? 'this user cannot write files in it' : (error as Error).message, error);
  }
  return folder;
}
