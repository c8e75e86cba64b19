import type { Sampler } from '@diffusion/core';
import {
  createDdimSampler,
  createDdpmSampler,
  createDpmpp2mSampler,
  createDpmpp2mSdeSampler,
  createDpmpp3mSampler,
  createDpmpp3mSdeSampler,
  createEulerAncestralSampler,
  createEulerSampler,
  createHeunSampler,
  createLmsSampler,
  createUnipcSampler,
} from '@diffusion/samplers';
import { CliError } from './cli-error';
import { parseNamedSpec } from './named-spec';

/** The built-in sampler factories by name; each checks its own options. */
const factories: Record<string, (options: never) => Sampler> = {
  ddpm: createDdpmSampler,
  ddim: createDdimSampler,
  euler: createEulerSampler,
  'euler-ancestral': createEulerAncestralSampler,
  heun: createHeunSampler,
  'dpmpp-2m': createDpmpp2mSampler,
  'dpmpp-3m': createDpmpp3mSampler,
  'dpmpp-2m-sde': createDpmpp2mSdeSampler,
  'dpmpp-3m-sde': createDpmpp3mSdeSampler,
  unipc: createUnipcSampler,
  lms: createLmsSampler,
};

/** A sampler from `name` or `name{…JSON options…}` (`--sampler`); unknown names list the known ones. */
export function samplerFromSpec(text: string): Sampler {
  const { name, options } = parseNamedSpec('--sampler', text);
  const factory = factories[name];
  if (factory === undefined) throw new CliError(`--sampler: unknown sampler ${JSON.stringify(name)}; known: ${Object.keys(factories).join(', ')}`);
  return factory(options as never);
}
