import type { Parameterisation, Sampler, Schedule } from '@diffusion/core';
import { DiffusionError, checkBoolean, checkNonNegativeInteger, checkOneOf, checkOptions, checkPositive, invalidOption } from '@diffusion/core';
import { diffusersSchedulerClasses, diffusersSchedulerDefaults, isDiscreteScheduleLike } from './schedule-kinds';
import type { DiffusersSchedulerClass } from '@diffusion/schedules';

/** Options of {@link toDiffusersSchedulerConfig}. */
export interface ToDiffusersSchedulerConfigOptions {
  /** The training schedule: a discrete (DDPM-family) one, or the rectified flow (`createFlowMatchingSchedule`). */
  readonly schedule: Schedule;
  /** What the network predicts (`eps`, `x0`, `v`, or `flow` for the flow schedule); default eps (flow for the flow schedule). */
  readonly parameterisation?: Parameterisation;
  /** The scheduler class; default from `sampler`, else `DDPMScheduler` (FlowMatch for the flow schedule). */
  readonly className?: DiffusersSchedulerClass;
  /** One of our samplers: picks the class and its solver keys (euler → EulerDiscrete, dpmpp-2m → DPMSolverMultistep, unipc → UniPCMultistep, …). */
  readonly sampler?: Sampler;
  /** `timestep_spacing`; default the class's. */
  readonly timestepSpacing?: 'leading' | 'trailing' | 'linspace';
  /** `steps_offset`; default 0. */
  readonly stepsOffset?: number;
  /** `clip_sample` of DDPM / DDIM / Heun; default false (diffusers' DDPM and DDIM default to true, which would clip our models' x0). */
  readonly clipSample?: boolean;
  /** `clip_sample_range`; default 1. */
  readonly clipSampleRange?: number;
  /** Extra keys of the class, in diffusers' spelling (e.g. `{ use_karras_sigmas: true }`); each must be a key of the class. */
  readonly extra?: Readonly<Record<string, unknown>>;
}

const predictionOf: Record<string, string> = { eps: 'epsilon', x0: 'sample', v: 'v_prediction' };

/** The class and solver keys of one of our samplers. */
function fromSampler(sampler: Sampler): { className: DiffusersSchedulerClass; keys: Record<string, unknown> } {
  const options = sampler.options as Record<string, unknown>;
  switch (sampler.name) {
    case 'euler': return { className: 'EulerDiscreteScheduler', keys: {} };
    case 'euler-ancestral': return { className: 'EulerAncestralDiscreteScheduler', keys: {} };
    case 'heun': return { className: 'HeunDiscreteScheduler', keys: {} };
    case 'lms': return { className: 'LMSDiscreteScheduler', keys: {} };
    case 'ddim': return { className: 'DDIMScheduler', keys: {} };
    case 'ddpm': return { className: 'DDPMScheduler', keys: { variance_type: options.variance === 'beta' ? 'fixed_large' : 'fixed_small' } };
    case 'dpmpp-2m': return { className: 'DPMSolverMultistepScheduler', keys: { algorithm_type: 'dpmsolver++', solver_order: 2, solver_type: 'midpoint' } };
    // Ours keeps third order to the last step; diffusers does too without lower_order_final (sigma 0 still ends first order).
    case 'dpmpp-3m': return { className: 'DPMSolverMultistepScheduler', keys: { algorithm_type: 'dpmsolver++', solver_order: 3, solver_type: 'heun', lower_order_final: false } };
    case 'dpmpp-2m-sde':
      return { className: 'DPMSolverMultistepScheduler', keys: { algorithm_type: options.eta === 0 ? 'dpmsolver++' : 'sde-dpmsolver++', solver_order: 2, solver_type: options.solverType ?? 'midpoint' } };
    case 'unipc':
      if (options.variant === 'bh1') throw invalidOption('toDiffusersSchedulerConfig.sampler.options.variant', 'bh1', '"bh2": diffusers v0.31.0\'s UniPC bh1 ends in NaN on its step into sigma 0');
      return { className: 'UniPCMultistepScheduler', keys: { solver_type: options.variant ?? 'bh2', solver_order: options.order ?? 2, predict_x0: true } };
    default:
      throw invalidOption('toDiffusersSchedulerConfig.sampler', sampler.name, 'one of euler, euler-ancestral, heun, lms, ddim, ddpm, dpmpp-2m, dpmpp-3m, dpmpp-2m-sde, unipc (a sampler with a diffusers scheduler class)');
  }
}

const zeroSnrClasses: readonly DiffusersSchedulerClass[] = ['DDPMScheduler', 'DDIMScheduler', 'EulerDiscreteScheduler', 'EulerAncestralDiscreteScheduler', 'DPMSolverMultistepScheduler', 'UniPCMultistepScheduler'];

