import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LoadedPlugin } from '@diffusion/sampler-kit/node';
import { secondTfjsMessage } from '../src/plugins';

// A plugin folder whose node_modules holds a tfjs-core manifest of the given version.
const root = mkdtempSync(join(tmpdir(), 'compare-tfjs-copy-'));
function pluginWithTfjs(name: string, version: string | undefined): LoadedPlugin {
  const directory = join(root, name);
  const tfjs = join(directory, 'node_modules', '@tensorflow', 'tfjs-core');
  mkdirSync(tfjs, { recursive: true });
  writeFileSync(join(tfjs, 'package.json'), JSON.stringify(version === undefined ? { name: '@tensorflow/tfjs-core' } : { name: '@tensorflow/tfjs-core', version }));
  return { specifier: name, packageDirectory: directory, samplers: [] } as unknown as LoadedPlugin;
}
const ours = { directory: '/somewhere/else/@tensorflow/tfjs-core', version: '4.22.0' };

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('a plugin that resolves another copy of tfjs-core', () => {
  it('is a note when the versions match (one engine, kernel registry and Tensor class in process globals)', () => {
    const message = secondTfjsMessage(pluginWithTfjs('same', '4.22.0'), ours);
    expect(message?.level).toBe('note');
    expect(message?.text).toMatch(/both 4\.22\.0.*harmless/);
    expect(message?.text).toContain(realpathSync(join(root, 'same', 'node_modules', '@tensorflow', 'tfjs-core')));
  });

  it('is a warning naming both versions when they differ, or when its version is unknown', () => {
    const other = secondTfjsMessage(pluginWithTfjs('older', '4.21.0'), ours);
    expect(other?.level).toBe('warning');
    expect(other?.text).toMatch(/4\.21\.0 against compare's 4\.22\.0.*peerDependencies/);
    expect(secondTfjsMessage(pluginWithTfjs('unknown', undefined), ours)?.level).toBe('warning');
  });

  it('says nothing when the plugin resolves compare own copy, or has no package folder', () => {
    const plugin = pluginWithTfjs('shared', '4.22.0');
    const directory = realpathSync(join(root, 'shared', 'node_modules', '@tensorflow', 'tfjs-core'));
    expect(secondTfjsMessage(plugin, { directory, version: '4.22.0' })).toBeUndefined();
    expect(secondTfjsMessage({ ...plugin, packageDirectory: undefined } as LoadedPlugin, ours)).toBeUndefined();
  });
});
