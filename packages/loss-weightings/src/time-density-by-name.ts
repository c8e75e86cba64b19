import { checkOneOf } from '@diffusion/core';
import type { TimeDensity } from '@diffusion/core';
import { createImportanceTimeDensity } from './importance-time-density';
import type { ImportanceTimeDensityOptions } from './importance-time-density';
import { createLogNormalTimeDensity } from './log-normal-time-density';
import type { LogNormalTimeDensityOptions } from './log-normal-time-density';
import { createLogitNormalTimeDensity } from './logit-normal-time-density';
import type { LogitNormalTimeDensityOptions } from './logit-normal-time-density';
import { createUniformTimeDensity } from './uniform-time-density';
import type { UniformTimeDensityOptions } from './uniform-time-density';

/** Options of each built-in time density, by name. */
export interface TimeDensityOptionsByName {
  uniform: UniformTimeDensityOptions | undefined;
  'log-normal': LogNormalTimeDensityOptions;
  'logit-normal': LogitNormalTimeDensityOptions | undefined;
  importance: ImportanceTimeDensityOptions;
}

/** Names of the built-in time densities. */
export type TimeDensityName = keyof TimeDensityOptionsByName;

/** The built-in time density names. */
export const timeDensityNames: readonly TimeDensityName[] = ['uniform', 'log-normal', 'logit-normal', 'importance'];

const factories: { [Name in TimeDensityName]: (options: TimeDensityOptionsByName[Name]) => TimeDensity } = {
  uniform: createUniformTimeDensity,
  'log-normal': createLogNormalTimeDensity,
  'logit-normal': createLogitNormalTimeDensity,
  importance: createImportanceTimeDensity,
};

/** Builds a built-in time density from its name and options (for JSON run configs); unknown names throw. */
export function createTimeDensity<Name extends TimeDensityName>(name: Name, options?: TimeDensityOptionsByName[Name]): TimeDensity {
  const checkedName = checkOneOf('createTimeDensity.name', name, timeDensityNames);
  const factory = factories[checkedName] as (options: unknown) => TimeDensity;
  return factory(options);
}
