import { checkNonNegative, checkOptions, invalidOption } from '@diffusion/core';
import { cfgCombination, cfgCombinationFloat64 } from './cfg-guider';
import { checkGuidanceScale } from './guidance-options';
import { defineGuider, type BuiltinGuider } from './guider-definition';

/** Options of {@link createGuidanceIntervalGuider}. */
export interface GuidanceIntervalGuiderOptions {
  /** `w` of diffusers' `guidance_scale` inside the interval, >= 0. */
  readonly guidanceScale: number;
  /** Lower end (excluded) of the sigma interval where guidance applies (default 0.28, the paper's EDM2 value). */
  readonly sigmaLow?: number;
  /** Upper end (included) of the interval (default 5.42, the paper's EDM2 value). */
  readonly sigmaHigh?: number;
}

/**
 * Guidance in a limited interval, Kynkäänniemi et al. (2024, "Applying Guidance in a Limited
 * Interval Improves Sample and Distribution Quality in Diffusion Models") eq. 5: CFG for sigma in
 * `(sigmaLow, sigmaHigh]`, the conditional denoiser `D_c` alone (one network evaluation) elsewhere.
 * The defaults are the paper's interval for EDM2 on ImageNet-512; tune them to a model's sigmas.
 */
export function createGuidanceIntervalGuider(options: GuidanceIntervalGuiderOptions): BuiltinGuider {
  const field = 'createGuidanceIntervalGuider';
  const given = checkOptions(field, options, ['guidanceScale', 'sigmaLow', 'sigmaHigh']);
  const guidanceScale = checkGuidanceScale(`${field}.guidanceScale`, given.guidanceScale);
  const sigmaLow = checkNonNegative(`${field}.sigmaLow`, given.sigmaLow ?? 0.28);
  const sigmaHigh = checkNonNegative(`${field}.sigmaHigh`, given.sigmaHigh ?? 5.42);
  if (!(sigmaHigh > sigmaLow)) throw invalidOption(`${field}.sigmaHigh`, sigmaHigh, `a sigma above sigmaLow (${sigmaLow})`);
  return defineGuider({
    name: 'guidance-interval',
    options: { guidanceScale, sigmaLow, sigmaHigh },
    guides: (sigma) => sigma > sigmaLow && sigma <= sigmaHigh,
    combine: (conditional, unconditional) => cfgCombination(conditional, unconditional, guidanceScale),
    combineFloat64: (conditional, unconditional) => cfgCombinationFloat64(conditional, unconditional, guidanceScale),
  });
}
