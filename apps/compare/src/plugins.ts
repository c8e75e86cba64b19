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
 * A warning when a plugin would load another copy of `@tensorflow/tfjs-core` than compare's: tfjs
 * keeps its engine in a process global, so a second copy of the same version shares it, but
 * tensors made by one copy fail `instanceof` checks of the other and versions can drift apart.
 */
export function secondTfjsWarning(plugin: LoadedPlugin): string | undefined {
  if (plugin.packageDirectory === undefined) return undefined;
  const theirs = tfjsCoreFrom(plugin.packageDirectory);
  const ours = ownTfjsCore();
  if (theirs === undefined || theirs.directory === ours.directory) return undefined;
  const versions = theirs.version === ours.version ? `both ${ours.version}` : `${theirs.version} against compare's ${ours.version}`;
  return `--plugin ${JSON.stringify(plugin.specifier)}: it loads a second copy of @tensorflow/tfjs-core (${theirs.directory}; compare uses ${ours.directory}; ${versions}). Keep one engine: list @tensorflow/tfjs-core under the plugin's peerDependencies (not dependencies) and run compare from a project that installs both, or install the plugin where compare is installed.`;
}

/** Loads plugin modules the Node way (from the working folder, then as paths, then compare's own dependencies). */
export async function loadPlugins(specifiers: readonly string[], log: (line: string) => void): Promise<LoadedPlugin[]> {
  const plugins: LoadedPlugin[] = [];
  for (const specifier of specifiers) {
    try {
      const plugin = await loadSamplerPlugin(specifier, { cwd: process.cwd(), fallbackFrom: import.meta.url });
      checkPluginSamplers(specifier, plugin.samplers.map((entry) => entry.sampler));
      const warning = secondTfjsWarning(plugin);
      if (warning !== undefined) log(`warning: ${warning}`);
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
