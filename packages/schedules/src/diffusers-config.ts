import { checkBoolean, checkOptions } from '@diffusion/core/errors';
import type { Schedule, TimestepSpacing } from '@diffusion/core/errors';
import type { TabulatedSchedule } from './discrete-schedule';
import { resolveDiffusersConfig } from './diffusers-config-check';
import type { ResolvedDiffusersConfig } from './diffusers-config-check';
import { flowMatchMu, flowMatchSetTimesteps } from './diffusers-flow-match';
import type { DiffusersSchedulerClass } from './diffusers-scheduler-keys';
import { diffusersSetTimesteps } from './diffusers-set-timesteps';
import type { DiffusersTimesteps } from './diffusers-set-timesteps';
import { diffusersTrainingTable } from './diffusers-training-table';
import { createFlowMatchingSchedule } from './flow-matching-schedule';

/** A diffusers `scheduler_config.json` object (any keys; each is read, ignored as diffusers ignores it, or refused). */
export interface DiffusersSchedulerConfig {
  readonly _class_name?: string;
  readonly [key: string]: unknown;
}

/** Options of {@link fromDiffusersConfig}. */
export interface FromDiffusersConfigOptions {
  /** Read the config as this class (diffusers' `Class.from_config(config)`); default its `_class_name`. */
  readonly className?: DiffusersSchedulerClass;
  /** FlowMatch `use_dynamic_shifting`: the `mu` that `set_timesteps` needs. */
  readonly mu?: number;
  /** FlowMatch `use_dynamic_shifting`: compute `mu` from this image sequence length (Flux's `calculate_shift`). */
  readonly imageSequenceLength?: number;
  /** Ignore keys no diffusers scheduler has (diffusers v0.31.0 ignores them); default false: refuse them. */
  readonly ignoreUnknownKeys?: boolean;
}

/** What the network of a diffusers scheduler config predicts (`flow_prediction`: the velocity noise - x0 of FlowMatch). */
export type DiffusersPredictionType = 'epsilon' | 'sample' | 'v_prediction' | 'flow_prediction';

/** Clipping of the x0 estimate a config asks for (`clip_sample`, dynamic `thresholding`). */
export type DiffusersX0Processing =
  | { readonly kind: 'none' }
  | { readonly kind: 'clip'; readonly range: number }
  | { readonly kind: 'dynamic-threshold'; readonly ratio: number; readonly maxValue: number };

interface DiffusersScheduleSetupBase {
  /** The scheduler class the config is read as. */
  readonly className: DiffusersSchedulerClass;
  /** Every key of the class (v0.31.0 signature), as given or defaulted, checked: diffusers' `scheduler.config`. */
  readonly config: ResolvedDiffusersConfig;
  /** What the network predicts. */
  readonly predictionType: DiffusersPredictionType;
  /** How the x0 estimate is clipped before each step. */
  readonly x0Processing: DiffusersX0Processing;
  /** `num_train_timesteps`. */
  readonly numTrainTimesteps: number;
  /** `timestep_spacing` (FlowMatch: `'linspace'`, its only grid). */
  readonly timestepSpacing: TimestepSpacing;
  /** `steps_offset` (0 where the class has none). */
  readonly stepsOffset: number;
  /** diffusers' `set_timesteps(n)`: timesteps, sigmas, init_noise_sigma and the same run as our ladder. */
  setTimesteps(numInferenceSteps: number): DiffusersTimesteps;
  /** Shorthand for `setTimesteps(n).timesteps`. */
  timesteps(numInferenceSteps: number): Float64Array;
}

/** A discrete (DDPM-family) scheduler config. */
export interface DiffusersDiscreteScheduleSetup extends DiffusersScheduleSetupBase {
  readonly kind: 'discrete';
  /** The training schedule (betas, alphasCumprod, …). */
  readonly schedule: TabulatedSchedule;
  /** `alphas_cumprod` as the scheduler holds it (the last is 2^-24 under zero-SNR rescale for Euler, Euler ancestral, DPM-Solver, UniPC). */
  readonly alphasCumprod: Float64Array;
  /** diffusers' sigma table `((1 - alphas_cumprod) / alphas_cumprod) ** 0.5`, rising with the timestep. */
  readonly sigmaTable: Float64Array;
}

