import type { Parameterisation, Schedule } from '@diffusion/core';
import { DiffusionError } from '@diffusion/core';
import { createEpsParameterisation, createFlowParameterisation, createVParameterisation, createX0Parameterisation } from '@diffusion/parameterisations';
import { fromDiffusersConfig } from '@diffusion/schedules';
import type { DiffusersScheduleSetup, DiffusersSchedulerClass, DiffusersTimesteps, FromDiffusersConfigOptions } from '@diffusion/schedules';
import { parseDiffusersJson } from './parse-diffusers-json';
import { diffusersSamplerFor } from './scheduler-mapping';
import type { DiffusersSamplerMapping } from './scheduler-mapping';

/** A diffusers scheduler config mapped onto this toolkit: schedule, parameterisation, sampler and ladder. */
export interface DiffusersScheduler {
  /** The config as read (`fromDiffusersConfig`). */
  readonly setup: DiffusersScheduleSetup;
  /** The scheduler class. */
  readonly className: DiffusersSchedulerClass;
  /** The training schedule. */
  readonly schedule: Schedule;
  /** What the network predicts, as one of our parameterisations (eps, x0, v, flow). */
  readonly parameterisation: Parameterisation;
  /** diffusers' `set_timesteps(n)`. */
  setTimesteps(steps: number): DiffusersTimesteps;
  /** The VE ladder of n steps our samplers run on (the scheduler's own sigmas, ending in 0). */
  ladder(steps: number): Float64Array;
  /** Our sampler for the class's algorithm, with options, and whether it reproduces diffusers' loop for n steps. */
  samplerFor(steps: number): DiffusersSamplerMapping;
}

/** Our parameterisation for a diffusers prediction type. */
export function parameterisationFor(setup: DiffusersScheduleSetup): Parameterisation {
  switch (setup.predictionType) {
    case 'epsilon': return createEpsParameterisation();
    case 'sample': return createX0Parameterisation();
    case 'v_prediction': return createVParameterisation();
    default: return createFlowParameterisation();
  }
}

/** Prefixes a DiffusionError from reading a config with the file it came from. */
function inFile<T>(file: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof DiffusionError) || error.message.startsWith(`${file}:`)) throw error;
    throw new DiffusionError(error.code, `${file}: ${error.message}`, { field: error.field === undefined ? file : `${file}: ${error.field}`, value: error.value, allowed: error.allowed ?? '', cause: error });
  }
}

/**
 * Reads a diffusers `scheduler_config.json` (its text, or the parsed object) into a
 * {@link DiffusersScheduler}; errors name the file, the key and the value.
 */
export function readDiffusersSchedulerConfig(json: string | Record<string, unknown>, file = 'scheduler_config.json', options?: FromDiffusersConfigOptions): DiffusersScheduler {
  return inFile(file, () => {
    const config = typeof json === 'string' ? parseDiffusersJson(json, file) : json;
    if (typeof config !== 'object' || config === null || Array.isArray(config)) throw new DiffusionError('io', `${file}: expected a JSON object, got ${Array.isArray(config) ? 'an array' : typeof config}.`, { field: file, value: config, allowed: 'a JSON object' });
    const setup = fromDiffusersConfig(config as Record<string, unknown>, options);
    return {
      setup,
      className: setup.className,
      schedule: setup.schedule,
      parameterisation: parameterisationFor(setup),
      setTimesteps: (steps) => setup.setTimesteps(steps),
      ladder: (steps) => setup.setTimesteps(steps).ladder,
      samplerFor: (steps) => diffusersSamplerFor(setup, setup.setTimesteps(steps)),
    };
  });
}
