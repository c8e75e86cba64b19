import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiffusionError } from '@diffusion/core';
import { describe, expect, it } from 'vitest';
import { loadSamplerPlugin, resolvePlugin } from './plugin-loader';

/** A throwaway project: an installed package with an exports map, a plain folder plugin and a module file. */
function project() {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'plugin-loader-')));
  const write = (path: string, text: string) => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  const module = (name: string) => `export const plugin = { samplers: [(options = {}) => ({ name: ${JSON.stringify(name)}, specificationVersion: 'v1', options, evaluationsPerStep: 1, stochastic: false, sample: () => { throw new Error('not here'); } })] };\nexport default plugin;\n`;
  write('node_modules/diffusion-sampler-a/package.json', JSON.stringify({ name: 'diffusion-sampler-a', version: '1.2.3', type: 'module', exports: { '.': { require: './dist/index.cjs', import: './dist/index.js' }, './extra': './dist/extra.js' } }));
  write('node_modules/diffusion-sampler-a/dist/index.js', module('a'));
  write('node_modules/diffusion-sampler-a/dist/extra.js', module('a-extra'));
  write('node_modules/@scope/diffusion-sampler-b/package.json', JSON.stringify({ name: '@scope/diffusion-sampler-b', version: '0.1.0', type: 'module', main: 'lib/main.js' }));
  write('node_modules/@scope/diffusion-sampler-b/lib/main.js', module('b'));
  write('plugins/c/package.json', JSON.stringify({ name: 'diffusion-sampler-c', type: 'module', exports: './out.js' }));
  write('plugins/c/out.js', module('c'));
  write('single.mjs', module('d'));
  mkdirSync(join(root, 'sub', 'deeper'), { recursive: true });
  return root;
}

describe('resolvePlugin (the Node way)', () => {
  const root = project();
  it('finds a bare name in node_modules of the working folder or a folder above, entry from "exports" (import condition)', () => {
    const found = resolvePlugin('diffusion-sampler-a', { cwd: join(root, 'sub', 'deeper') });
    expect(found).toMatchObject({ foundAs: 'package', file: join(root, 'node_modules/diffusion-sampler-a/dist/index.js'), packageName: 'diffusion-sampler-a', version: '1.2.3' });
    expect(resolvePlugin('diffusion-sampler-a/extra', { cwd: root }).file).toBe(join(root, 'node_modules/diffusion-sampler-a/dist/extra.js'));
    expect(resolvePlugin('@scope/diffusion-sampler-b', { cwd: root }).file).toBe(join(root, 'node_modules/@scope/diffusion-sampler-b/lib/main.js'));
  });

  it('takes a path to a folder with a package.json, or to a module file', () => {
    expect(resolvePlugin('./plugins/c', { cwd: root })).toMatchObject({ foundAs: 'path', file: join(root, 'plugins/c/out.js'), packageName: 'diffusion-sampler-c' });
    expect(resolvePlugin('plugins/c', { cwd: root }).file).toBe(join(root, 'plugins/c/out.js'));
    expect(resolvePlugin(join(root, 'single.mjs'), { cwd: tmpdir() }).file).toBe(join(root, 'single.mjs'));
  });

  it('says what it tried when nothing is found', () => {
    expect(() => resolvePlugin('diffusion-sampler-nope', { cwd: root })).toThrow(DiffusionError);
    expect(() => resolvePlugin('diffusion-sampler-nope', { cwd: root })).toThrow(/--plugin "diffusion-sampler-nope": cannot find it \(no package "diffusion-sampler-nope" in node_modules of .* or a folder above; no file or folder .*diffusion-sampler-nope\)\. Install it in the folder you run from/);
    expect(() => resolvePlugin('./sub', { cwd: root })).toThrow(/the folder .*sub has no package\.json \(with "exports" or "main"\) and no index\.js/);
  });

  it('imports the module and lists its samplers, factories included', async () => {
    const loaded = await loadSamplerPlugin('diffusion-sampler-a', { cwd: root });
    expect(loaded.samplers.map((entry) => entry.name)).toEqual(['a']);
    expect(loaded.samplers[0]!.create?.({ order: 2 } as never).options).toEqual({ order: 2 });
  });
});
