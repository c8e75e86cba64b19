import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliPath, ensureBuilt, runCli, tinyConfig } from './cli-helpers';

const folder = mkdtempSync(join(tmpdir(), 'compare-data-'));
const config = { ...tinyConfig, dataset: undefined, parameterisations: ['eps', 'x0'], weightings: ['natural'], samplers: ['euler'], nfe: [4], steps: 40, samples: 200, checkpointEvery: 5 };
const csv = join(folder, 'points.csv');

/** Runs the built CLI with exactly these flags. */
function runRaw(flags: string[]): { status: number | null; stderr: string } {
  const result = spawnSync(process.execPath, [cliPath, ...flags], { encoding: 'utf8', timeout: 240_000, killSignal: 'SIGKILL' });
  return { status: result.status, stderr: result.stderr };
}

/** Runs' figures without timings: equal for an interrupted-and-resumed comparison and an unstopped one. */
function figures(outDir: string): string {
  const results = JSON.parse(readFileSync(join(outDir, 'results.json'), 'utf8')) as { runs: Array<Record<string, unknown> & { samples: Array<Record<string, unknown>> }> };
  return JSON.stringify(results.runs.map(({ trainSeconds: _seconds, samples, ...run }) => ({ ...run, samples: samples.map(({ seconds: _time, ...sample }) => sample) })));
}

describe('compare --data and --resume', () => {
  let reference = '';
  beforeAll(() => {
    ensureBuilt();
    const lines = ['a,b'];
    for (let row = 0; row < 400; row += 1) lines.push(`${Math.cos(row) * 3 + 10},${Math.sin(row * 1.7) - 5}`);
    writeFileSync(csv, `${lines.join('\n')}\n`);
    const run = runCli(config, ['--data', csv]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    reference = run.outDir;
  });

  it('trains on a CSV file: sliced W1 and MMD against its own held-out rows', () => {
    const results = JSON.parse(readFileSync(join(reference, 'results.json'), 'utf8'));
    expect(results.config.data).toBe(csv);
    expect(results.runs).toHaveLength(2);
    expect(results.runs[0].samples[0].slicedWasserstein).toBeGreaterThan(0);
    expect(results.runs[0].samples[0].mmd).toBeDefined();
    expect(results.runs[0].nllBound).toBeDefined();
  });

  it('an interrupted comparison resumes at the run and step where it stopped, with the same figures', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'compare-resume-'));
    const configFile = join(outDir, 'config.json');
    writeFileSync(configFile, JSON.stringify(config));
    const child = spawn(process.execPath, [cliPath, '--config', configFile, '--data', csv, '--out', outDir], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 300_000, killSignal: 'SIGKILL' });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Ctrl-C once the second run has checkpointed: mid-way through the comparison.
    while (!existsSync(join(outDir, 'compare-state', 'x0-natural.safetensors')) && child.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 5));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toContain(`pnpm compare --resume ${outDir}`);
    const interrupted = JSON.parse(readFileSync(join(outDir, 'results.json'), 'utf8'));
    expect(interrupted.complete).toBe(false);
    expect(interrupted.runs.map((run: { id: string }) => run.id)).toEqual(['eps-natural']);
    const step = (JSON.parse(readFileSync(join(outDir, 'compare-state', 'x0-natural.losses.json'), 'utf8')) as number[]).length;
    expect(step).toBeGreaterThanOrEqual(5);
    expect(step).toBeLessThan(40);
    const resumed = runRaw(['--resume', outDir, '--quiet']);
    expect(resumed.status).toBe(0);
    expect(JSON.parse(readFileSync(join(outDir, 'results.json'), 'utf8')).complete).toBe(true);
    expect(figures(outDir)).toBe(figures(reference));
  });

  it('refuses --resume of a folder that is no comparison, and flags beside it, with exit 2', () => {
    const plain = runRaw(['--resume', folder]);
    expect(plain.status).toBe(2);
    expect(plain.stderr).toContain(`--resume: ${folder} is not a comparison's output folder`);
    const flags = runRaw(['--resume', reference, '--steps', '9']);
    expect(flags.status).toBe(2);
    expect(flags.stderr).toContain('--resume takes the comparison\'s config from its folder; drop --steps');
  });
});
