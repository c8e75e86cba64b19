import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { appDir, cliPath, ensureBuilt } from './cli-helpers';

// The user's way: pack the plugin and the @diffusion packages it peers on, install the tarballs
// into a project outside the repository (pnpm from its store, no network), and run compare there.
const repo = resolve(appDir, '..', '..');
const tiny = { dataset: 'mixture', parameterisations: ['eps'], weightings: ['natural'], nfe: [4], steps: 20, batch: 32, hiddenWidths: [16], samples: 300, profileBins: 2, backend: 'cpu', quiet: true };

interface Results {
  samplers: Array<{ label: string; name: string; options: Record<string, unknown>; plugin: string | null; pluginVersion?: string }>;
  runs: Array<{ samples: Array<{ sampler: string; slicedWasserstein: number }> }>;
}

function run(command: string, args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 240_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('a packed plugin installed in a project outside the repository', () => {
  let project: string;
  const compare = (flags: string[]) => {
    const result = run(process.execPath, [cliPath, '--config', join(project, 'tiny.json'), ...flags], project);
    expect(result.stderr).not.toMatch(/Error|diffusion-compare:/);
    expect(result.status).toBe(0);
    return result;
  };
  const resultsOf = (out: string) => JSON.parse(readFileSync(join(project, out, 'results.json'), 'utf8')) as Results;

  beforeAll(() => {
    ensureBuilt();
    project = realpathSync(mkdtempSync(join(tmpdir(), 'plugin-project-')));
    const tarballs = join(project, 'tarballs');
    for (const folder of ['packages/core', 'packages/sampler-kit', 'apps/diffusion-sampler-deis']) {
      const packed = run('pnpm', ['pack', '--pack-destination', tarballs], join(repo, folder));
      expect(packed.status, packed.stderr).toBe(0);
    }
    const files = ['diffusion-core-0.0.0.tgz', 'diffusion-sampler-kit-0.0.0.tgz', 'diffusion-sampler-deis-0.0.0.tgz'].map((file) => join(tarballs, file));
    // The packages are not on a registry: the kit's own dependency on core resolves to the tarball too.
    const overrides = { '@diffusion/core': `file:${files[0]}`, '@diffusion/sampler-kit': `file:${files[1]}` };
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'my-project', private: true, type: 'module', pnpm: { overrides } }));
    writeFileSync(join(project, 'tiny.json'), JSON.stringify(tiny));
    const installed = run('pnpm', ['add', '--offline', ...files, '@tensorflow/tfjs-core@4.22.0'], project);
    expect(installed.status, installed.stderr + installed.stdout).toBe(0);
  }, 300_000);

  it('runs compare there with the plugin by bare name and sampler options, recording { name, options, plugin }', () => {
    const result = compare(['--out', 'by-name', '--plugin', 'diffusion-sampler-deis', '--samplers', 'deis{"order":2,"variant":"rhoAB"},euler']);
    // The plugin resolves the project's tfjs-core, compare its own, of the same version: one engine, said as a note.
    expect(result.stderr).toMatch(/note: --plugin "diffusion-sampler-deis": it resolves another copy of @tensorflow\/tfjs-core .*both 4\.22\.0.*harmless/);
    expect(result.stderr).not.toMatch(/warning: --plugin/);
    const results = resultsOf('by-name');
    expect(results.samplers).toEqual([
      { label: 'deis{"order":2,"variant":"rhoAB"}', name: 'deis', options: { order: 2, variant: 'rhoAB', betaMin: 0.1, betaMax: 20 }, plugin: 'diffusion-sampler-deis', pluginVersion: '0.0.0' },
      { label: 'euler', name: 'euler', options: {}, plugin: null },
    ]);
    expect(results.runs[0]!.samples.map((sample) => sample.sampler)).toEqual(['deis{"order":2,"variant":"rhoAB"}', 'euler']);
  });

  it('loads the same plugin by folder path, and repeats the run exactly from its results.json', () => {
    compare(['--out', 'by-path', '--plugin', './node_modules/diffusion-sampler-deis', '--samplers', 'deis{"order":2,"variant":"rhoAB"},euler']);
    compare(['--out', 'repeat', '--config', join(project, 'by-name', 'results.json')]);
    const first = resultsOf('by-name');
    const figures = (results: Results) => results.runs.map((entry) => entry.samples.map((sample) => [sample.sampler, sample.slicedWasserstein]));
    expect(figures(resultsOf('by-path'))).toEqual(figures(first));
    expect(figures(resultsOf('repeat'))).toEqual(figures(first));
    expect(resultsOf('repeat').samplers).toEqual(first.samplers);
  });
});
