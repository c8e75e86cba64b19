import { checkBoolean, checkInRange, checkOptions, checkPositiveInteger, invalidOption } from '@diffusion/core/errors';
import { tabulateSchedule } from './discrete-schedule';
import type { TabulatedSchedule } from './discrete-schedule';
import { torchLinspace } from './numeric-ranges';
import { rescaleZeroTerminalSnr } from './zero-terminal-snr';

/** Options of {@link createLinearSchedule} and {@link createScaledLinearSchedule}. */
export interface LinearScheduleOptions {
  /** Number of training steps T; default 1000. */
  readonly numTrainTimesteps?: number;
  /** beta_1, in (0, 1). */
  readonly betaStart?: number;
  /** beta_T, in (0, 1). */
  readonly betaEnd?: number;
  /** Rescale to zero terminal SNR (Lin et al. 2024, Algorithm 1); default false. */
  readonly rescaleBetasZeroSnr?: boolean;
}

const known = ['numTrainTimesteps', 'betaStart', 'betaEnd', 'rescaleBetasZeroSnr'];

/** Linear betas of Ho et al. (2020), DDPM section 4: `beta_t = linspace(betaStart, betaEnd, T)`; diffusers' `'linear'`. */
export function createLinearSchedule(options?: LinearScheduleOptions): TabulatedSchedule {
  const checked = checkLinearOptions('createLinearSchedule', options, 1e-4, 0.02);
  const betas = torchLinspace(checked.betaStart, checked.betaEnd, checked.numTrainTimesteps);
  return tabulateSchedule(checked.rescaleBetasZeroSnr ? rescaleZeroTerminalSnr(betas) : betas, 'linear', checked);
}

/** Scaled-linear betas of Stable Diffusion (Rombach et al. 2022): `beta_t = linspace(sqrt(betaStart), sqrt(betaEnd), T)^2`; diffusers' `'scaled_linear'`. */
export function createScaledLinearSchedule(options?: LinearScheduleOptions): TabulatedSchedule {
  const checked = checkLinearOptions('createScaledLinearSchedule', options, 0.00085, 0.012);
  const betas = torchLinspace(Math.sqrt(checked.betaStart), Math.sqrt(checked.betaEnd), checked.numTrainTimesteps).map((root) => root * root);
  return tabulateSchedule(checked.rescaleBetasZeroSnr ? rescaleZeroTerminalSnr(betas) : betas, 'scaled-linear', checked);
}

function checkLinearOptions(factory: string, options: LinearScheduleOptions | undefined, betaStart: number, betaEnd: number) {
  const given = checkOptions(`${factory}.options`, options, known);
  const numTrainTimesteps = checkPositiveInteger(`${factory}.numTrainTimesteps`, given.numTrainTimesteps ?? 1000);
  const rescaleBetasZeroSnr = checkBoolean(`${factory}.rescaleBetasZeroSnr`, given.rescaleBetasZeroSnr ?? false);
  if (rescaleBetasZeroSnr && numTrainTimesteps < 2) {
    throw invalidOption(`${factory}.numTrainTimesteps`, numTrainTimesteps, 'an integer >= 2 when rescaleBetasZeroSnr is true');
  }
  return {
    numTrainTimesteps,
    betaStart: checkInRange(`${factory}.betaStart`, given.betaStart ?? betaStart, 0, 1, '()'),
    betaEnd: checkInRange(`${factory}.betaEnd`, given.betaEnd ?? betaEnd, 0, 1, '()'),
    rescaleBetasZeroSnr,
  };
}
