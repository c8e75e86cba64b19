// The configuration keys of diffusers' schedulers, read from the `__init__` signatures of
// diffusers v0.31.0 (tag v0.31.0, commit 89e4d62) and of its main branch (commit 58eb52c,
// 0.40.0.dev0) for the keys added since. These tables decide, for every key of a
// `scheduler_config.json`, whether it is read, ignored as diffusers ignores it, or refused.

/** The scheduler classes whose configs this package reads. */
export const diffusersSchedulerClasses = [
  'DDPMScheduler',
  'DDIMScheduler',
  'PNDMScheduler',
  'EulerDiscreteScheduler',
  'EulerAncestralDiscreteScheduler',
  'HeunDiscreteScheduler',
  'LMSDiscreteScheduler',
  'DPMSolverMultistepScheduler',
  'UniPCMultistepScheduler',
  'FlowMatchEulerDiscreteScheduler',
] as const;

/** One of {@link diffusersSchedulerClasses}. */
export type DiffusersSchedulerClass = (typeof diffusersSchedulerClasses)[number];

const betaKeys = { num_train_timesteps: 1000, beta_start: 0.0001, beta_end: 0.02, beta_schedule: 'linear', trained_betas: null } as const;
const thresholdKeys = { thresholding: false, dynamic_thresholding_ratio: 0.995, sample_max_value: 1.0 } as const;
const sigmaLadderKeys = { use_karras_sigmas: false, use_exponential_sigmas: false, use_beta_sigmas: false } as const;

/** Every key of each class's v0.31.0 signature with its default, in signature order. */
export const diffusersSchedulerDefaults: Readonly<Record<DiffusersSchedulerClass, Readonly<Record<string, unknown>>>> = {
  DDPMScheduler: {
    ...betaKeys, variance_type: 'fixed_small', clip_sample: true, prediction_type: 'epsilon', ...thresholdKeys,
    clip_sample_range: 1.0, timestep_spacing: 'leading', steps_offset: 0, rescale_betas_zero_snr: false,
  },
  DDIMScheduler: {
    ...betaKeys, clip_sample: true, set_alpha_to_one: true, steps_offset: 0, prediction_type: 'epsilon', ...thresholdKeys,
    clip_sample_range: 1.0, timestep_spacing: 'leading', rescale_betas_zero_snr: false,
  },
  PNDMScheduler: { ...betaKeys, skip_prk_steps: false, set_alpha_to_one: false, prediction_type: 'epsilon', timestep_spacing: 'leading', steps_offset: 0 },
  EulerDiscreteScheduler: {
    ...betaKeys, prediction_type: 'epsilon', interpolation_type: 'linear', ...sigmaLadderKeys, sigma_min: null, sigma_max: null,
    timestep_spacing: 'linspace', timestep_type: 'discrete', steps_offset: 0, rescale_betas_zero_snr: false, final_sigmas_type: 'zero',
  },
  EulerAncestralDiscreteScheduler: { ...betaKeys, prediction_type: 'epsilon', timestep_spacing: 'linspace', steps_offset: 0, rescale_betas_zero_snr: false },
  HeunDiscreteScheduler: {
    ...betaKeys, beta_start: 0.00085, beta_end: 0.012, prediction_type: 'epsilon', ...sigmaLadderKeys, clip_sample: false,
    clip_sample_range: 1.0, timestep_spacing: 'linspace', steps_offset: 0,
  },
  LMSDiscreteScheduler: { ...betaKeys, ...sigmaLadderKeys, prediction_type: 'epsilon', timestep_spacing: 'linspace', steps_offset: 0 },
  DPMSolverMultistepScheduler: {
    ...betaKeys, solver_order: 2, prediction_type: 'epsilon', ...thresholdKeys, algorithm_type: 'dpmsolver++', solver_type: 'midpoint',
    lower_order_final: true, euler_at_final: false, ...sigmaLadderKeys, use_lu_lambdas: false, final_sigmas_type: 'zero',
    lambda_min_clipped: -Infinity, variance_type: null, timestep_spacing: 'linspace', steps_offset: 0, rescale_betas_zero_snr: false,
  },
  UniPCMultistepScheduler: {
    ...betaKeys, solver_order: 2, prediction_type: 'epsilon', ...thresholdKeys, predict_x0: true, solver_type: 'bh2', lower_order_final: true,
    disable_corrector: [], solver_p: null, ...sigmaLadderKeys, timestep_spacing: 'linspace', steps_offset: 0, final_sigmas_type: 'zero',
    rescale_betas_zero_snr: false,
  },
  FlowMatchEulerDiscreteScheduler: {
    num_train_timesteps: 1000, shift: 1.0, use_dynamic_shifting: false, base_shift: 0.5, max_shift: 1.15, base_image_seq_len: 256, max_image_seq_len: 4096,
  },
};

