import { createRequire } from 'node:module';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Sampler } from '@diffusion/core';
import { ConfigError } from './config';

/** The shape of an outside plugin module: `export const plugin = { samplers: [...] }` (or a default export of that). */
export interface PluginModule {
  readonly samplers?: readonly Sampler[];
}

function resolveSpecifier(specifier: string): string {
  if (specifier.startsWith('.') || isAbsolute(specifier)) return pathToFileURL(resolve(specifier)).href;
  // Resolve from the user's folder first, then from the app's own dependencies.
  for (const base of [`${process.cwd()}/`, import.meta.url]) {
    try {
      return pathToFileURL(createRequire(base).resolve(specifier)).href;
    } catch {
      // try the next base
    }
  }
  return specifier;
}

/** Loads the samplers of plugin modules by module name (`--plugin diffusion-sampler-deis`). */
export async function loadPluginSamplers(specifiers: readonly string[]): Promise<Sampler[]> {
  const samplers: Sampler[] = [];
  for (const specifier of specifiers) {
    let loaded: Record<string, unknown>;
    try {
      loaded = (await import(resolveSpecifier(specifier))) as Record<string, unknown>;
    } catch (error) {
      throw new ConfigError(`--plugin: cannot load module ${JSON.stringify(specifier)}: ${(error as Error).message.split('\n')[0]}`);
    }
    const candidate = (loaded.plugin ?? loaded.default ?? loaded) as PluginModule;
    const found = candidate.samplers;
    if (!Array.isArray(found) || found.length === 0) throw new ConfigError(`--plugin: module ${JSON.stringify(specifier)} exports no samplers; expected \`export const plugin = { samplers: [...] }\``);
    samplers.push(...found);
  }
  return samplers;
}
