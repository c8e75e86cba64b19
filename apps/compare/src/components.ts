import { createRegistry, type LossWeighting, type Registry, type Sampler, type Schedule, type TimeDensity } from '@diffusion/core';
import { createLossWeightingForSchedule, createTimeDensityForSchedule, lossWeightingNames, timeDensityNames, type LossWeightingName, type TimeDensityName } from '@diffusion/loss-weightings';
import { builtinParameterisations } from '@diffusion/parameterisations';
import { builtinSchedules } from '@diffusion/schedules';
import { ConfigError } from './config';

/** Names accepted where a weighting is asked for: `natural` plus every built-in weighting. */
export const weightingChoices = ['natural', ...lossWeightingNames.filter((name) => name !== 'density-weighted' && name !== 'sigmoid'), 'sigmoid'];

function unknown(field: string, value: string, known: readonly string[]): ConfigError {
  return new ConfigError(`${field}: unknown name ${JSON.stringify(value)}; known: ${known.join(', ')}`);
}

/** The registry of a compare run: the built-in schedules and parameterisations, and the run's samplers under their labels (`chooseSamplers`). */
export function buildRegistry(samplers: readonly Sampler[]): Registry {
  return createRegistry({ schedules: builtinSchedules(), parameterisations: builtinParameterisations(), samplers });
}

/** A weighting by name; `natural` gives `undefined` (the trainer then uses the parameterisation's own MSE). */
export function weightingByName(name: string, schedule: Schedule): LossWeighting | undefined {
  if (name === 'natural') return undefined;
  if (!(lossWeightingNames as readonly string[]).includes(name)) throw unknown('weightings', name, weightingChoices);
  if (name === 'density-weighted') throw new ConfigError('weightings: "density-weighted" needs a density and is not available from the command line');
  return createLossWeightingForSchedule(name as LossWeightingName, schedule);
}

/** A training-time density by name. */
export function timeDensityByName(name: string, schedule: Schedule): TimeDensity {
  if (!(timeDensityNames as readonly string[]).includes(name)) throw unknown('timeDensity', name, timeDensityNames);
  return createTimeDensityForSchedule(name as TimeDensityName, schedule);
}

/** Checks every name of a config up front, so a typo fails before any training. */
export function checkNames(registry: Registry, names: { schedule: string; parameterisations: readonly string[]; samplers: readonly string[] }): void {
  if (!registry.schedules.has(names.schedule)) throw unknown('schedule', names.schedule, registry.schedules.names());
  for (const name of names.parameterisations) if (!registry.parameterisations.has(name)) throw unknown('parameterisations', name, registry.parameterisations.names());
  for (const name of names.samplers) if (!registry.samplers.has(name)) throw unknown('samplers', name, registry.samplers.names());
}
