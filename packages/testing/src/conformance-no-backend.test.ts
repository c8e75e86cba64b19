import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const fixture = join(dirname(fileURLToPath(import.meta.url)), '__fixtures__', 'no-backend');
const vitestCli = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');

describe('describeSamplerConformance in a project without a tfjs backend', () => {
  it('fails the suite once with the no-backend DiffusionError saying how to set one up, not each check with tfjs\' "No backend found in registry"', () => {
    // A separate vitest run: this project's own setup file registers the cpu backend for every test file.
    const child = spawnSync(process.execPath, [vitestCli, 'run', '--config', join(fixture, 'vitest.config.ts'), '--root', fixture, '--reporter', 'verbose', '--color=false'], {
      encoding: 'utf8',
      timeout: 120_000,
      killSignal: 'SIGKILL',
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    });
    const output = `${child.stdout}\n${child.stderr}`;
    expect(child.status, output).toBe(1);
    expect(output).toMatch(/describeSamplerConformance: no TensorFlow\.js backend is registered; import a backend and start it/);
    // tfjs' own error shows only as the cause.
    const bare = output.split('\n').filter((line) => /Error: No backend found in registry/.test(line) && !line.startsWith('Caused by: '));
    expect(bare).toEqual([]);
    // The suite's hook failed (its checks are then skipped), not vitest itself.
    expect(output).toMatch(/Failed Suites 1/);
    expect(output).toMatch(/FAIL +forgot-backend\.fixture\.ts > sampler conformance: copy/);
  }, 150_000);
});
