import type { Sampler } from '@diffusion/core';
import { builtinSamplerFactories } from '@diffusion/samplers';
import { CliError } from './cli-error';
import { parseNamedSpec } from './named-spec';

/** The built-in sampler factories by name (every one `@diffusion/samplers` ships); each checks its own options. */
const factories: Readonly<Record<string, (options: never) => Sampler>> = builtinSamplerFactories();

/** The names `--sampler` accepts, in `builtinSamplers()` order. */
export const samplerNames: readonly string[] = Object.keys(factories);

/** A sampler from `name` or `name{…JSON options…}` (`--sampler`); unknown names list the known ones. */
export function samplerFromSpec(text: string): Sampler {
  const { name, options } = parseNamedSpec('--sampler', text);
  const factory = Object.hasOwn(factories, name) ? factories[name] : undefined;
  if (factory === undefined) throw new CliError(`--sampler: unknown sampler ${JSON.stringify(name)}; known: ${samplerNames.join(', ')}`);
  return factory(options as never);
}
