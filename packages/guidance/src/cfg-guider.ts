import { checkOptions } from '@diffusion/core';
import { add, mul, sub, type Tensor } from '@tensorflow/tfjs-core';
import { checkGuidanceScale } from './guidance-options';
import { defineGuider, type BuiltinGuider } from './guider-definition';

/** Options of {@link createCfgGuider}. */
export interface CfgGuiderOptions {
  /** `w` of diffusers' `guidance_scale`: `D = D_u + w (D_c - D_u)`, >= 0; 1 is no guidance. Ho & Salimans' `w` is this minus 1. */
  readonly guidanceScale: number;
}

/** `D_c + (w - 1)(D_c - D_u)`: the CFG combination, written so that `w = 1` returns `D_c` exactly. */
export function cfgCombination(conditional: Tensor, unconditional: Tensor, guidanceScale: number): Tensor {
  return add(conditional, mul(sub(conditional, unconditional), guidanceScale - 1));
}

/** The same in float64 on arrays. */
export function cfgCombinationFloat64(conditional: Float64Array, unconditional: Float64Array, guidanceScale: number): Float64Array {
  return conditional.map((value, index) => value + (guidanceScale - 1) * (value - unconditional[index]!));
}

/**
 * Classifier-free guidance, Ho & Salimans (2022) eq. 6 in diffusers' convention:
 * `D = D_u + w (D_c - D_u)` on the x0 estimates (the same sampler step as on eps, since
 * `eps = (x - D) / sigma` is affine in D). Two network evaluations per call.
 */
export function createCfgGuider(options: CfgGuiderOptions): BuiltinGuider {
  const given = checkOptions('createCfgGuider', options, ['guidanceScale']);
  const guidanceScale = checkGuidanceScale('createCfgGuider.guidanceScale', given.guidanceScale);
  return defineGuider({
    name: 'cfg',
    options: { guidanceScale },
    combine: (conditional, unconditional) => cfgCombination(conditional, unconditional, guidanceScale),
    combineFloat64: (conditional, unconditional) => cfgCombinationFloat64(conditional, unconditional, guidanceScale),
  });
}
