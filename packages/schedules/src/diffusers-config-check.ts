import { DiffusionError, checkBoolean, checkFiniteArray, checkInRange, checkNonNegativeInteger, checkOneOf, checkPositive, checkPositiveInteger, describeValue, invalidOption } from '@diffusion/core/errors';
import { anyDiffusersSchedulerKey, diffusersSchedulerClasses, diffusersSchedulerDefaults, laterDiffusersKeys, sameJsonValue } from './diffusers-scheduler-keys';
import type { DiffusersSchedulerClass } from './diffusers-scheduler-keys';

// Resolves a scheduler_config.json object the way diffusers v0.31.0's `from_config` does
// (`_use_default_values`, class defaults, keys of other classes kept aside) and checks every
// key of the class: a value it cannot honour is refused with the key and the value.

/** A config after resolution: every key of the class, given or defaulted, checked. */
export type ResolvedDiffusersConfig = Readonly<Record<string, unknown>>;

/** What resolving a config yields. */
export interface ResolvedConfig {
  readonly className: DiffusersSchedulerClass;
  readonly config: ResolvedDiffusersConfig;
  /** `sigma_min` / `sigma_max` present in the file: v0.31.0 keeps them on any class's config, and its Karras/exponential/beta ladders read them there. */
  readonly hiddenSigmaBounds: { readonly sigmaMin: number | undefined; readonly sigmaMax: number | undefined };
}

const betaSchedules: Record<DiffusersSchedulerClass, readonly string[]> = {
  DDPMScheduler: ['linear', 'scaled_linear', 'squaredcos_cap_v2', 'sigmoid'],
  DDIMScheduler: ['linear', 'scaled_linear', 'squaredcos_cap_v2'],
  PNDMScheduler: ['linear', 'scaled_linear', 'squaredcos_cap_v2'],
  EulerDiscreteScheduler: ['linear', 'scaled_linear', 'squaredcos_cap_v2'],
  EulerAncestralDiscreteScheduler: ['linear', 'scaled_linear', 'squaredcos_cap_v2'],
  HeunDiscreteScheduler: ['linear', 'scaled_linear', 'squaredcos_cap_v2', 'exp'],
  LMSDiscreteScheduler: ['linear', 'scaled_linear', 'squaredcos_cap_v2'],
  DPMSolverMultistepScheduler: ['linear', 'scaled_linear', 'squaredcos_cap_v2'],
  UniPCMultistepScheduler: ['linear', 'scaled_linear', 'squaredcos_cap_v2'],
  FlowMatchEulerDiscreteScheduler: [],
};

// What each class's `step` accepts (others raise there in diffusers); `original_sample` is Euler's alias of `sample`.
const predictionTypes: Record<DiffusersSchedulerClass, readonly string[]> = {
  DDPMScheduler: ['epsilon', 'sample', 'v_prediction'],
  DDIMScheduler: ['epsilon', 'sample', 'v_prediction'],
  PNDMScheduler: ['epsilon', 'v_prediction'],
  EulerDiscreteScheduler: ['epsilon', 'sample', 'v_prediction', 'original_sample'],
  EulerAncestralDiscreteScheduler: ['epsilon', 'v_prediction'],
  HeunDiscreteScheduler: ['epsilon', 'sample', 'v_prediction'],
  LMSDiscreteScheduler: ['epsilon', 'sample', 'v_prediction'],
  DPMSolverMultistepScheduler: ['epsilon', 'sample', 'v_prediction'],
  UniPCMultistepScheduler: ['epsilon', 'sample', 'v_prediction'],
  FlowMatchEulerDiscreteScheduler: [],
};

type Check = (field: string, value: unknown, className: DiffusersSchedulerClass) => unknown;

const nullable = (check: Check): Check => (field, value, className) => (value === null ? null : check(field, value, className));
const spacing: Check = (field, value) => checkOneOf(field, value, ['leading', 'trailing', 'linspace']);
const finalSigmas: Check = (field, value) => checkOneOf(field, value, ['zero', 'sigma_min']);
const unitInterval: Check = (field, value) => checkInRange(field, value, 0, 1, '()');