/**
 * Keys each class gained after v0.31.0 (diffusers main), with the value at which they change
 * nothing. A config written by a newer diffusers may carry them; any other value would give other
 * numbers there than here, so it is refused by name. (UniPC's later `sigma_min` / `sigma_max` are
 * not listed: v0.31.0 already reads them from any config, see `hiddenSigmaBounds`.)
 */
export const laterDiffusersKeys: Readonly<Partial<Record<DiffusersSchedulerClass, Readonly<Record<string, unknown>>>>> = {
  DPMSolverMultistepScheduler: { use_flow_sigmas: false, flow_shift: 1.0, use_dynamic_shifting: false, time_shift_type: 'exponential' },
  UniPCMultistepScheduler: {
    use_flow_sigmas: false, flow_shift: 1.0, use_dynamic_shifting: false, time_shift_type: 'exponential', shift_terminal: null,
  },
  FlowMatchEulerDiscreteScheduler: {
    invert_sigmas: false, shift_terminal: null, use_karras_sigmas: false, use_exponential_sigmas: false, use_beta_sigmas: false,
    time_shift_type: 'exponential', stochastic_sampling: false,
  },
};

/**
 * Every key of every scheduler signature in diffusers v0.31.0 and main. A key of another class is
 * ignored, as diffusers ignores it (it keeps it for a compatible class); a key outside this list
 * is unknown and refused unless the caller asks to ignore unknown keys.
 */
export const anyDiffusersSchedulerKey: ReadonlySet<string> = new Set([
  'algorithm_type', 'alpha_cum_end', 'alpha_cum_start', 'base_image_seq_len', 'base_shift', 'beta_end', 'beta_schedule', 'beta_start',
  'block_length', 'clip_denoised', 'clip_sample', 'clip_sample_range', 'correct_steps', 'corrector_k', 'corrector_order',
  'corrector_selection', 'corrector_selection_tau', 'corrector_steps', 'disable_corrector', 'dynamic_thresholding_ratio',
  'editing_threshold', 'entropy_bound', 'eta', 'euler_at_final', 'final_sigmas_type', 'flow_shift', 'gamma', 'gamma_cum_end',
  'gamma_cum_start', 'interpolation_type', 'invert_sigmas', 'lambda_min_clipped', 'lower_order_final', 'mask_token_id',
  'masking_schedule', 'max_image_seq_len', 'max_shift', 'minimal_topk', 'noise_sampler_seed', 'num_inference_steps',
  'num_train_timesteps', 'num_vec_classes', 'original_inference_steps', 'predict_x0', 'prediction_type', 'predictor_order',
  'rescale_betas_zero_snr', 'rho', 's', 's_noise', 'sample_max_value', 'sampling_eps', 'scale_factors', 'scaler', 'scheduler_type',
  'seed', 'set_alpha_to_one', 'shift', 'shift_terminal', 'sigma_data', 'sigma_max', 'sigma_min', 'sigma_schedule', 'skip_prk_steps',
  'snr', 'snr_shift_scale', 'solver_order', 'solver_p', 'solver_type', 'stage_range', 'stages', 'steps_offset', 'stochastic_sampling',
  't0', 't1', 't_max', 't_min', 'tau_func', 'threshold', 'thresholding', 'time_shift_type', 'timestep_scaling', 'timestep_spacing',
  'timestep_type', 'trained_betas', 'transform', 'upscale_mode', 'use_beta_sigmas', 'use_dynamic_shifting', 'use_exponential_sigmas',
  'use_flow_sigmas', 'use_karras_sigmas', 'use_lu_lambdas', 'variance_type', 'x',
]);

/** Structural equality of JSON-like values (for a later key at its no-op value). */
export function sameJsonValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((entry, index) => sameJsonValue(entry, b[index]));
  return false;
}
