import type { Sampler } from '@diffusion/core';
import { ConfigError } from './config';

/** A sampler asked for by a run: its name, the options given (none: defaults), and the plugin that provides it. */
export interface SamplerRequest {
  readonly name: string;
  readonly options?: Readonly<Record<string, unknown>>;
  /** The `--plugin` specifier that provides it; absent for built-ins and samplers of `plugins`. */
  readonly plugin?: string;
}

/** What results.json records per sampler: enough to build it again. */
export interface SamplerRecord {
  /** How the run names it: `name`, or `name{options}` when options were given. */
  readonly label: string;
  readonly name: string;
  /** Every option after defaults (`sampler.options`). */
  readonly options: Readonly<Record<string, unknown>>;
  /** The plugin specifier that provided it, `null` for a built-in. */
  readonly plugin: string | null;
  /** The plugin package's version, when it has one. */
  readonly pluginVersion?: string;
}

/** Splits `a,b{"x":[1,2]},c` at the commas outside braces, brackets and strings. */
export function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let inString = false;
  let current = '';
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index]!;
    if (inString) {
      if (char === '\\') {
        current += char + (text[index + 1] ?? '');
        index += 1;
        continue;
      }
      if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{' || char === '[') depth += 1;
    else if (char === '}' || char === ']') depth -= 1;
    else if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
      continue;
    }
    current += char;
  }
  parts.push(current);
  return parts.map((part) => part.trim()).filter((part) => part !== '');
}

/** Parses one `name` or `name{"option":value}` entry. */
export function parseSamplerEntry(entry: string, field = 'samplers'): SamplerRequest {
  const match = /^([a-z0-9]+(?:-[a-z0-9]+)*)\s*(\{[\s\S]*\})?$/.exec(entry.trim());
  if (match === null) throw new ConfigError(`${field}: ${JSON.stringify(entry)} is not a sampler entry; expected a kebab-case name, optionally followed by JSON options, e.g. ipndm{"order":3}`);
  if (match[2] === undefined) return { name: match[1]! };
  let options: unknown;
  try {
    options = JSON.parse(match[2]);
  } catch (error) {
    throw new ConfigError(`${field}: the options of ${JSON.stringify(match[1])} in ${JSON.stringify(entry)} are not valid JSON: ${(error as Error).message}`);
  }
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new ConfigError(`${field}: the options of ${JSON.stringify(match[1])} must be a JSON object`);
  return { name: match[1]!, options: options as Record<string, unknown> };
}

/** Parses `--samplers 'ipndm{"order":3},dpmpp-2m'`. */
export function parseSamplerList(text: string): SamplerRequest[] {
  return splitTopLevel(text).map((entry) => parseSamplerEntry(entry));
}

/** The label of a request: its name, with the options it was given. */
export function samplerLabel(request: SamplerRequest): string {
  return request.options === undefined || Object.keys(request.options).length === 0 ? request.name : `${request.name}${JSON.stringify(request.options)}`;
}

/** A sampler compare can build: its default instance, its factory (if any) and its source. */
export interface SamplerSource {
  readonly sampler: Sampler;
  readonly create: ((options?: never) => Sampler) | undefined;
  readonly plugin: string | null;
  readonly pluginVersion: string | undefined;
}

/** A resolved request: the instance to run under its label, and its record. */
export interface ChosenSampler {
  readonly label: string;
  readonly sampler: Sampler;
  readonly record: SamplerRecord;
}

/** Builds every requested sampler from the catalogue (built-ins and plugins), options passed to its factory. */
export function chooseSamplers(requests: readonly SamplerRequest[], catalogue: ReadonlyMap<string, SamplerSource>): ChosenSampler[] {
  const chosen: ChosenSampler[] = [];
  for (const request of requests) {
    const label = samplerLabel(request);
    const source = catalogue.get(request.name);
    if (source === undefined) throw new ConfigError(`samplers: unknown name ${JSON.stringify(request.name)}; known: ${[...catalogue.keys()].join(', ')}`);
    if (chosen.some((other) => other.label === label)) throw new ConfigError(`samplers: ${label} is listed twice`);
    let sampler = source.sampler;
    if (request.options !== undefined && Object.keys(request.options).length > 0) {
      if (source.create === undefined) throw new ConfigError(`samplers: ${JSON.stringify(request.name)} takes no options here: its plugin exports a sampler object; export its factory instead (plugin = { samplers: [createXxxSampler] })`);
      sampler = source.create(request.options as never);
    }
    chosen.push({ label, sampler: label === sampler.name ? sampler : { ...sampler, name: label }, record: { label, name: request.name, options: sampler.options, plugin: source.plugin, ...(source.pluginVersion === undefined ? {} : { pluginVersion: source.pluginVersion }) } });
  }
  return chosen;
}
