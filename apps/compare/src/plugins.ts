import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { DiffusionError } from '@diffusion/core';
import { builtinSamplerFactories } from '@diffusion/samplers';
import { loadSamplerPlugin, tfjsCoreFrom, type LoadedPlugin } from '@diffusion/sampler-kit/node';
import { ConfigError } from './config';
import { checkPluginSamplers } from './plugin-checks';
import type { SamplerSource } from './sampler-specs';

/** The `@tensorflow/tfjs-core` compare itself runs on. */
function ownTfjsCore(): { directory: string; version: string | undefined } {
  const manifest = createRequire(import.meta.url).resolve('@tensorflow/tfjs-core/package.json');
  return { directory: realpathSync(dirname(manifest)), version: (createRequire(import.meta.url)('@tensorflow/tfjs-core/package.json') as { version?: string }).version };
}

/**
 * What to tell the user when a plugin loads another copy of `@tensorflow/tfjs-core` than compare's.
 * tfjs-core keeps its engine (`_tfengine`), its kernel registry and its `Tensor` class in process
 * globals, and `instanceof Tensor` is duck-typed (`Symbol.hasInstance`), so a second copy of the
 * same version shares compare's engine: a note, as in the documented `pnpm --dir <repo> compare`
 * flow, where the plugin's peer resolves in the user's project. Another version is a warning:
 * the first copy's engine runs the second copy's ops, and the two can disagree.
 */
export function secondTfjsMessage(plugin: LoadedPlugin, ours: { directory: string; version: string | undefined } = ownTfjsCore()): { level: 'note' | 'warning'; text: string } | undefined {
  if (plugin.packageDirectory === undefined) return undefined;
  const theirs = tfjsCoreFrom(plugin.packageDirectory);
  if (theirs === undefined || theirs.directory === ours.directory) return undefined;
  const where = `${theirs.directory}; compare uses ${ours.directory}`;
  if (theirs.version !== undefined && theirs.version === ours.version) {
    return { level: 'note', text: `--plugin ${JSON.stringify(plugin.specifier)}: it resolves another copy of @tensorflow/tfjs-core (${where}; both ${ours.version}). The same version shares compare's engine, kernels and Tensor class (process globals), so this is harmless; tfjs may print "Platform node has already been set".` };
  }
  return { level: 'warning', text: `--plugin ${JSON.stringify(plugin.specifier)}: it loads a second copy of @tensorflow/tfjs-core (${where}; ${theirs.version} against compare's ${ours.version}). Keep one engine of one version: list @tensorflow/tfjs-core under the plugin's peerDependencies (not dependencies) and install the version compare uses beside it, or install the plugin where compare is installed.` };
}

/** Loads plugin modules the Node way (from the working folder, then as paths, then compare's own dependencies). */
export async function loadPlugins(specifiers: readonly string[], log: (line: string) => void): Promise<LoadedPlugin[]> {
  const plugins: LoadedPlugin[] = [];
  for (const specifier of specifiers) {
    try {
      const plugin = await loadSamplerPlugin(specifier, { cwd: process.cwd(), fallbackFrom: import.meta.url });
      checkPluginSamplers(specifier, plugin.samplers.map((entry) => entry.sampler));
      const message = secondTfjsMessage(plugin);
      if (message !== undefined) log(`${message.level}: ${message.text}`);
      plugins.push(plugin);
    } catch (error) {
      if (error instanceof DiffusionError) throw new ConfigError(error.message);
      throw error;
    }
  }
  return plugins;
}

/** Every sampler compare can build by name: the built-ins, then each plugin's (a name taken twice is an error). */
export function samplerCatalogue(plugins: readonly LoadedPlugin[]): Map<string, SamplerSource> {
  const catalogue = new Map<string, SamplerSource>();
  for (const [name, create] of Object.entries(builtinSamplerFactories())) catalogue.set(name, { sampler: create(), create, plugin: null, pluginVersion: undefined });
  for (const plugin of plugins) {
    for (const { name, sampler, create } of plugin.samplers) {
      const taken = catalogue.get(name);
      if (taken !== undefined) throw new ConfigError(`--plugin ${JSON.stringify(plugin.specifier)}: a sampler named ${JSON.stringify(name)} is already provided by ${taken.plugin === null ? 'the built-ins' : `--plugin ${JSON.stringify(taken.plugin)}`}`);
      catalogue.set(name, { sampler, create, plugin: plugin.specifier, pluginVersion: plugin.version });
    }
  }
  return catalogue;
}
