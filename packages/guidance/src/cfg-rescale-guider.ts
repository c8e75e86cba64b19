import { checkInRange, checkOneOf, checkOptions } from '@diffusion/core';
import { add, div, equal, mul, onesLike, sub, where, type Tensor } from '@tensorflow/tfjs-core';
import { cfgCombination, cfgCombinationFloat64 } from './cfg-guider';
import { checkGuidanceScale } from './guidance-options';
import { defineGuider, type BuiltinGuider } from './guider-definition';
import { perSampleStandardDeviation, rowStandardDeviation } from './per-sample';

/** The prediction whose per-sample standard deviation the rescale matches. */
export type RescaleSpace = 'eps' | 'x0' | 'v';

/** Options of {@link createCfgRescaleGuider}. */
export interface CfgRescaleGuiderOptions {
  /** `w` of diffusers' `guidance_scale`, >= 0 (1: no guidance). */
  readonly guidanceScale: number;
  /** `phi` of Lin et al. (2024) §3.4 (diffusers' `guidance_rescale`), in [0, 1]: 0 is plain CFG (default 0.7, the paper's choice). */
  readonly guidanceRescale?: number;
  /**
   * Which prediction is rescaled: `'eps'` (default; diffusers' `rescale_noise_cfg` on an
   * eps-prediction model's output), `'v'` (the same on a v-prediction model's output, as in the
   * paper's models), or `'x0'` (the denoised estimate itself).
   */
  readonly space?: RescaleSpace;
}

/**
 * The offset `c x` with `prediction ∝ D - c x` in each space: eps = (x - D) / sigma (c = 1),
 * v = (x - (1 + sigma^2) D) / (sigma sqrt(1 + sigma^2)) (c = 1 / (1 + sigma^2)), x0 = D (c = 0).
 * A constant factor cancels in the ratio of standard deviations.
 */
function offsetCoefficient(space: RescaleSpace, sigma: number): number {
  if (space === 'x0') return 0;
  return space === 'eps' ? 1 : 1 / (1 + sigma * sigma);
}

/**
 * CFG with rescale, Lin et al. (2024, "Common Diffusion Noise Schedules and Sample Steps are
 * Flawed") §3.4 / diffusers' `rescale_noise_cfg`: the CFG prediction is scaled to the per-sample
 * standard deviation of the conditional prediction, `p_rescaled = p_cfg std(p_c) / std(p_cfg)`,
 * then mixed `phi p_rescaled + (1 - phi) p_cfg`. On the x0 estimate this is
 * `D = D_cfg + (f - 1)(D_cfg - c x)` with `f = phi std(p_c) / std(p_cfg) + 1 - phi`.
 */
export function createCfgRescaleGuider(options: CfgRescaleGuiderOptions): BuiltinGuider {
  const given = checkOptions('createCfgRescaleGuider', options, ['guidanceScale', 'guidanceRescale', 'space']);
  const guidanceScale = checkGuidanceScale('createCfgRescaleGuider.guidanceScale', given.guidanceScale);
  const guidanceRescale = checkInRange('createCfgRescaleGuider.guidanceRescale', given.guidanceRescale ?? 0.7, 0, 1, '[]');
  const space = checkOneOf('createCfgRescaleGuider.space', given.space ?? 'eps', ['eps', 'x0', 'v']);
  return defineGuider({
    name: 'cfg-rescale',
    options: { guidanceScale, guidanceRescale, space },
    combine(conditional, unconditional, { x, sigma }) {
      const guided = cfgCombination(conditional, unconditional, guidanceScale);
      const offset = mul(x, offsetCoefficient(space, sigma));
      const deviationGuided = perSampleStandardDeviation(sub(guided, offset));
      const deviationConditional = perSampleStandardDeviation(sub(conditional, offset));
      // A sample whose guided prediction is constant keeps it (factor 1), where diffusers divides by 0.
      const ratio = where(equal(deviationGuided, 0), onesLike(deviationGuided), div(deviationConditional, deviationGuided));
      const factorMinusOne = mul(sub(ratio, 1), guidanceRescale);
      return add(guided, mul(factorMinusOne, sub(guided, offset)));
    },
    combineFloat64(conditional, unconditional, { x, sigma, sampleSize }) {
      const guided = cfgCombinationFloat64(conditional, unconditional, guidanceScale);
      const coefficient = offsetCoefficient(space, sigma);
      const shiftedGuided = guided.map((value, index) => value - coefficient * x[index]!);
      const shiftedConditional = conditional.map((value, index) => value - coefficient * x[index]!);
      const out = new Float64Array(guided.length);
      for (let row = 0; row < guided.length / sampleSize; row += 1) {
        const deviationGuided = rowStandardDeviation(shiftedGuided, row, sampleSize);
        const ratio = deviationGuided === 0 ? 1 : rowStandardDeviation(shiftedConditional, row, sampleSize) / deviationGuided;
        const factorMinusOne = guidanceRescale * (ratio - 1);
        for (let index = row * sampleSize; index < (row + 1) * sampleSize; index += 1) out[index] = guided[index]! + factorMinusOne * shiftedGuided[index]!;
      }
      return out;
    },
  });
}
