import type { SpecificationVersion } from './schedule';

/**
 * A per-level loss weight, expressed relative to the eps-MSE loss so that weightings compare
 * across parameterisations: x0-MSE is `SNR` times eps-MSE, v-MSE is `SNR + 1` times it.
 */
export interface LossWeighting {
  /** Stable kebab-case name, e.g. `'min-snr'`. */
  readonly name: string;
  /** Contract version. */
  readonly specificationVersion: SpecificationVersion;
  /** JSON-serialisable options (e.g. `gamma`). */
  readonly options: Readonly<Record<string, unknown>>;
  /** Weight w(logSnr) that multiplies `||eps - eps_hat||^2`; finite and >= 0. */
  weight(logSnr: number): number;
}
