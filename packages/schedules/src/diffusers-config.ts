import { checkBoolean, checkFiniteArray, checkInRange, checkNonNegativeInteger, checkOneOf, checkPositiveInteger, invalidOption } from '@diffusion/core/errors';
import type { TimestepSpacing } from '@diffusion/core/errors';
import { createCosineSchedule } from './cosine-schedule';
import { createDiscreteSchedule } from './discrete-schedule';
import type { TabulatedSchedule } from './discrete-schedule';
import { createLinearSchedule, createScaledLinearSchedule } from './linear-schedule';
import { createSigmoidSchedule } from './sigmoid-schedule';
import { timestepSpacings, timestepsFor } from './timestep-spacing';
import type { TimestepScheduler } from './timestep-spacing';

/** The keys of a diffusers `scheduler_config.json` this package reads; every other key is ignored. */
export interface DiffusersSchedulerConfig {
  readonly _class_name?: string;
  readonly num_train_timesteps?: number;
  readonly beta_start?: number;
  readonly beta_end?: number;
  readonly beta_schedule?: 'linear' | 'scaled_linear' | 'squaredcos_cap_v2' | 'sigmoid';
  readonly trained_betas?: ArrayLike<number> | null;
  readonly rescale_betas_zero_snr?: boolean;
  readonly timestep_spacing?: TimestepSpacing;
  readonly steps_offset?: number;
  readonly prediction_type?: 'epsilon' | 'sample' | 'v_prediction';
  readonly [key: string]: unknown;
}

/** A diffusers scheduler configuration read into this package's terms. */
export interface DiffusersScheduleSetup {
  /** The training schedule (betas, alphasCumprod, …). */
  readonly schedule: TabulatedSchedule;
  /** The timesteps the configured scheduler visits with n steps. */
  timesteps(numInferenceSteps: number): Float64Array;
  /** What the network predicts. */
  readonly predictionType: 'epsilon' | 'sample' | 'v_prediction';
  /** Spacing of the sampling timesteps. */
  readonly timestepSpacing: TimestepSpacing;
  /** Offset added under `'leading'` spacing. */
  readonly stepsOffset: number;
  /** Whose `set_timesteps` `timesteps(n)` follows: `'euler'` for Euler classes, `'ddim'` for DDIM, else `'ddpm'`. */
  readonly scheduler: TimestepScheduler;
}

const eulerClasses = ['EulerDiscreteScheduler', 'EulerAncestralDiscreteScheduler'];

/**
 * Reads a diffusers `scheduler_config.json` object (diffusers' `SchedulerMixin.from_config`):
 * defaults as in its DDPM scheduler, except that Euler classes default to `'linspace'` spacing.
 */
export function fromDiffusersConfig(config: DiffusersSchedulerConfig): DiffusersScheduleSetup {
  const field = 'fromDiffusersConfig';
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw invalidOption(`${field}.config`, config, 'a diffusers scheduler_config object');
  const className = config._class_name;
  const scheduler: TimestepScheduler = typeof className === 'string' && eulerClasses.includes(className) ? 'euler' : className === 'DDIMScheduler' ? 'ddim' : 'ddpm';
  const numTrainTimesteps = checkPositiveInteger(`${field}.num_train_timesteps`, config.num_train_timesteps ?? 1000);
  const betaStart = checkInRange(`${field}.beta_start`, config.beta_start ?? 0.0001, 0, 1, '()');
  const betaEnd = checkInRange(`${field}.beta_end`, config.beta_end ?? 0.02, 0, 1, '()');
  const betaSchedule = checkOneOf(`${field}.beta_schedule`, config.beta_schedule ?? 'linear', ['linear', 'scaled_linear', 'squaredcos_cap_v2', 'sigmoid'] as const);
  const rescaleBetasZeroSnr = checkBoolean(`${field}.rescale_betas_zero_snr`, config.rescale_betas_zero_snr ?? false);
  const timestepSpacing = checkOneOf(`${field}.timestep_spacing`, config.timestep_spacing ?? (scheduler === 'euler' ? 'linspace' : 'leading'), timestepSpacings);
  const stepsOffset = checkNonNegativeInteger(`${field}.steps_offset`, config.steps_offset ?? 0);
  const predictionType = checkOneOf(`${field}.prediction_type`, config.prediction_type ?? 'epsilon', ['epsilon', 'sample', 'v_prediction'] as const);
  const common = { numTrainTimesteps, rescaleBetasZeroSnr };
  let schedule: TabulatedSchedule;
  if (config.trained_betas !== undefined && config.trained_betas !== null) {
    const betas = checkFiniteArray(`${field}.trained_betas`, config.trained_betas);
    schedule = createDiscreteSchedule({ betas, rescaleBetasZeroSnr }, 'trained');
  } else if (betaSchedule === 'linear') {
    schedule = createLinearSchedule({ ...common, betaStart, betaEnd });
  } else if (betaSchedule === 'scaled_linear') {
    schedule = createScaledLinearSchedule({ ...common, betaStart, betaEnd });
  } else if (betaSchedule === 'squaredcos_cap_v2') {
    schedule = createCosineSchedule(common);
  } else {
    schedule = createSigmoidSchedule({ ...common, betaStart, betaEnd });
  }
  return {
    schedule,
    predictionType,
    timestepSpacing,
    stepsOffset,
    scheduler,
    timesteps: (numInferenceSteps) => timestepsFor(schedule, numInferenceSteps, { spacing: timestepSpacing, stepsOffset, scheduler }),
  };
}