const checks: Record<string, Check> = {
  num_train_timesteps: checkPositiveInteger,
  beta_start: unitInterval,
  beta_end: unitInterval,
  beta_schedule: (field, value) => (typeof value === 'string' ? value : checkOneOf(field, value, ['linear'])),
  trained_betas: nullable((field, value) => Array.from(checkFiniteArray(field, value))),
  prediction_type: (field, value, className) => checkOneOf(field, value, predictionTypes[className]),
  variance_type: (field, value, className) =>
    className === 'DDPMScheduler'
      ? checkOneOf(field, value, ['fixed_small', 'fixed_small_log', 'fixed_large', 'fixed_large_log', 'learned', 'learned_range'])
      : value === null ? null : checkOneOf(field, value, ['learned', 'learned_range']),
  clip_sample: checkBoolean,
  clip_sample_range: checkPositive,
  thresholding: checkBoolean,
  dynamic_thresholding_ratio: (field, value) => checkInRange(field, value, 0, 1, '(]'),
  sample_max_value: checkPositive,
  timestep_spacing: spacing,
  steps_offset: checkNonNegativeInteger,
  rescale_betas_zero_snr: checkBoolean,
  set_alpha_to_one: checkBoolean,
  skip_prk_steps: checkBoolean,
  interpolation_type: (field, value) => checkOneOf(field, value, ['linear', 'log_linear']),
  use_karras_sigmas: checkBoolean,
  use_exponential_sigmas: checkBoolean,
  use_beta_sigmas: checkBoolean,
  use_lu_lambdas: checkBoolean,
  sigma_min: nullable(checkPositive),
  sigma_max: nullable(checkPositive),
  timestep_type: (field, value) => checkOneOf(field, value, ['discrete', 'continuous']),
  final_sigmas_type: finalSigmas,
  solver_order: checkPositiveInteger,
  algorithm_type: (field, value) => checkOneOf(field, value, ['dpmsolver++', 'sde-dpmsolver++', 'dpmsolver', 'sde-dpmsolver', 'deis']),
  solver_type: (field, value, className) =>
    className === 'UniPCMultistepScheduler'
      ? checkOneOf(field, value, ['bh1', 'bh2', 'midpoint', 'heun', 'logrho'])
      : checkOneOf(field, value, ['midpoint', 'heun', 'logrho', 'bh1', 'bh2']),
  lower_order_final: checkBoolean,
  euler_at_final: checkBoolean,
  lambda_min_clipped: (field, value) => {
    if (typeof value !== 'number' || Number.isNaN(value) || value === Infinity) throw invalidOption(field, value, 'a number or -Infinity');
    return value;
  },
  predict_x0: checkBoolean,
  disable_corrector: (field, value) => {
    if (!Array.isArray(value)) throw invalidOption(field, value, 'an array of step indices');
    return value.map((entry, index) => checkNonNegativeInteger(`${field}[${index}]`, entry));
  },
  solver_p: (field, value) => {
    if (value !== null) throw invalidOption(field, value, 'null (a predictor scheduler object cannot come from a config file)');
    return null;
  },
  shift: checkPositive,
  use_dynamic_shifting: checkBoolean,
  base_shift: nullable((field, value) => (typeof value === 'number' && Number.isFinite(value) ? value : invalidOptionThrow(field, value, 'a finite number'))),
  max_shift: nullable((field, value) => (typeof value === 'number' && Number.isFinite(value) ? value : invalidOptionThrow(field, value, 'a finite number'))),
  base_image_seq_len: nullable(checkPositiveInteger),
  max_image_seq_len: nullable(checkPositiveInteger),
};

function invalidOptionThrow(field: string, value: unknown, allowed: string): never {
  throw invalidOption(field, value, allowed);
}

/**
 * Resolves `config` as `className.from_config(config)` in diffusers v0.31.0 would. `className`
 * defaults to the config's `_class_name`; reading under another class is diffusers'
 * `OtherScheduler.from_config(pipe.scheduler.config)`.
 */
