// `@diffusion/sampler-kit/node`: finding and loading sampler plugins in Node (node:fs, node:module).
export { loadSamplerPlugin, resolvePlugin, tfjsCoreFrom } from './plugin-loader';
export type { LoadedPlugin, PluginLoadOptions, ResolvedPlugin } from './plugin-loader';
