import { DiffusionError, describeValue } from '@diffusion/core';
import type { LossWeighting } from '@diffusion/core';

/**
 * Builds a `LossWeighting` whose `weight` rejects NaN input and any result that is not a
 * finite number >= 0 (the contract), naming the weighting and the log-SNR at fault.
 */
export function defineLossWeighting(
  name: string,
  options: Readonly<Record<string, unknown>>,
  compute: (logSnr: number) => number,
): LossWeighting {
  return {
    name,
    specificationVersion: 'v1',
    options,
    weight(logSnr: number): number {
      if (typeof logSnr !== 'number' || Number.isNaN(logSnr)) {
        throw new DiffusionError('invalid-argument', `${name}.weight.logSnr: got ${describeValue(logSnr)}; expected a number (not NaN).`, {
          field: `${name}.weight.logSnr`,
          value: logSnr,
          allowed: 'a number (not NaN)',
        });
      }
      const weight = compute(logSnr);
      if (!Number.isFinite(weight) || weight < 0) {
        throw new DiffusionError('non-finite', `${name}.weight: got ${describeValue(weight)} at logSnr ${describeValue(logSnr)}; a weight must be finite and >= 0.`, {
          field: `${name}.weight.logSnr`,
          value: logSnr,
          allowed: 'a log-SNR at which the weight is finite',
        });
      }
      return weight;
    },
  };
}

/** Summary of a schedule kept in a factory's JSON-serialisable `options`. */
export function describeSchedule(schedule: { readonly name: string; readonly options?: Readonly<Record<string, unknown>> }): { name: string; options: Readonly<Record<string, unknown>> } {
  return { name: schedule.name, options: schedule.options ?? {} };
}
