import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const appDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const cliPath = join(appDir, 'dist', 'cli.js');

/** Builds the CLI (and the packages it uses) when the test runs on an unbuilt clone. */
export function ensureBuilt(): void {
  if (existsSync(cliPath)) return;
  const result = spawnSync('pnpm', ['exec', 'turbo', 'run', 'build', '--filter=compare...', '--output-logs=errors-only'], { cwd: appDir, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('building the compare app failed');
}

/** A tiny, fast configuration (a few seconds on the cpu backend). */
export const tinyConfig = {
  dataset: 'mixture',
  parameterisations: ['eps', 'x0'],
  weightings: ['natural', 'uniform'],
  samplers: ['euler', 'dpmpp-2m'],
  nfe: [4, 8],
  steps: 40,
  batch: 64,
  hiddenWidths: [32, 32],
  samples: 600,
  profileBins: 6,
  backend: 'cpu',
  // The ODE NLL (hundreds of denoiser calls per held-out point) is measured in ode-nll.test.ts; elsewhere it only costs CI time.
  odeNll: false,
  quiet: true,
};

/** Runs the built CLI with a config file and extra flags; returns its exit status and output. */
export function runCli(config: Record<string, unknown> | undefined, flags: string[] = []): { status: number | null; stdout: string; stderr: string; outDir: string } {
  const outDir = mkdtempSync(join(tmpdir(), 'compare-test-'));
  const args = [cliPath, '--out', outDir, ...flags];
  if (config !== undefined) {
    const file = join(outDir, 'config.json');
    writeFileSync(file, JSON.stringify(config));
    args.push('--config', file);
  }
  const result = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 240_000, killSignal: 'SIGKILL' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, outDir };
}
