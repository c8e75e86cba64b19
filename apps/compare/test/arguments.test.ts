import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliPath, ensureBuilt, tinyConfig } from './cli-helpers';

/** Runs the built CLI (optionally as another user) and times it. */
function run(args: string[], options: { uid?: number; gid?: number; timeout?: number } = {}) {
  const started = performance.now();
  const result = spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8', timeout: options.timeout ?? 120_000, killSignal: 'SIGKILL', env: { ...process.env, DIFFUSION_COMPARE_STAGES: '1' }, ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.gid }) });
  return { status: result.status, signal: result.signal, stderr: result.stderr, stdout: result.stdout, seconds: (performance.now() - started) / 1000 };
}

function configFile(config: Record<string, unknown>): string {
  const path = join(mkdtempSync(join(tmpdir(), 'compare-args-')), 'config.json');
  writeFileSync(path, JSON.stringify(config));
  return path;
}

/** Exit 2, a one-line `diffusion-compare: …` message matching `pattern`, no stack, and no work done. */
function expectUsageError(result: ReturnType<typeof run>, pattern: RegExp): void {
  expect(result.signal, `timed out: ${result.stderr}`).toBeNull();
  expect(result.status, result.stderr).toBe(2);
  expect(result.stderr).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  expect(result.stderr).not.toMatch(/stage: /);
}

describe('argument errors exit 2 (issue #19)', () => {
  beforeAll(() => ensureBuilt(), 600_000);
  const config = configFile({ ...tinyConfig, parameterisations: ['eps'], weightings: ['natural'] });
  const out = () => mkdtempSync(join(tmpdir(), 'compare-args-out-'));

  it.each([
    [['--steps', '2.5'], /--steps.*2\.5/],
    [['--steps', 'abc'], /--steps.*abc/],
    [['--learning-rate', 'NaN'], /--learning-rate.*NaN/],
    [['--stepz', '3'], /unknown option '--stepz'/],
  ])('%j', (flags, pattern) => {
    expectUsageError(run(['--config', config, '--out', out(), ...flags]), pattern);
  });

  // A sampler without sample() (the kit's loader refuses it too); one declaring 0 evaluations per step
  // (compare hung on it, > 120 s); one of another contract version (a raw stack, exit 1).
  it.each([
    ["{ name: 'broken', specificationVersion: 'v1', options: {}, evaluationsPerStep: 1, stochastic: false }", /samplers\[0\].*sample/],
    ["{ name: 'broken', specificationVersion: 'v1', evaluationsPerStep: 0, stochastic: false, sample: (denoise, noise) => noise.clone() }", /samplers\[0\].*evaluationsPerStep is 0; expected a positive integer/],
    ["{ name: 'broken', specificationVersion: 'v2', evaluationsPerStep: 1, stochastic: false, sample: (denoise, noise) => noise.clone() }", /samplers\[0\].*specificationVersion is "v2"; expected "v1"/],
  ])('a plugin whose sampler is malformed: %s', (sampler, pattern) => {
    const folder = mkdtempSync(join(tmpdir(), 'compare-plugin-'));
    const plugin = join(folder, 'broken-plugin.mjs');
    writeFileSync(plugin, `export const plugin = { samplers: [${sampler}] };\n`);
    const result = run(['--config', configFile({ ...tinyConfig, parameterisations: ['eps'], weightings: ['natural'], samplers: ['broken'] }), '--out', out(), '--plugin', plugin], { timeout: 60_000 });
    expectUsageError(result, new RegExp(`--plugin.*broken-plugin\\.mjs.*${pattern.source}`));
  });
});

describe('the output folder is checked before any work (issue #19)', () => {
  beforeAll(() => ensureBuilt(), 600_000);
  const config = configFile({ ...tinyConfig, parameterisations: ['eps'], weightings: ['natural'] });

  it('--out naming a file: EEXIST, exit 2', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'compare-out-')), 'results.txt');
    writeFileSync(file, 'mine');
    expectUsageError(run(['--config', config, '--out', file]), new RegExp(`--out: .*${file.replace(/[.]/g, '\\.')}.*EEXIST`));
  });

  it('--out below a file: ENOTDIR, exit 2', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'compare-out-')), 'results.txt');
    writeFileSync(file, 'mine');
    expectUsageError(run(['--config', config, '--out', join(file, 'below')]), /--out: .*ENOTDIR/);
  });

  it('--out in a read-only folder: EACCES, exit 2', () => {
    const parent = mkdtempSync(join(tmpdir(), 'compare-out-'));
    const readOnly = join(parent, 'read-only');
    mkdirSync(readOnly);
    chmodSync(readOnly, 0o555);
    chmodSync(parent, 0o755);
    // root writes anywhere: run the CLI as "nobody" then, so the folder really is read-only to it.
    const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    chmodSync(config, 0o644);
    chmodSync(dirname(config), 0o755);
    for (const target of [readOnly, join(readOnly, 'new-folder')]) {
      expectUsageError(run(['--config', config, '--out', target], asUser), /--out: .*EACCES/);
    }
    expect(readdirSync(readOnly)).toEqual([]);
  });

  it('--out /proc/x fails at once instead of hanging', () => {
    const result = run(['--config', config, '--out', '/proc/x'], { timeout: 60_000 });
    expectUsageError(result, /--out: .*\/proc\/x/);
    expect(result.seconds).toBeLessThan(30);
  });
});
