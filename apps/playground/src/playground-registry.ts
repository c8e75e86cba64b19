import { createRegistry, type LossWeighting, type Registry, type Sampler, type Schedule, type TimeDensity } from '@diffusion/core';
import { createLossWeightingForSchedule, createTimeDensityForSchedule, lossWeightingNames, timeDensityNames } from '@diffusion/loss-weightings';
import { builtinParameterisations } from '@diffusion/parameterisations';
import { builtinSamplers } from '@diffusion/samplers';
import { builtinSchedules } from '@diffusion/schedules';

/** A plugin name that the registry of a schedule cannot hold, with the reason (shown on the page). */
export interface UnavailableChoice {
  readonly kind: 'lossWeightings' | 'timeDensities';
  readonly name: string;
  readonly reason: string;
}

/** A registry built for one schedule, and the built-ins it had to leave out. */
export interface PlaygroundRegistry {
  readonly registry: Registry;
  /** The schedule the weightings and densities were built for. */
  readonly schedule: Schedule;
  readonly unavailable: readonly UnavailableChoice[];
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Every built-in loss weighting that can be built for `schedule` (`density-weighted` needs a density and is left out). */
function weightingsFor(schedule: Schedule, unavailable: UnavailableChoice[]): LossWeighting[] {
  const weightings: LossWeighting[] = [];
  for (const name of lossWeightingNames) {
    try {
      if (name === 'density-weighted') throw new Error('needs a time density to divide by; not offered on this page');
      weightings.push(createLossWeightingForSchedule(name, schedule));
    } catch (error) {
      unavailable.push({ kind: 'lossWeightings', name, reason: reasonOf(error) });
    }
  }
  return weightings;
}

/** Every built-in time density that can be built for `schedule` (discrete ones on the schedule's grid). */
function densitiesFor(schedule: Schedule, unavailable: UnavailableChoice[]): TimeDensity[] {
  const densities: TimeDensity[] = [];
  for (const name of timeDensityNames) {
    try {
      densities.push(createTimeDensityForSchedule(name, schedule));
    } catch (error) {
      unavailable.push({ kind: 'timeDensities', name, reason: reasonOf(error) });
    }
  }
  return densities;
}

/**
 * The built-in samplers the page offers: every one that spends an NFE budget. An adaptive sampler
 * (dpm-adaptive) picks its own steps from a tolerance, which the page's NFE slider cannot set.
 */
export function playgroundSamplers(): Sampler[] {
  return builtinSamplers().filter((sampler) => sampler.adaptive !== true);
}

/**
 * The page's registry for one schedule: every built-in schedule, parameterisation and sampler
 * (plus `extraSamplers`), and the weightings and densities that this schedule supports. The
 * pickers list `registry.<kind>.names()`, so a plugin added here shows up on the page.
 */
export function buildPlaygroundRegistry(scheduleName?: string, extraSamplers: readonly Sampler[] = []): PlaygroundRegistry {
  const schedules = builtinSchedules();
  // Unknown names throw the registry's error, which lists the names it holds.
  const schedule = scheduleName === undefined ? schedules[0]! : createRegistry({ schedules }).schedules.get(scheduleName);
  const unavailable: UnavailableChoice[] = [];
  const registry = createRegistry({
    schedules,
    parameterisations: builtinParameterisations(),
    lossWeightings: weightingsFor(schedule, unavailable),
    timeDensities: densitiesFor(schedule, unavailable),
    samplers: [...playgroundSamplers(), ...extraSamplers],
  });
  return { registry, schedule, unavailable };
}

/** The weighting picker's extra first choice: no weighting object, the parameterisation's own MSE. */
export const naturalWeighting = 'natural';