/** The beta keys that make diffusers rebuild `schedule`'s betas: a named schedule where diffusers has it, else `trained_betas`. */
function betaKeys(schedule: Schedule, className: DiffusersSchedulerClass): Record<string, unknown> {
  if (!isDiscreteScheduleLike(schedule)) {
    throw new DiffusionError('invalid-option', `toDiffusersSchedulerConfig.schedule: got the continuous schedule "${schedule.name}"; diffusers' discrete schedulers need betas; discretize it first (discretizeSchedule from @diffusion/schedules) or pass a discrete schedule.`, {
      field: 'toDiffusersSchedulerConfig.schedule', value: schedule.name, allowed: 'a discrete schedule (numTrainTimesteps, betas) or the flow-matching schedule',
    });
  }
  const options = schedule.options as Record<string, unknown>;
  const rescale = options.rescaleBetasZeroSnr === true;
  if (rescale && !zeroSnrClasses.includes(className)) {
    throw invalidOption('toDiffusersSchedulerConfig.className', className, `a class with rescale_betas_zero_snr (${zeroSnrClasses.join(', ')}) for the zero-terminal-SNR schedule "${schedule.name}"`);
  }
  const base = { num_train_timesteps: schedule.numTrainTimesteps, rescale_betas_zero_snr: rescale };
  const named = (betaSchedule: string) => ({ ...base, beta_schedule: betaSchedule, beta_start: options.betaStart, beta_end: options.betaEnd, trained_betas: null });
  if (schedule.name === 'linear') return named('linear');
  if (schedule.name === 'scaled-linear') return named('scaled_linear');
  if (schedule.name === 'sigmoid' && className === 'DDPMScheduler') return named('sigmoid');
  if (schedule.name === 'cosine' && options.s === 0.008 && options.maxBeta === 0.999) return { ...base, beta_schedule: 'squaredcos_cap_v2', trained_betas: null };
  // Any other table: its betas before the zero-SNR rescale (which diffusers repeats), as trained_betas.
  const given = Array.isArray(options.betas) && rescale ? (options.betas as number[]) : Array.from(schedule.betas);
  if (rescale && !Array.isArray(options.betas)) {
    throw invalidOption('toDiffusersSchedulerConfig.schedule', schedule.name, 'a zero-terminal-SNR schedule whose betas before the rescale are known (options.betas)');
  }
  return { ...base, trained_betas: given };
}

/**
 * A diffusers `scheduler_config.json` object (every key of the class, as `save_config` writes it)
 * that diffusers v0.31.0 loads into the same schedule, timesteps and sigmas as `fromDiffusersConfig`
 * reads from it here. Refuses what diffusers cannot express (continuous schedules, score or EDM outputs).
 */
export function toDiffusersSchedulerConfig(options: ToDiffusersSchedulerConfigOptions): Record<string, unknown> {
  const given = checkOptions('toDiffusersSchedulerConfig', options, ['schedule', 'parameterisation', 'className', 'sampler', 'timestepSpacing', 'stepsOffset', 'clipSample', 'clipSampleRange', 'extra']);
  const schedule = given.schedule;
  if (typeof schedule !== 'object' || schedule === null) throw invalidOption('toDiffusersSchedulerConfig.schedule', schedule, 'a schedule');
  const flow = schedule.name === 'flow-matching';
  const fromOurs = given.sampler === undefined ? undefined : fromSampler(given.sampler);
  const className = given.className === undefined
    ? flow ? 'FlowMatchEulerDiscreteScheduler' : fromOurs?.className ?? 'DDPMScheduler'
    : checkOneOf('toDiffusersSchedulerConfig.className', given.className, diffusersSchedulerClasses);
  const parameterisation = given.parameterisation?.name ?? (flow ? 'flow' : 'eps');
  const defaults = diffusersSchedulerDefaults[className];
  const config: Record<string, unknown> = { _class_name: className, _diffusers_version: '0.31.0', ...defaults };
  if (flow !== (className === 'FlowMatchEulerDiscreteScheduler') || flow !== (parameterisation === 'flow')) {
    throw invalidOption('toDiffusersSchedulerConfig', { schedule: schedule.name, parameterisation, className }, 'the flow-matching schedule with the flow parameterisation and FlowMatchEulerDiscreteScheduler, or a discrete schedule with eps, x0 or v and another class');
  }
  if (flow) {
    const shift = checkPositive('toDiffusersSchedulerConfig.schedule.options.shift', (schedule.options as { shift?: number }).shift ?? 1);
    Object.assign(config, { shift, use_dynamic_shifting: false });
  } else {
    const prediction = predictionOf[parameterisation];
    if (prediction === undefined) throw invalidOption('toDiffusersSchedulerConfig.parameterisation', parameterisation, 'eps, x0 or v (diffusers predicts epsilon, sample or v_prediction)');
    Object.assign(config, betaKeys(schedule, className), { prediction_type: prediction });
    if (!('rescale_betas_zero_snr' in defaults)) delete config.rescale_betas_zero_snr;
    if ('clip_sample' in defaults) {
      config.clip_sample = checkBoolean('toDiffusersSchedulerConfig.clipSample', given.clipSample ?? false);
      config.clip_sample_range = checkPositive('toDiffusersSchedulerConfig.clipSampleRange', given.clipSampleRange ?? 1);
    }
    if (given.timestepSpacing !== undefined) config.timestep_spacing = checkOneOf('toDiffusersSchedulerConfig.timestepSpacing', given.timestepSpacing, ['leading', 'trailing', 'linspace']);
    if (given.stepsOffset !== undefined) config.steps_offset = checkNonNegativeInteger('toDiffusersSchedulerConfig.stepsOffset', given.stepsOffset);
  }
  if (fromOurs !== undefined && fromOurs.className === className) Object.assign(config, fromOurs.keys);
  for (const [key, value] of Object.entries(given.extra ?? {})) {
    if (!(key in defaults)) throw invalidOption(`toDiffusersSchedulerConfig.extra.${key}`, value, `a key of ${className} (${Object.keys(defaults).join(', ')})`);
    config[key] = value;
  }
  // JSON has no -Infinity: diffusers' default lambda_min_clipped applies when the key is absent.
  if (config.lambda_min_clipped === -Infinity) delete config.lambda_min_clipped;
  return config;
}
