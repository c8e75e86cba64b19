import type { SpecificationVersion } from './schedule';

/**
 * A per-level loss weight, expressed relative to the eps-MSE loss so that weightings compare
 * across parameterisations. Since `x0 - x0_hat = -(sigma / alpha)(eps - eps_hat)`, eps-MSE is
 * `SNR` times x0-MSE: plain x0-MSE is the weight `1 / SNR` on eps-MSE, v-MSE the weight `1 + 1 / SNR`.
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
