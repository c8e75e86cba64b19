import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { runDiffusionCli } from '../src/program';

export const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const binPath = join(packageDir, 'dist', 'bin.js');

/** A fresh temporary folder. */
export function temporaryFolder(label: string): string {
  return mkdtempSync(join(tmpdir(), `diffusion-cli-${label}-`));
}

/** Runs the command in this process (no build needed); returns its exit code and what it wrote. */
export async function runInProcess(args: string[]): Promise<{ code: number; log: string; out: string }> {
  const log: string[] = [];
  const out: string[] = [];
  const code = await runDiffusionCli(['node', 'diffusion', ...args], { log: (line) => log.push(line), print: (line) => out.push(line) });
  return { code, log: log.join('\n'), out: out.join('\n') };
}

/** A 2-D CSV of `count` points on two noisy clusters, with a header and a label column. */
export function writePointsCsv(folder: string, name = 'points.csv', count = 200, seed = 1): string {
  let state = seed;
  const uniform = (): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const lines = ['x,y,kind'];
  for (let row = 0; row < count; row += 1) {
    const kind = row % 2;
    lines.push(`${(kind === 0 ? 5 : 8) + uniform() * 0.5},${(kind === 0 ? -2 : 1) + uniform() * 0.5},${kind === 0 ? 'a' : 'b'}`);
  }
  const path = join(folder, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** A folder of `perClass` 8x8 grey PNGs in two class subfolders (bright top half / bright bottom half). */
export function writeImageFolder(folder: string, perClass = 6, size = 8): string {
  const root = join(folder, 'images');
  for (const [label, bright] of [['top', (y: number) => y < size / 2], ['bottom', (y: number) => y >= size / 2]] as const) {
    mkdirSync(join(root, label), { recursive: true });
    for (let index = 0; index < perClass; index += 1) {
      const png = new PNG({ width: size, height: size });
      for (let y = 0; y < size; y += 1) for (let x = 0; x < size; x += 1) png.data.set(bright(y) ? [230 - index, 230 - index, 230 - index, 255] : [20 + x, 20 + x, 20 + x, 255], (y * size + x) * 4);
      writeFileSync(join(root, label, `${index}.png`), PNG.sync.write(png, { colorType: 0 }));
    }
  }
  return root;
}

/** Settings of a tiny, quick points run on the cpu backend. */
export const tinyPointFlags = ['--backend', 'cpu', '--backbone', 'mlp{"hiddenWidths":[16,16]}', '--batch', '32', '--quiet'];

/** Builds the package (and what it uses) when the test runs on an unbuilt clone. */
export function ensureBuilt(): void {
  if (existsSync(binPath)) return;
  const result = spawnSync('pnpm', ['exec', 'turbo', 'run', 'build', '--filter=@diffusion/cli...', '--output-logs=errors-only'], { cwd: packageDir, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('building @diffusion/cli failed');
}

/** Starts the built command as a child process. */
export function startBin(args: string[]): { child: ChildProcess; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> } {
  const child = spawn(process.execPath, [binPath, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolvePromise) => child.on('exit', (code, signal) => resolvePromise({ code, signal, stderr })));
  return { child, exited };
}