/** A FlowMatch (rectified flow) scheduler config. */
export interface DiffusersFlowScheduleSetup extends DiffusersScheduleSetupBase {
  readonly kind: 'flow';
  /** The rectified-flow process x = (1 - s) x0 + s noise with t = s (the network's timestep is s T; the shift only places the steps). */
  readonly schedule: Schedule;
  /** `shift`, or exp(mu) under dynamic shifting. */
  readonly shift: number;
  /** `mu` under dynamic shifting. */
  readonly mu: number | undefined;
}

/** A diffusers scheduler config read into this package's terms. */
export type DiffusersScheduleSetup = DiffusersDiscreteScheduleSetup | DiffusersFlowScheduleSetup;

/**
 * Reads a diffusers `scheduler_config.json` object exactly as diffusers v0.31.0's
 * `Class.from_config(config)` and `set_timesteps(n)` would, for DDPM, DDIM, PNDM, Euler, Euler
 * ancestral, Heun, LMS, DPM-Solver multistep, UniPC and FlowMatch Euler. Every key of the class is
 * read; a value whose numbers are not reproduced here is refused with a DiffusionError naming the
 * key and the value. It never falls back to a default schedule.
 */
export function fromDiffusersConfig(config: DiffusersSchedulerConfig, options?: FromDiffusersConfigOptions): DiffusersScheduleSetup {
  const given = checkOptions('fromDiffusersConfig.options', options, ['className', 'mu', 'imageSequenceLength', 'ignoreUnknownKeys']);
  const ignoreUnknownKeys = checkBoolean('fromDiffusersConfig.options.ignoreUnknownKeys', given.ignoreUnknownKeys ?? false);
  const resolved = resolveDiffusersConfig(config, given.className, ignoreUnknownKeys);
  const { className, config: read } = resolved;
  const numTrainTimesteps = read.num_train_timesteps as number;
  if (className === 'FlowMatchEulerDiscreteScheduler') {
    const mu = flowMatchMu(read, given.mu, given.imageSequenceLength);
    const setTimesteps = (steps: number) => flowMatchSetTimesteps(read, steps, mu);
    return {
      kind: 'flow', className, config: read, predictionType: 'flow_prediction', x0Processing: { kind: 'none' }, numTrainTimesteps,
      timestepSpacing: 'linspace', stepsOffset: 0, schedule: createFlowMatchingSchedule(), shift: mu === undefined ? (read.shift as number) : Math.exp(mu), mu,
      setTimesteps, timesteps: (steps) => setTimesteps(steps).timesteps,
    };
  }
  if (given.mu !== undefined || given.imageSequenceLength !== undefined) flowMatchMu(read, given.mu, given.imageSequenceLength);
  const table = diffusersTrainingTable(className, read);
  const setTimesteps = (steps: number) => diffusersSetTimesteps(resolved, table, steps);
  const predictionType = read.prediction_type === 'original_sample' ? 'sample' : (read.prediction_type as DiffusersPredictionType);
  return {
    kind: 'discrete', className, config: read, predictionType, numTrainTimesteps,
    // UniPC with predict_x0 false works on noise estimates and never thresholds.
    x0Processing: className === 'UniPCMultistepScheduler' && read.predict_x0 === false ? { kind: 'none' } : x0Processing(read),
    timestepSpacing: read.timestep_spacing as TimestepSpacing, stepsOffset: read.steps_offset as number,
    schedule: table.schedule, alphasCumprod: table.alphasCumprod, sigmaTable: table.sigmas,
    setTimesteps, timesteps: (steps) => setTimesteps(steps).timesteps,
  };
}

function x0Processing(config: ResolvedDiffusersConfig): DiffusersX0Processing {
  // Thresholding wins over clipping where a class has both (DDPM, DDIM); Heun clips only; DPM-Solver and UniPC threshold only.
  if (config.thresholding === true) return { kind: 'dynamic-threshold', ratio: config.dynamic_thresholding_ratio as number, maxValue: config.sample_max_value as number };
  if (config.clip_sample === true) return { kind: 'clip', range: config.clip_sample_range as number };
  return { kind: 'none' };
}
