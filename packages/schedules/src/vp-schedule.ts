import { checkInRange, invalidOption } from '@diffusion/core/errors';
import type { Schedule } from '@diffusion/core/errors';

/** What {@link createVpScheduleFromLogSnr} needs: a falling log-SNR on [0, 1] and, if known, its inverse. */
export interface VpScheduleDefinition {
  /** Stable kebab-case name. */
  readonly name: string;
  /** JSON-serialisable options to keep on the schedule. */
  readonly options: Readonly<Record<string, unknown>>;
  /** log(alpha^2 / sigma^2) at t in [0, 1], falling. */
  logSnr(t: number): number;
  /** Exact inverse of `logSnr`; when omitted, found by bisection to within 1e-15 in t. */
  tOfLogSnr?(logSnr: number): number;
}

/**
 * A variance-preserving schedule from its log-SNR alone: `alpha^2 = sigmoid(logSnr)`,
 * `sigma^2 = sigmoid(-logSnr)` (Kingma et al. 2021, VDM eq. 3 and below).
 */
export function createVpScheduleFromLogSnr(definition: VpScheduleDefinition): Schedule {
  const { name } = definition;
  const logSnrAt = (t: number): number => definition.logSnr(checkInRange(`${name}.t`, t, 0, 1));
  const inverse = definition.tOfLogSnr ?? ((value: number) => bisectLogSnr(definition.logSnr, value));
  return {
    name,
    specificationVersion: 'v1',
    options: definition.options,
    alpha: (t) => alphaOfLogSnr(logSnrAt(t)),
    sigma: (t) => alphaOfLogSnr(-logSnrAt(t)),
    logSnr: logSnrAt,
    tOfLogSnr: (value) => clampedInverse(name, inverse, value),
  };
}

/** `sqrt(sigmoid(logSnr))`, written so that it does not underflow before exp(logSnr / 2) does. */
function alphaOfLogSnr(logSnr: number): number {
  return logSnr >= 0 ? 1 / Math.sqrt(1 + Math.exp(-logSnr)) : Math.exp(logSnr / 2) / Math.sqrt(1 + Math.exp(logSnr));
}

/** Checks a log-SNR argument and clamps an inverse to [0, 1]: values beyond the schedule's range map to its nearest end. */
export function clampedInverse(name: string, inverse: (logSnr: number) => number, logSnr: number): number {
  if (typeof logSnr !== 'number' || Number.isNaN(logSnr)) throw invalidOption(`${name}.tOfLogSnr.logSnr`, logSnr, 'a number (±Infinity allowed)');
  if (logSnr === Infinity) return 0;
  if (logSnr === -Infinity) return 1;
  const t = inverse(logSnr);
  return Number.isNaN(t) ? (logSnr > 0 ? 0 : 1) : Math.min(1, Math.max(0, t));
}

/** The t in [0, 1] where a falling log-SNR crosses a value, by bisection (about 52 halvings). */
export function bisectLogSnr(logSnr: (t: number) => number, value: number): number {
  let low = 0;
  let high = 1;
  if (logSnr(low) <= value) return 0;
  if (logSnr(high) >= value) return 1;
  while (high - low > 1e-15) {
    const middle = (low + high) / 2;
    if (middle === low || middle === high) break;
    if (logSnr(middle) > value) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
}
