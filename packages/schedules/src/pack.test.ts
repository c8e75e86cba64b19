import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import reference from './__fixtures__/schedules.json';

// Builds the package, packs it, installs the tarball into an empty folder outside the
// monorepo, and loads it there with import() and require(), as a user would.
const packageDirectory = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const linearAlphaBarLast = reference.beta_schedules.find((entry) => entry.name === 'linear')!.f64.alphas_cumprod[999]!;
let packDirectory = '';
let installDirectory = '';

function run(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('the packed package', () => {
  beforeAll(() => {
    run('pnpm', ['build'], packageDirectory);
    packDirectory = mkdtempSync(join(tmpdir(), 'schedules-pack-'));
    installDirectory = mkdtempSync(join(tmpdir(), 'schedules-install-'));
    run('pnpm', ['pack', '--pack-destination', packDirectory], packageDirectory);
    const tarball = readdirSync(packDirectory).find((name) => name.endsWith('.tgz'))!;
    writeFileSync(join(installDirectory, 'package.json'), JSON.stringify({ name: 'schedules-pack-check', private: true }));
    run('npm', ['install', join(packDirectory, tarball), '--offline', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock'], installDirectory);
  }, 120_000);

  afterAll(() => {
    for (const directory of [packDirectory, installDirectory]) if (directory !== '') rmSync(directory, { recursive: true, force: true });
  });

  it('loads through import() and require() outside the monorepo', () => {
    const script = (load: string) => `${load}.then((m) => { const s = m.createLinearSchedule(); const e = new m.DiffusionError('invalid-option', 'x'); process.stdout.write(JSON.stringify([s.alphasCumprod[999], e instanceof Error])); })`;
    for (const load of ["import('@diffusion/schedules')", "Promise.resolve(require('@diffusion/schedules'))"]) {
      const [alphaBar, isError] = JSON.parse(run('node', ['-e', script(load)], installDirectory)) as [number, boolean];
      expect(Math.abs(alphaBar / linearAlphaBarLast - 1)).toBeLessThan(1e-12);
      expect(isError).toBe(true);
    }
  });

  it('has no runtime dependency and no import of another package', () => {
    const installed = join(installDirectory, 'node_modules', '@diffusion', 'schedules');
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
    expect(Object.keys(manifest.dependencies ?? {})).toEqual([]);
    expect(Object.keys(manifest.peerDependencies ?? {})).toEqual([]);
    expect(readdirSync(join(installDirectory, 'node_modules')).filter((name) => !name.startsWith('.'))).toEqual(['@diffusion']);
    for (const file of ['index.js', 'index.cjs']) {
      const code = readFileSync(join(installed, 'dist', file), 'utf8');
      expect(code).not.toMatch(/^\s*import\s[^;]*from\s*['"]/m);
      expect(code).not.toMatch(/\bimport\s*\(/);
      expect(code).not.toMatch(/\brequire\s*\(/);
    }
    for (const file of ['index.d.ts', 'index.d.cts']) expect(readFileSync(join(installed, 'dist', file), 'utf8')).not.toMatch(/from\s*['"]@diffusion\/core/);
  });
});
