import type { Guider } from '@diffusion/core';
import { createApgGuider, type ApgGuiderOptions } from './apg-guider';
import { createCfgGuider, type CfgGuiderOptions } from './cfg-guider';
import { createCfgRescaleGuider, type CfgRescaleGuiderOptions } from './cfg-rescale-guider';
import { createGuidanceIntervalGuider, type GuidanceIntervalGuiderOptions } from './guidance-interval-guider';

/** A guider factory by name, for apps that build guiders from JSON (`{ name, options }`) or a command line. */
export interface GuiderFactory {
  /** The guiders' `name`. */
  readonly name: string;
  /** Contract version of the guiders it makes. */
  readonly specificationVersion: 'v1';
  /** Builds a guider; the options are checked by the factory. */
  create(options: Record<string, unknown>): Guider;
}

/** The four guiders of this package as factories by name: `cfg`, `cfg-rescale`, `guidance-interval`, `apg`. */
export function builtinGuiderFactories(): GuiderFactory[] {
  return [
    { name: 'cfg', specificationVersion: 'v1', create: (options) => createCfgGuider(options as unknown as CfgGuiderOptions) },
    { name: 'cfg-rescale', specificationVersion: 'v1', create: (options) => createCfgRescaleGuider(options as unknown as CfgRescaleGuiderOptions) },
    { name: 'guidance-interval', specificationVersion: 'v1', create: (options) => createGuidanceIntervalGuider(options as unknown as GuidanceIntervalGuiderOptions) },
    { name: 'apg', specificationVersion: 'v1', create: (options) => createApgGuider(options as unknown as ApgGuiderOptions) },
  ];
}
