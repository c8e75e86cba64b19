import { DiffusionError, type Sampler } from '@diffusion/core';

/** A sampler factory: checks its options and returns a sampler carrying them. */
export type SamplerFactory = (options?: never) => Sampler;

/**
 * The module shape of a sampler plugin: `export const plugin = { samplers: [createIpndmSampler] }`
 * (and `export default plugin`). Each entry is a factory (so apps can pass options:
 * `--samplers 'ipndm{"order":3}'`) or a sampler instance (default options only).
 */
export interface SamplerPlugin {
  readonly samplers: readonly (SamplerFactory | Sampler)[];
}

/** One sampler a plugin offers: its name, its default instance, and its factory when the plugin exports one. */
export interface PluginSampler {
  readonly name: string;
  readonly sampler: Sampler;
  readonly create: SamplerFactory | undefined;
}

/**
 * The samplers of a loaded plugin module (`plugin`, else `default`, else the module itself),
 * factories called once without options for their name. Throws a `DiffusionError` naming
 * `where` when the module exports no samplers.
 */
export function samplersOfPlugin(module: unknown, where: string): PluginSampler[] {
  const namespace = (module ?? {}) as Record<string, unknown>;
  const candidate = (namespace.plugin ?? namespace.default ?? namespace) as Partial<SamplerPlugin> | undefined;
  const entries = candidate?.samplers;
  if (!Array.isArray(entries) || entries.length === 0) {
    throw new DiffusionError('invalid-argument', `${where} exports no samplers; expected \`export const plugin = { samplers: [createXxxSampler] }\` (factories or sampler objects).`, { field: where, allowed: 'a module exporting plugin = { samplers: [...] }' });
  }
  return entries.map((entry, index) => {
    const create = typeof entry === 'function' ? (entry as SamplerFactory) : undefined;
    const sampler = create === undefined ? (entry as Sampler) : create();
    if (typeof sampler !== 'object' || sampler === null || typeof sampler.name !== 'string' || typeof sampler.sample !== 'function') {
      throw new DiffusionError('invalid-argument', `${where}: plugin.samplers[${index}] is not a sampler or a factory of one.`, { field: `${where}.samplers[${index}]`, allowed: 'a Sampler or a function (options?) => Sampler' });
    }
    return { name: sampler.name, sampler, create };
  });
}
