import { checkBoolean, checkFinite, checkInRange, checkOptions, checkPositive, checkPositiveInteger, invalidOption } from '@diffusion/core/errors';
import type { Schedule } from '@diffusion/core/errors';
import { tabulateSchedule } from './discrete-schedule';
import type { TabulatedSchedule } from './discrete-schedule';
import { sigmoid, torchLinspace } from './numeric-ranges';
import { createVpScheduleFromLogSnr } from './vp-schedule';
import { rescaleZeroTerminalSnr } from './zero-terminal-snr';

/** Options of the continuous {@link createSigmoidSchedule} (Chen 2023). */
export interface ContinuousSigmoidScheduleOptions {
  /** Left end of the sigmoid's input; default -3. */
  readonly start?: number;
  /** Right end of the sigmoid's input; default 3. */
  readonly end?: number;
  /** Temperature; default 1. */
  readonly tau?: number;
}

/** Options of the discrete {@link createSigmoidSchedule} (diffusers' `'sigmoid'`). */
export interface DiscreteSigmoidScheduleOptions {
  /** Number of training steps T. */
  readonly numTrainTimesteps: number;
  /** Smallest beta, in (0, 1); default 1e-4. */
  readonly betaStart?: number;
  /** Largest beta, in (0, 1); default 0.02. */
  readonly betaEnd?: number;
  /** Rescale to zero terminal SNR (Lin et al. 2024); default false. */
  readonly rescaleBetasZeroSnr?: boolean;
}

/**
 * Sigmoid schedule. Discrete (with `numTrainTimesteps`): diffusers' `'sigmoid'` betas,
 * `beta = sigmoid(linspace(-6, 6, T)) (betaEnd - betaStart) + betaStart` (GeoDiff, Xu et al. 2022).
 * Continuous: Chen (2023), "On the Importance of Noise Scheduling", Algorithm 1,
 * `alphabar(t) = (v(end) - v(t (end - start) + start)) / (v(end) - v(start))`, `v(x) = sigmoid(x / tau)`
 * (its clip of alphabar at 1e-9 is not applied: alphabar(1) = 0).
 */
export function createSigmoidSchedule(options: DiscreteSigmoidScheduleOptions): TabulatedSchedule;
export function createSigmoidSchedule(options?: ContinuousSigmoidScheduleOptions): Schedule;
export function createSigmoidSchedule(options?: ContinuousSigmoidScheduleOptions | DiscreteSigmoidScheduleOptions): Schedule | TabulatedSchedule {
  const factory = 'createSigmoidSchedule';
  if (options !== undefined && 'numTrainTimesteps' in options && options.numTrainTimesteps !== undefined) {
    const given = checkOptions(`${factory}.options`, options, ['numTrainTimesteps', 'betaStart', 'betaEnd', 'rescaleBetasZeroSnr']);
    const numTrainTimesteps = checkPositiveInteger(`${factory}.numTrainTimesteps`, given.numTrainTimesteps);
    const betaStart = checkInRange(`${factory}.betaStart`, given.betaStart ?? 1e-4, 0, 1, '()');
    const betaEnd = checkInRange(`${factory}.betaEnd`, given.betaEnd ?? 0.02, 0, 1, '()');
    const rescaleBetasZeroSnr = checkBoolean(`${factory}.rescaleBetasZeroSnr`, given.rescaleBetasZeroSnr ?? false);
    if (rescaleBetasZeroSnr && numTrainTimesteps < 2) {
      throw invalidOption(`${factory}.numTrainTimesteps`, numTrainTimesteps, 'an integer >= 2 when rescaleBetasZeroSnr is true');
    }
    const betas = torchLinspace(-6, 6, numTrainTimesteps).map((x) => (1 / (1 + Math.exp(-x))) * (betaEnd - betaStart) + betaStart);
    return tabulateSchedule(rescaleBetasZeroSnr ? rescaleZeroTerminalSnr(betas) : betas, 'sigmoid', { numTrainTimesteps, betaStart, betaEnd, rescaleBetasZeroSnr });
  }
  const given = checkOptions(`${factory}.options`, options as ContinuousSigmoidScheduleOptions | undefined, ['start', 'end', 'tau']);
  const start = checkFinite(`${factory}.start`, given.start ?? -3);
  const end = checkFinite(`${factory}.end`, given.end ?? 3);
  if (!(end > start)) throw invalidOption(`${factory}.end`, end, `a number above start = ${start}`);
  const tau = checkPositive(`${factory}.tau`, given.tau ?? 1);
  const vStart = sigmoid(start / tau);
  const vEnd = sigmoid(end / tau);
  return createVpScheduleFromLogSnr({
    name: 'sigmoid',
    options: { start, end, tau },
    logSnr(t) {
      const value = sigmoid((t * (end - start) + start) / tau);
      // alphabar = (vEnd - value) / (vEnd - vStart), 1 - alphabar = (value - vStart) / (vEnd - vStart).
      return Math.log(vEnd - value) - Math.log(value - vStart);
    },
    tOfLogSnr(logSnr) {
      const value = sigmoid(-logSnr) * vEnd + sigmoid(logSnr) * vStart;
      return (tau * (Math.log(value) - Math.log1p(-value)) - start) / (end - start);
    },
  });
}
