import type { Sampler } from '@diffusion/core';
import { ConfigError } from './config';

/** The members every sampler must have (the core `Sampler` contract, v1), with what each must be. */
const required: ReadonlyArray<[keyof Sampler, (value: unknown) => boolean, string]> = [
  ['name', (value) => typeof value === 'string' && value !== '', 'a non-empty string'],
  ['specificationVersion', (value) => value === 'v1', '"v1"'],
  ['evaluationsPerStep', (value) => Number.isInteger(value) && (value as number) > 0, 'a positive integer'],
  ['stochastic', (value) => typeof value === 'boolean', 'a boolean'],
  ['sample', (value) => typeof value === 'function', 'a function sample(denoise, noise, sigmas, options)'],
];
const optional: ReadonlyArray<[keyof Sampler, (value: unknown) => boolean, string]> = [
  ['minimumSteps', (value) => Number.isInteger(value) && (value as number) >= 2, 'an integer >= 2'],
  ['evaluations', (value) => typeof value === 'function', 'a function evaluations(steps)'],
];

/** Checks a plugin's samplers against the Sampler contract before anything runs; a ConfigError (exit 2) names the module, the index and the member. */
export function checkPluginSamplers(specifier: string, samplers: readonly unknown[]): Sampler[] {
  return samplers.map((sampler, index) => {
    const where = `--plugin: module ${JSON.stringify(specifier)}: samplers[${index}]`;
    if (typeof sampler !== 'object' || sampler === null) throw new ConfigError(`${where} is ${sampler === null ? 'null' : typeof sampler}; expected a Sampler object`);
    const record = sampler as Record<string, unknown>;
    const label = typeof record.name === 'string' ? ` (${JSON.stringify(record.name)})` : '';
    for (const [member, valid, allowed] of required) {
      if (!valid(record[member])) throw new ConfigError(`${where}${label}: ${member} is ${describe(record[member])}; expected ${allowed}`);
    }
    for (const [member, valid, allowed] of optional) {
      if (record[member] !== undefined && !valid(record[member])) throw new ConfigError(`${where}${label}: ${member} is ${describe(record[member])}; expected ${allowed} or nothing`);
    }
    return sampler as Sampler;
  });
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (typeof value === 'function') return 'a function';
  return JSON.stringify(value) ?? String(value);
}
