import { DiffusionError, checkFinite, checkPositiveInteger, invalidOption } from '@diffusion/core/errors';
import type { ResolvedDiffusersConfig } from './diffusers-config-check';
import type { DiffusersTimesteps } from './diffusers-set-timesteps';
import { numpyLinspace } from './numeric-ranges';

/**
 * Flux's `calculate_shift`: `mu` linear in the image sequence length between
 * (`base_image_seq_len`, `base_shift`) and (`max_image_seq_len`, `max_shift`) (Esser et al. 2024, SD3 sec. 5.3.2).
 */
export function flowMatchShiftMu(imageSequenceLength: number, config: Pick<ResolvedDiffusersConfig, string>): number {
  const length = checkPositiveInteger('flowMatchShiftMu.imageSequenceLength', imageSequenceLength);
  const baseLength = config.base_image_seq_len as number | null;
  const maxLength = config.max_image_seq_len as number | null;
  const baseShift = config.base_shift as number | null;
  const maxShift = config.max_shift as number | null;
  for (const [key, value] of Object.entries({ base_image_seq_len: baseLength, max_image_seq_len: maxLength, base_shift: baseShift, max_shift: maxShift })) {
    if (value === null || value === undefined) throw invalidOption(`FlowMatchEulerDiscreteScheduler.${key}`, value, 'a number (needed to compute mu from the image sequence length)');
  }
  if (maxLength === baseLength) throw invalidOption('FlowMatchEulerDiscreteScheduler.max_image_seq_len', maxLength, `a length other than base_image_seq_len = ${baseLength}`);
  const slope = (maxShift! - baseShift!) / (maxLength! - baseLength!);
  const intercept = baseShift! - slope * baseLength!;
  return length * slope + intercept;
}

/** The `mu` of a dynamically shifted FlowMatch config: given, or computed from the image sequence length; refused when neither. */
export function flowMatchMu(config: ResolvedDiffusersConfig, mu: number | undefined, imageSequenceLength: number | undefined): number | undefined {
  if (config.use_dynamic_shifting !== true) {
    if (mu !== undefined) throw invalidOption('fromDiffusersConfig.options.mu', mu, 'no mu: this FlowMatch config has use_dynamic_shifting false (it uses its fixed shift)');
    return undefined;
  }
  if (mu !== undefined) return checkFinite('fromDiffusersConfig.options.mu', mu);
  if (imageSequenceLength !== undefined) return flowMatchShiftMu(imageSequenceLength, config);
  throw new DiffusionError('invalid-option', 'FlowMatchEulerDiscreteScheduler.use_dynamic_shifting: got true; the shift then depends on the image size through mu (diffusers raises without it); pass options.mu, or options.imageSequenceLength to compute it from base_shift, max_shift, base_image_seq_len and max_image_seq_len.', {
    field: 'FlowMatchEulerDiscreteScheduler.use_dynamic_shifting', value: true, allowed: 'false, or true with options.mu or options.imageSequenceLength',
  });
}

/**
 * `FlowMatchEulerDiscreteScheduler.set_timesteps(n, mu)` of diffusers v0.31.0 (rectified flow,
 * x_t = (1 - s) x0 + s noise; Esser et al. 2024 eq. 23 shift): timesteps `linspace(s_max T, s_min T, n)`
 * with `s_min` already shifted at construction and shifted again here, as diffusers does; the
 * network's time input is `s T`. The ladder is the VE form `s / (1 - s)` (Infinity at s = 1).
 */
export function flowMatchSetTimesteps(config: ResolvedDiffusersConfig, numInferenceSteps: number, mu: number | undefined): DiffusersTimesteps {
  const steps = checkPositiveInteger('FlowMatchEulerDiscreteScheduler.setTimesteps.numInferenceSteps', numInferenceSteps);
  const total = config.num_train_timesteps as number;
  const shift = config.shift as number;
  const dynamic = config.use_dynamic_shifting === true;
  const shifted = (sigma: number) => (shift * sigma) / (1 + (shift - 1) * sigma);
  // __init__: sigmas = linspace(1, T, T)[::-1] / T, shifted unless dynamic.
  const initial = numpyLinspace(1, total, total).reverse().map((timestep) => timestep / total);
  const construction = dynamic ? initial : initial.map(shifted);
  const sigmaMax = construction[0]!;
  const sigmaMin = construction[total - 1]!;
  const grid = numpyLinspace(sigmaMax * total, sigmaMin * total, steps).map((timestep) => timestep / total);
  const exponential = dynamic ? Math.exp(mu!) : 0;
  const sigmas = dynamic ? grid.map((sigma) => exponential / (exponential + (1 / sigma - 1) ** 1.0)) : grid.map(shifted);
  const timesteps = sigmas.map((sigma) => sigma * total);
  const withFinal = Float64Array.from([...Array.from(sigmas), 0]);
  const ladder = withFinal.map((sigma) => (sigma === 1 ? Infinity : sigma / (1 - sigma)));
  return { timesteps, sigmas: withFinal, initNoiseSigma: 1, numInferenceSteps: steps, ladder, ladderTimesteps: Float64Array.from(timesteps) };
}
