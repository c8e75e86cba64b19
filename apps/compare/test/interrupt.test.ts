import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliPath, ensureBuilt, tinyConfig } from './cli-helpers';

describe('interrupting diffusion-compare', () => {
  beforeAll(() => ensureBuilt(), 600_000);

  it('on Ctrl-C keeps the finished runs and writes a report of what completed', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'compare-interrupt-'));
    const configPath = join(outDir, 'config.json');
    // Four runs; the later ones are long, so the interrupt lands after the first finished.
    writeFileSync(configPath, JSON.stringify({ ...tinyConfig, steps: 60, parameterisations: ['eps', 'x0'], weightings: ['natural', 'uniform'] }));
    const child = spawn(process.execPath, [cliPath, '--config', configPath, '--out', outDir, '--steps', '3000'], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000, killSignal: 'SIGKILL' });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const resultsPath = join(outDir, 'results.json');
    const deadline = Date.now() + 200_000;
    while (!existsSync(resultsPath) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    expect(existsSync(resultsPath)).toBe(true);
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(130);
    expect(stderr).toMatch(/interrupted/);
    const results = JSON.parse(readFileSync(resultsPath, 'utf8')) as { complete: boolean; runs: Array<{ id: string }> };
    expect(results.complete).toBe(false);
    expect(results.runs.length).toBeGreaterThanOrEqual(1);
    expect(results.runs.length).toBeLessThan(4);
    expect(results.runs[0]!.id).toBe('eps-natural');
    expect(readFileSync(join(outDir, 'report.html'), 'utf8')).toContain('Interrupted');
  });
});
