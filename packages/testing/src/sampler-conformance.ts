import { beforeAll, describe, it } from 'vitest';
import { checkBackend, type Sampler } from '@diffusion/core';
import {
  checkContract,
  checkDeterministicWithoutNoise,
  checkEvaluations,
  checkGaussianClosedForm,
  checkInjectedNoise,
  checkMemory,
  checkMixtureQuality,
  checkNonFinite,
  checkOptionsRoundTrip,
  checkOutputShape,
  checkRejections,
  checkSeedDeterminism,
  checkStepEvents,
} from './sampler-conformance-checks';
import { resolveSamplerConformanceOptions, type SamplerConformanceOptions } from './sampler-conformance-options';
import { checkOrder, maximumCheckedOrder } from './sampler-order-check';
import { checkToleranceConvergence } from './sampler-tolerance-check';

/**
 * Registers vitest `describe`/`it` blocks checking a sampler factory against the v1 `Sampler`
 * contract of `@diffusion/core` (the shared-suite pattern of diffusers' scheduler tests and
 * tfjs's backend suites): shape, seeded determinism, injected-noise replay, memory, declared NFE,
 * options round trip, argument errors, NaN guard, the declared order of accuracy (for an adaptive
 * sampler: convergence as its tolerance tightens), and accuracy on
 * closed-form and exact-mixture cases.
 */
export function describeSamplerConformance<FactoryOptions>(createSampler: (options?: FactoryOptions) => Sampler, options?: SamplerConformanceOptions<FactoryOptions>): void {
  const settings = resolveSamplerConformanceOptions(options as SamplerConformanceOptions | undefined);
  const build = () => createSampler(settings.factoryOptions as FactoryOptions | undefined);
  const sampler = build();
  const timeout = settings.timeout;
  describe(settings.title ?? `sampler conformance: ${sampler.name}`, () => {
    // No backend set up (a test setup file that imports and starts one): say so once, not as tfjs' "No backend found in registry" in every check.
    beforeAll(() => void checkBackend('describeSamplerConformance'));
    it('declares the v1 contract (kebab-case name, positive evaluationsPerStep, JSON options)', () => checkContract(build()));
    it('returns a float32 tensor of the noise shape', () => checkOutputShape(build(), settings), timeout);
    it('gives the same output for the same seed', () => checkSeedDeterminism(build(), settings), timeout);
    it(sampler.stochastic ? 'replays injected noise exactly and changes with it' : 'replays exactly and never draws injected noise', () => checkInjectedNoise(build(), settings), timeout);
    if (!sampler.stochastic) it('is deterministic without options.noise or a seed', () => checkDeterministicWithoutNoise(build(), settings), timeout);
    it('leaves tf.memory().numTensors unchanged and flat across steps', () => checkMemory(build(), settings), timeout);
    it('calls the denoiser exactly the declared number of times', () => checkEvaluations(build(), settings), timeout);
    it('reports every step to onStep with the ladder sigmas', () => checkStepEvents(build(), settings), timeout);
    it('rebuilds the same sampler from JSON options', () => checkOptionsRoundTrip(build(), createSampler as (options?: never) => Sampler, settings), timeout);
    it(`rejects bad ladders${sampler.stochastic ? ' and wrongly shaped noise' : ''} with a DiffusionError`, () => checkRejections(build(), settings), timeout);
    it('stops with a DiffusionError naming the step and sigma when the denoiser returns NaN', () => checkNonFinite(build(), settings), timeout);
    it(sampler.stochastic ? 'ends at N(0, I) for Gaussian data' : 'follows the closed-form ODE solution for Gaussian data', () => checkGaussianClosedForm(build(), settings), timeout);
    if (sampler.adaptive === true) {
      if (!sampler.stochastic) it('converges as its tolerance tightens on the Gaussian closed form (the NFE it reports rises)', () => void checkToleranceConvergence(createSampler as (options?: never) => Sampler, settings), timeout);
    } else if (!sampler.stochastic) {
      const claimed = sampler.order === undefined ? 'its declared order' : `order ${sampler.order}${sampler.order > maximumCheckedOrder ? ` (checked as ${maximumCheckedOrder})` : ''}`;
      it(`converges at ${claimed} on the Gaussian closed form`, () => void checkOrder(build(), settings), timeout);
    }
    it(`reaches the sliced-W1 noise floor of the exact mixture at NFE ${settings.qualityNfe}`, () => {
      checkMixtureQuality(build(), settings);
    }, timeout);
  });
}
