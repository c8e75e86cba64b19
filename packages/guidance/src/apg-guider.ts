import { checkInRange, checkNonNegative, checkOptions, checkPositive } from '@diffusion/core';
import { add, div, keep, maximum, minimum, mul, sub, type Tensor } from '@tensorflow/tfjs-core';
import { checkGuidanceScale } from './guidance-options';
import { defineGuider, type BuiltinGuider } from './guider-definition';
import { perSampleDot, perSampleNorm, rowDot } from './per-sample';

/** Options of {@link createApgGuider}. */
export interface ApgGuiderOptions {
  /** `w` of diffusers' `guidance_scale`, >= 0: `D = D_c + (w - 1) update` (1: no guidance). */
  readonly guidanceScale: number;
  /** Weight `eta` of the part of `D_c - D_u` parallel to `D_c`, >= 0 (default 0, the paper's choice; 1 keeps it, as CFG). */
  readonly eta?: number;
  /** Norm threshold `r`: the update is scaled to a per-sample L2 norm of at most r (absent: no clamp). */
  readonly normThreshold?: number;
  /** Momentum `beta` of the running update `Δ ← (D_c - D_u) + beta Δ`, in (-1, 1); the paper uses negative values (default 0: none). */
  readonly momentum?: number;
}

/** torch's `F.normalize` epsilon: the direction of a zero vector is taken as zero. */
const normalizeEpsilon = 1e-12;

/**
 * Adaptive projected guidance, Sadat et al. (2025, "Eliminating Oversaturation and Artifacts of
 * High Guidance Scales in Diffusion Models") Algorithm 1: the update `Δ = D_c - D_u` (with
 * momentum, §5.2) is clamped to norm `r` (§5.1), split into parts parallel and orthogonal to
 * `D_c` (§4), and `D = D_c + (w - 1)(Δ_orthogonal + eta Δ_parallel)`. With eta = 1, no clamp and
 * no momentum it is CFG. Norms and projections are per sample, over all non-batch axes.
 */
export function createApgGuider(options: ApgGuiderOptions): BuiltinGuider {
  const field = 'createApgGuider';
  const given = checkOptions(field, options, ['guidanceScale', 'eta', 'normThreshold', 'momentum']);
  const guidanceScale = checkGuidanceScale(`${field}.guidanceScale`, given.guidanceScale);
  const eta = checkNonNegative(`${field}.eta`, given.eta ?? 0);
  const normThreshold = given.normThreshold === undefined ? undefined : checkPositive(`${field}.normThreshold`, given.normThreshold);
  const momentum = checkInRange(`${field}.momentum`, given.momentum ?? 0, -1, 1, '()');
  return defineGuider<{ average: Tensor | undefined }, { average: Float64Array | undefined }>({
    name: 'apg',
    options: { guidanceScale, eta, ...(normThreshold === undefined ? {} : { normThreshold }), momentum },
    state: {
      create: () => ({ average: undefined }),
      reset(state) {
        state.average?.dispose();
        state.average = undefined;
      },
      dispose: (state) => state.average?.dispose(),
    },
    float64State: () => ({ average: undefined }),
    combine(conditional, unconditional, { state }) {
      let update = sub(conditional, unconditional);
      if (momentum !== 0) {
        if (state.average !== undefined) update = add(update, mul(state.average, momentum));
        const previous = state.average;
        state.average = keep(update);
        previous?.dispose();
      }
      if (normThreshold !== undefined) update = mul(update, minimum(1, div(normThreshold, perSampleNorm(update))));
      const direction = div(conditional, maximum(perSampleNorm(conditional), normalizeEpsilon));
      const parallel = mul(perSampleDot(update, direction), direction);
      const projected = add(sub(update, parallel), mul(parallel, eta));
      return add(conditional, mul(projected, guidanceScale - 1));
    },
    combineFloat64(conditional, unconditional, { sampleSize, state }) {
      let update = conditional.map((value, index) => value - unconditional[index]!);
      if (momentum !== 0) {
        const previous = state.average;
        if (previous !== undefined) update = update.map((value, index) => value + momentum * previous[index]!);
        state.average = update;
      }
      const out = new Float64Array(update.length);
      for (let row = 0; row < update.length / sampleSize; row += 1) {
        const scale = normThreshold === undefined ? 1 : Math.min(1, normThreshold / Math.sqrt(rowDot(update, update, row, sampleSize)));
        const conditionalNorm = Math.max(Math.sqrt(rowDot(conditional, conditional, row, sampleSize)), normalizeEpsilon);
        const along = (scale * rowDot(update, conditional, row, sampleSize)) / (conditionalNorm * conditionalNorm);
        for (let index = row * sampleSize; index < (row + 1) * sampleSize; index += 1) {
          const parallel = along * conditional[index]!;
          out[index] = conditional[index]! + (guidanceScale - 1) * (scale * update[index]! - parallel + eta * parallel);
        }
      }
      return out;
    },
  });
}
