import { DiffusionError, type Guider } from '@diffusion/core';
import { builtinGuiderFactories } from '@diffusion/guidance';
import { ConfigError } from '../config';

/** A guider asked for by a run: its name, the guidance scales to sweep, and its other options. */
export interface GuidanceRequest {
  readonly name: string;
  /** Guidance scales `w` (diffusers' `guidance_scale`: 1 is the conditional model, 0 the unconditional). */
  readonly scales: readonly number[];
  /** Options of the guider other than `guidanceScale` (none: its defaults). */
  readonly options?: Readonly<Record<string, unknown>>;
}

/** The guider names compare knows (the four of @diffusion/guidance). */
export const guiderNames = builtinGuiderFactories().map((factory) => factory.name);

/**
 * Parses one `--guidance` entry, `name:w1,w2,...` with optional JSON options after the scales
 * (`apg:1,2,4{"eta":0}`); `field` names the flag or config field in errors.
 */
export function parseGuidanceEntry(entry: string, field = '--guidance'): GuidanceRequest {
  const match = /^([a-z0-9]+(?:-[a-z0-9]+)*):([^{]*)(\{[\s\S]*\})?$/.exec(entry.trim());
  if (match === null) throw new ConfigError(`${field}: ${JSON.stringify(entry)} is not a guidance entry; expected name:scales with optional JSON options, e.g. cfg:1,2,4 or apg:1,2,4{"eta":0} (guiders: ${guiderNames.join(', ')})`);
  const scales = match[2]!.split(',').map((text) => text.trim());
  let options: unknown;
  if (match[3] !== undefined) {
    try {
      options = JSON.parse(match[3]);
    } catch (error) {
      throw new ConfigError(`${field}: the options of ${JSON.stringify(match[1])} in ${JSON.stringify(entry)} are not valid JSON: ${(error as Error).message}`);
    }
  }
  return checkGuidanceRequest({ name: match[1]!, scales: scales.map((text) => (text === '' ? Number.NaN : Number(text))), ...(options === undefined ? {} : { options: options as Record<string, unknown> }) }, field, entry);
}

/** Checks a request (from a flag or a config record) by building its guider at every scale; bad input is a ConfigError naming `field`. */
export function checkGuidanceRequest(request: { name: string; scales: readonly number[]; options?: unknown }, field: string, entry: string = request.name): GuidanceRequest {
  if (!guiderNames.includes(request.name)) throw new ConfigError(`${field}: unknown guider ${JSON.stringify(request.name)} in ${JSON.stringify(entry)}; known: ${guiderNames.join(', ')}`);
  const { options } = request;
  if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) throw new ConfigError(`${field}: the options of ${JSON.stringify(request.name)} must be a JSON object`);
  if (options !== undefined && 'guidanceScale' in options) throw new ConfigError(`${field}: give the guidance scales of ${JSON.stringify(request.name)} after the colon (${request.name}:1,2,4), not as the option guidanceScale`);
  if (request.scales.length === 0) throw new ConfigError(`${field}: ${JSON.stringify(entry)} lists no guidance scale; expected e.g. ${request.name}:1,2,4`);
  const seen = new Set<number>();
  for (const scale of request.scales) {
    if (typeof scale !== 'number' || !Number.isFinite(scale) || scale < 0) throw new ConfigError(`${field}: guidance scale ${String(scale)} of ${JSON.stringify(entry)} is not allowed; expected finite numbers >= 0 (1: the conditional model, 0: the unconditional one)`);
    if (seen.has(scale)) throw new ConfigError(`${field}: guidance scale ${scale} is listed twice in ${JSON.stringify(entry)}`);
    seen.add(scale);
    try {
      createGuider(request.name, scale, options as Record<string, unknown> | undefined);
    } catch (error) {
      if (error instanceof DiffusionError) throw new ConfigError(`${field}: ${JSON.stringify(entry)}: ${error.message}`);
      throw error;
    }
  }
  return { name: request.name, scales: [...request.scales], ...(options === undefined || Object.keys(options).length === 0 ? {} : { options: options as Record<string, unknown> }) };
}

/** The guider `name` at scale `guidanceScale` with `options` (checked by its factory). */
export function createGuider(name: string, guidanceScale: number, options: Readonly<Record<string, unknown>> = {}): Guider {
  const factory = builtinGuiderFactories().find((candidate) => candidate.name === name);
  if (factory === undefined) throw new ConfigError(`guidance: unknown guider ${JSON.stringify(name)}; known: ${guiderNames.join(', ')}`);
  return factory.create({ ...options, guidanceScale });
}

/** The label of a request, which `parseGuidanceEntry` reads back: `name:scales` and the options given. */
export function guidanceLabel(request: GuidanceRequest): string {
  return `${request.name}:${request.scales.join(',')}${request.options === undefined ? '' : JSON.stringify(request.options)}`;
}

/** The label of one guider at one scale in tables: `cfg w=2`, `apg{"eta":0} w=2`. */
export function guiderCellLabel(request: GuidanceRequest): string {
  return `${request.name}${request.options === undefined ? '' : JSON.stringify(request.options)}`;
}
