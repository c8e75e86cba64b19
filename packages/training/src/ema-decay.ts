/** How the EMA decay grows from 0 towards its ceiling over the first updates. */
export type EmaWarmup = 'none' | 'ratio' | 'power';

/** Options of the exponential moving average of the weights. */
export interface EmaOptions {
  /** Ceiling of the per-update decay, in [0, 1). */
  readonly decay: number;
  /**
   * `'ratio'`: `min(decay, (1 + n) / (10 + n))` (diffusers' EMAModel default);
   * `'power'`: `min(decay, 1 - (1 + n / invGamma)^-power)` (Karras et al. 2023 / diffusers `use_ema_warmup`);
   * `'none'`: `decay` from the first update.
   */
  readonly warmup: EmaWarmup;
  /** Exponent of the `'power'` warm-up (2/3 for long runs, 3/4 for short ones). */
  readonly power: number;
  /** Inverse multiplicative factor of the `'power'` warm-up. */
  readonly invGamma: number;
}

/**
 * Decay used for the EMA update number `update` (0-based): `ema <- d ema + (1 - d) weights`.
 * Warm-ups from diffusers' EMAModel.get_decay (ratio and power forms, Karras et al. 2023 eq. 1).
 */
export function emaDecayAt(update: number, options: EmaOptions): number {
  const { decay, warmup, power, invGamma } = options;
  if (warmup === 'none') return decay;
  const candidate = warmup === 'ratio' ? (1 + update) / (10 + update) : 1 - (1 + update / invGamma) ** -power;
  return Math.max(0, Math.min(decay, candidate));
}
