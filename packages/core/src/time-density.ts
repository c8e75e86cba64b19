import type { RandomSource } from './random';
import type { SpecificationVersion } from './schedule';

/**
 * The distribution training draws its times from. The training objective is an integral over
 * uniform time `t in [0, 1]`; a density other than uniform is importance sampling, so the trainer
 * divides each term by `density(t)` to keep the estimator unbiased.
 */
export interface TimeDensity {
  /** Stable kebab-case name, e.g. `'log-normal'`. */
  readonly name: string;
  /** Contract version. */
  readonly specificationVersion: SpecificationVersion;
  /** JSON-serialisable options. */
  readonly options: Readonly<Record<string, unknown>>;
  /** Draws `count` times in [0, 1] (a discrete density returns multiples of 1/T). */
  sample(count: number, random: RandomSource): Float64Array;
  /** Density of `t` relative to uniform on [0, 1] (a probability mass times T for discrete densities). */
  density(t: number): number;
  /** Optional feedback of per-time losses (importance sampling from a loss history). */
  update?(times: Float64Array, losses: Float64Array): void;
  /** JSON-serialisable state of a density that learns (`update`), for checkpoints and exact resume. */
  state?(): unknown;
  /** Restores a state returned by `state()`. */
  restore?(state: unknown): void;
}
