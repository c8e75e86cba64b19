import type { Tensor } from '@tensorflow/tfjs-core';
import type { Level } from './level';
import type { SpecificationVersion } from './schedule';

/**
 * What the network's output means (x0, eps, v, score, flow velocity, EDM's F). It fixes the
 * regression target and how an output is read back as an estimate of x0.
 */
export interface Parameterisation {
  /** Stable kebab-case name, e.g. `'eps'`. */
  readonly name: string;
  /** Contract version. */
  readonly specificationVersion: SpecificationVersion;
  /** JSON-serialisable options (e.g. `sigmaData`). */
  readonly options: Readonly<Record<string, unknown>>;
  /**
   * What the network regresses onto, given x0, the noise and the level of
   * `x_t = alpha x0 + sigma noise`. Returns a new tensor the caller owns.
   */
  target(x0: Tensor, noise: Tensor, level: Level): Tensor;
  /** The network output read back as an estimate of x0. Returns a new tensor the caller owns. */
  toX0(output: Tensor, xt: Tensor, level: Level): Tensor;
  /**
   * Optional input scaling before the network (EDM's `c_in`); identity when absent.
   * Returns a new tensor the caller owns.
   */
  scaleInput?(xt: Tensor, level: Level): Tensor;
  /**
   * Optional network time input (EDM's `c_noise`) from the schedule time `t in [0, 1]` and the
   * variance-exploding sigma `sigma / alpha`; when absent the network is fed `t` itself.
   */
  noiseConditioning?(t: number, sigmaVe: number): number;
  /**
   * Squared-error factor of this parameterisation's natural loss relative to eps-MSE at a log-SNR:
   * `||target - output||^2 = factor * ||eps - eps_hat||^2` (x0: 1 / SNR, eps: 1, v: 1 + 1 / SNR).
   */
  naturalWeight(logSnr: number): number;
}