export function resolveDiffusersConfig(config: unknown, className: string | undefined, ignoreUnknownKeys: boolean): ResolvedConfig {
  const field = 'fromDiffusersConfig';
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw invalidOption(`${field}.config`, config, 'a diffusers scheduler_config object');
  const given = config as Record<string, unknown>;
  const name = className ?? given._class_name;
  if (name === undefined) {
    throw new DiffusionError('invalid-option', `${field}._class_name: missing; pass options.className (one of ${diffusersSchedulerClasses.join(', ')}) to say which scheduler it is for.`, {
      field: `${field}._class_name`, value: undefined, allowed: diffusersSchedulerClasses.join(', '),
    });
  }
  const chosen = checkOneOf(className === undefined ? `${field}._class_name` : `${field}.options.className`, name, diffusersSchedulerClasses);
  const defaults = diffusersSchedulerDefaults[chosen];
  const later = laterDiffusersKeys[chosen] ?? {};
  // `_use_default_values` lists keys that were defaulted when saved: diffusers drops them, so the reading class's defaults apply.
  const usedDefaults = given._use_default_values;
  if (usedDefaults !== undefined && !(Array.isArray(usedDefaults) && usedDefaults.every((key) => typeof key === 'string'))) {
    throw invalidOption(`${chosen}._use_default_values`, usedDefaults, 'an array of key names');
  }
  const dropped = new Set<string>((usedDefaults as string[] | undefined) ?? []);
  const resolved: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(given)) {
    if (dropped.has(key) || key.startsWith('_')) continue;
    if (key in defaults) {
      resolved[key] = value;
    } else if (key in later) {
      if (!sameJsonValue(value, later[key])) {
        throw new DiffusionError('invalid-option', `${chosen}.${key}: got ${describeValue(value)}; this key was added to ${chosen} after diffusers v0.31.0 and changes the numbers there, which this reader does not reproduce; expected ${describeValue(later[key])} (its no-op value) or no such key.`, {
          field: `${chosen}.${key}`, value, allowed: describeValue(later[key]),
        });
      }
    } else if (!anyDiffusersSchedulerKey.has(key) && !ignoreUnknownKeys) {
      throw new DiffusionError('invalid-option', `${chosen}.${key}: got ${describeValue(value)}; no diffusers scheduler (v0.31.0 or later) has a key "${key}", so whether it changes the numbers is unknown; remove it or pass options.ignoreUnknownKeys to read the config as diffusers v0.31.0 does (it ignores such keys).`, {
        field: `${chosen}.${key}`, value, allowed: 'a key of a diffusers scheduler',
      });
    }
  }
  const checked: Record<string, unknown> = {};
  for (const [key, fallback] of Object.entries(defaults)) {
    const value = key in resolved ? resolved[key] : fallback;
    const check = checks[key];
    checked[key] = value === fallback || check === undefined ? value : check(`${chosen}.${key}`, value, chosen);
  }
  checkBetaSchedule(chosen, checked);
  applyClassRules(chosen, checked);
  // v0.31.0 keeps every key of the file on the scheduler's config (`register_to_config(**hidden_dict)`); its ladders test `hasattr(config, 'sigma_min')`.
  const hidden = (key: 'sigma_min' | 'sigma_max'): number | undefined => {
    const value = key in defaults ? checked[key] : dropped.has(key) ? undefined : given[key];
    return value === undefined || value === null ? undefined : checkPositive(`${chosen}.${key}`, value);
  };
  return { className: chosen, config: checked, hiddenSigmaBounds: { sigmaMin: hidden('sigma_min'), sigmaMax: hidden('sigma_max') } };
}

function checkBetaSchedule(className: DiffusersSchedulerClass, config: Record<string, unknown>): void {
  if (className === 'FlowMatchEulerDiscreteScheduler' || config.trained_betas !== null) return;
  // diffusers raises NotImplementedError for other names; with trained_betas the name is not read at all.
  checkOneOf(`${className}.beta_schedule`, config.beta_schedule, betaSchedules[className]);
}

