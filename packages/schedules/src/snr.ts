import { invalidOption } from '@diffusion/core/errors';

/** Signal-to-noise ratio of a VP level, `alphabar / (1 - alphabar)` (Kingma et al. 2021, VDM eq. 2). */
export function snr(alphaBar: number): number {
  checkAlphaBar('snr.alphaBar', alphaBar);
  return alphaBar / (1 - alphaBar);
}

/** Log-SNR of a VP level, `log(alphabar) - log(1 - alphabar)` (VDM eq. 2). */
export function logSnrOfAlphaBar(alphaBar: number): number {
  checkAlphaBar('logSnrOfAlphaBar.alphaBar', alphaBar);
  return Math.log(alphaBar) - Math.log1p(-alphaBar);
}

/** Inverse of {@link logSnrOfAlphaBar}: `alphabar = sigmoid(logSnr)` (VDM, below eq. 3). */
export function alphaBarOfLogSnr(logSnr: number): number {
  if (typeof logSnr !== 'number' || Number.isNaN(logSnr)) throw invalidOption('alphaBarOfLogSnr.logSnr', logSnr, 'a number (±Infinity allowed)');
  return logSnr >= 0 ? 1 / (1 + Math.exp(-logSnr)) : Math.exp(logSnr) / (1 + Math.exp(logSnr));
}

/** Log-SNR of a variance-exploding sigma, `-2 log(sigma)` (Karras et al. 2022, EDM: x = x0 + sigma n). */
export function logSnrOfSigma(sigma: number): number {
  if (typeof sigma !== 'number' || Number.isNaN(sigma) || sigma < 0) throw invalidOption('logSnrOfSigma.sigma', sigma, 'a number >= 0');
  return -2 * Math.log(sigma);
}

/** Inverse of {@link logSnrOfSigma}: `sigma = exp(-logSnr / 2)`. */
export function sigmaOfLogSnr(logSnr: number): number {
  if (typeof logSnr !== 'number' || Number.isNaN(logSnr)) throw invalidOption('sigmaOfLogSnr.logSnr', logSnr, 'a number (±Infinity allowed)');
  return Math.exp(-logSnr / 2);
}

function checkAlphaBar(field: string, alphaBar: unknown): void {
  if (typeof alphaBar !== 'number' || !(alphaBar >= 0 && alphaBar <= 1)) throw invalidOption(field, alphaBar, 'a number in [0, 1]');
}
