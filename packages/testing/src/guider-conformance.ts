import { describe, it } from 'vitest';
import type { Guider } from '@diffusion/core';
import {
  checkConditionalIdentity,
  checkGuiderCalls,
  checkGuiderContract,
  checkGuiderDeterminism,
  checkGuiderMemory,
  checkGuiderRejections,
  checkGuiderRoundTrip,
  checkUnconditional,
} from './guider-conformance-checks';
import { resolveGuiderConformanceOptions, type GuiderConformanceOptions } from './guider-conformance-options';

/**
 * Registers vitest blocks checking a guider factory against the v1 `Guider` contract of
 * `@diffusion/core`: `D_c` exactly at `w = 1` (or its equivalent), `D_u` at `w = 0`, exactly
 * `evaluations(sigma)` network evaluations per call (D_c and D_u, or one paired call, or D_c
 * alone), no tensor growth, determinism, the options' JSON round trip, and DiffusionErrors for bad
 * options and for predictions whose shapes differ. The denoisers are exact Gaussian ones.
 */
export function describeGuiderConformance<FactoryOptions>(createGuider: (options: FactoryOptions) => Guider, options: GuiderConformanceOptions<FactoryOptions>): void {
  const settings = resolveGuiderConformanceOptions(options);
  const guided = () => createGuider(settings.guidedOptions);
  const { timeout } = settings;
  describe(settings.title ?? `guider conformance: ${guided().name}`, () => {
    it('declares the v1 contract (kebab-case name, JSON options, 1 or 2 evaluations per call)', () => checkGuiderContract(guided(), settings));
    it('gives D_c exactly with the conditional options', () => checkConditionalIdentity(createGuider(settings.conditionalOptions), settings), timeout);
    it('gives D_u with the unconditional options where it guides', () => checkUnconditional(createGuider(settings.unconditionalOptions), settings), timeout);
    it('makes exactly the declared network calls (D_c and D_u once each, or one paired call)', () => checkGuiderCalls(guided(), settings), timeout);
    it('leaves tf.memory().numTensors flat across calls and unchanged after dispose', () => checkGuiderMemory(guided(), settings), timeout);
    it('gives the same output for the same inputs, paired or not', () => checkGuiderDeterminism(guided(), settings), timeout);
    it('rebuilds the same guider from JSON options', () => checkGuiderRoundTrip(guided(), createGuider, settings), timeout);
    it('rejects bad options and predictions of another shape with a DiffusionError naming the field', () => checkGuiderRejections(guided(), createGuider, settings), timeout);
  });
}