function refuse(className: string, key: string, value: unknown, reason: string, allowed: string): never {
  throw new DiffusionError('invalid-option', `${className}.${key}: got ${describeValue(value)}; ${reason}; expected ${allowed}.`, { field: `${className}.${key}`, value, allowed });
}

/** What each class's `__init__` remaps or rejects, and what diffusers v0.31.0 cannot run. */
function applyClassRules(className: DiffusersSchedulerClass, config: Record<string, unknown>): void {
  const ladders = ['use_karras_sigmas', 'use_exponential_sigmas', 'use_beta_sigmas'].filter((key) => config[key] === true);
  if (ladders.length > 1) refuse(className, ladders[1]!, true, `diffusers allows one of use_karras_sigmas, use_exponential_sigmas, use_beta_sigmas and ${ladders[0]} is true`, `false when ${ladders[0]} is true`);
  if (config.use_beta_sigmas === true) refuse(className, 'use_beta_sigmas', true, "beta sigmas (Lee et al. 2024, scipy's beta.ppf) are not built here", 'false');
  if ((className === 'DPMSolverMultistepScheduler' || className === 'UniPCMultistepScheduler') && config.use_exponential_sigmas === true) {
    refuse(className, 'use_exponential_sigmas', true, 'diffusers v0.31.0 fails in set_timesteps on it (its num_inference_steps is still None there)', 'false');
  }
  if (className === 'DDPMScheduler' && config.variance_type === 'fixed_large_log') {
    refuse(className, 'variance_type', 'fixed_large_log', 'diffusers v0.31.0 takes the square root of log(beta) < 0 for its noise (NaN)', 'one of "fixed_small", "fixed_small_log", "fixed_large", "learned", "learned_range"');
  }
  if (className === 'DPMSolverMultistepScheduler') {
    const algorithm = config.algorithm_type as string;
    if (algorithm !== 'dpmsolver++' && algorithm !== 'sde-dpmsolver++' && config.final_sigmas_type === 'zero') {
      refuse(className, 'final_sigmas_type', 'zero', `diffusers raises for algorithm_type "${algorithm}" with it`, '"sigma_min" for this algorithm_type');
    }
    // __init__ registers 'deis' as 'dpmsolver++' and the solver types of other solvers as 'midpoint'.
    if (algorithm === 'deis') config.algorithm_type = 'dpmsolver++';
    if (['logrho', 'bh1', 'bh2'].includes(config.solver_type as string)) config.solver_type = 'midpoint';
    if ((config.solver_order as number) >= 3 && (algorithm === 'sde-dpmsolver++' || algorithm === 'sde-dpmsolver')) {
      refuse(className, 'solver_order', config.solver_order, `diffusers has no third-order update for "${algorithm}" (its step fails)`, '1 or 2 for the SDE algorithms');
    }
    // The third-order update serves every solver_order >= 3.
    if ((config.solver_order as number) > 3) config.solver_order = 3;
  }
  if (className === 'UniPCMultistepScheduler') {
    if (['midpoint', 'heun', 'logrho'].includes(config.solver_type as string)) config.solver_type = 'bh2';
    if (config.final_sigmas_type === 'zero' && config.solver_type === 'bh1') {
      refuse(className, 'solver_type', 'bh1', 'with final_sigmas_type "zero" the last update of diffusers v0.31.0 multiplies B(h) = -Infinity by 0 (its result is NaN)', '"bh2", or final_sigmas_type "sigma_min"');
    }
    if (config.final_sigmas_type === 'zero' && config.predict_x0 === false) {
      refuse(className, 'predict_x0', false, 'with final_sigmas_type "zero" the last noise-prediction update of diffusers v0.31.0 multiplies sigma = 0 by an infinite step (its result is NaN)', 'true, or final_sigmas_type "sigma_min"');
    }
    if (config.lower_order_final === false && config.final_sigmas_type === 'zero' && (config.solver_order as number) > 1) {
      refuse(className, 'lower_order_final', false, 'with final_sigmas_type "zero" the last multistep update of diffusers v0.31.0 divides by an infinite step (its result is ±Infinity or a singular solve)', 'true, or final_sigmas_type "sigma_min"');
    }
  }
}
