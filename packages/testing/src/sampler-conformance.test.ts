import * as tf from '@tensorflow/tfjs-core';
import { DiffusionError, checkOptions, checkSigmaLadder, createRandomSource, randomNormalTensor, type Denoiser, type SampleOptions, type Sampler, type SamplerStepEvent } from '@diffusion/core';
import { createDpmAdaptiveSampler, createDpmFastSampler } from '@diffusion/samplers';
import { describe, expect, it } from 'vitest';
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
import { describeSamplerConformance } from './sampler-conformance';
import { checkToleranceConvergence } from './sampler-tolerance-check';
import { resolveSamplerConformanceOptions } from './sampler-conformance-options';

type Defect = 'none' | 'own-randomness' | 'dispose-noise-on-throw' | 'leak' | 'extra-call' | 'random' | 'ignore-injected' | 'no-check' | 'swallow-nan' | 'dispose-noise' | 'no-events' | 'lossy-options' | 'first-order-wrong' | 'wrong-shape';

interface ToySamplerOptions {
  /** Noise scale of the ancestral (Euler-ancestral) variant; 0 is plain Euler. */
  readonly eta?: number;
  /** A deliberate defect, for the suite's own tests. */
  readonly defect?: Defect;
}

/** A small Euler / Euler-ancestral sampler written only against @diffusion/core (what an outside plugin would do). */
function createToySampler(options?: ToySamplerOptions): Sampler {
  const given = checkOptions('createToySampler', options, ['eta', 'defect']);
  const eta = given.eta ?? 0;
  const defect = given.defect ?? 'none';
  return {
    name: 'toy-euler',
    specificationVersion: 'v1',
    options: defect === 'lossy-options' ? { eta, defect, when: new Date(0) } : { eta, defect },
    evaluationsPerStep: 1,
    stochastic: eta > 0,
    ...(eta > 0 ? {} : { order: 1 }),
    sample(denoise: Denoiser, noise: tf.Tensor, sigmasInput: Float64Array, sampleOptions: SampleOptions = {}) {
      const sigmas = defect === 'no-check' ? sigmasInput : checkSigmaLadder('toy-euler.sigmas', sigmasInput);
      const source = createRandomSource(defect === 'random' ? Math.floor(Math.random() * 1e6) : sampleOptions.seed ?? 0);
      const draw = defect === 'ignore-injected' ? undefined : sampleOptions.noise;
      const fresh = (shape: readonly number[]) => {
        const value = draw ? draw(shape) : randomNormalTensor(source, shape);
        if (value.shape.join() !== shape.join()) {
          value.dispose();
          throw new DiffusionError('shape-mismatch', `toy-euler.options.noise: wrong shape [${value.shape.join(', ')}]`);
        }
        return value;
      };
      let x = noise.clone();
      let bad: { index: number; sigma: number } | undefined;
      try {
        for (let index = 0; index + 1 < sigmas.length; index += 1) {
          const sigma = sigmas[index]!;
          const sigmaNext = sigmas[index + 1]!;
          const next = tf.tidy(() => {
            const denoised = denoise(x, sigma);
            if (defect === 'extra-call' && index === 0) tf.dispose(denoise(x, sigma));
            if (bad === undefined && !Number.isFinite(tf.sum(denoised).dataSync()[0]!)) bad = { index, sigma };
            const sigmaUp = Math.min(sigmaNext, eta * Math.sqrt((sigmaNext ** 2 * (sigma ** 2 - sigmaNext ** 2)) / sigma ** 2));
            const sigmaDown = Math.sqrt(sigmaNext ** 2 - sigmaUp ** 2);
            const scale = defect === 'first-order-wrong' ? 2 : 1;
            let moved = tf.add(x, tf.mul(tf.div(tf.sub(x, denoised), sigma), scale * (sigmaDown - sigma)));
            if (sigmaUp > 0) moved = tf.add(moved, tf.mul(fresh(x.shape), sigmaUp));
            // A "deterministic" sampler with randomness of its own when no seed is given.
            if (defect === 'own-randomness' && sampleOptions.seed === undefined) moved = tf.add(moved, tf.mul(tf.randomNormal(x.shape), 1e-3));
            sampleOptions.onStep && defect !== 'no-events' && sampleOptions.onStep({ index, sigma, sigmaNext, x: moved, denoised });
            return moved;
          });
          if (defect === 'leak') tf.keep(tf.clone(next));
          x.dispose();
          x = next;
        }
      } catch (error) {
        x.dispose();
        throw error;
      }
      if (bad !== undefined && defect !== 'swallow-nan') {
        x.dispose();
        if (defect === 'dispose-noise-on-throw') noise.dispose();
        throw new DiffusionError('non-finite', `toy-euler: NaN from the denoiser at step ${bad.index} (sigma ${bad.sigma}).`);
      }
      if (defect === 'dispose-noise') noise.dispose();
      if (defect === 'wrong-shape') {
        const flat = tf.reshape(x, [-1]);
        x.dispose();
        return flat;
      }
      return x;
    },
  };
}

// The suite, registered as a plugin author would, on a correct deterministic and stochastic sampler.
describeSamplerConformance(createToySampler, { qualitySamples: 4000 });
describeSamplerConformance(createToySampler, { factoryOptions: { eta: 1 }, title: 'sampler conformance: toy-euler (ancestral)', qualitySamples: 4000 });

const settings = resolveSamplerConformanceOptions({ steps: 6, qualitySamples: 2000, qualityNfe: 40 });
const broken = (defect: Defect, eta = 0) => createToySampler({ eta, defect });

describe('the conformance checks fail on broken samplers', () => {
  it('catches a leaked tensor per step', () => expect(() => checkMemory(broken('leak'), settings)).toThrow(/changed the live tensor count/));
  it('catches an undeclared denoiser call', () => expect(() => checkEvaluations(broken('extra-call'), settings)).toThrow(/denoiser calls/));
  it('catches unseeded randomness', () => expect(() => checkSeedDeterminism(broken('random', 1), settings)).toThrow(/seed 7 differ/));
  it('catches a stochastic sampler ignoring injected noise', () => expect(() => checkInjectedNoise(broken('ignore-injected', 1), settings)).toThrow(/never called options.noise/));
  it('catches missing ladder checks', () => expect(() => checkRejections(broken('no-check'), settings)).toThrow(/no error was thrown/));
  it('catches a swallowed NaN', () => expect(() => checkNonFinite(broken('swallow-nan'), settings)).toThrow(/no error was thrown/));
  it('catches a disposed starting noise', () => expect(() => checkSeedDeterminism(broken('dispose-noise'), settings)).toThrow(/disposed the starting noise/));
  it('catches missing onStep events', () => expect(() => checkStepEvents(broken('no-events'), settings)).toThrow(/onStep was called 0 times/));
  it('catches options that do not survive JSON', () => {
    expect(() => checkContract(broken('lossy-options'))).toThrow(/do not survive JSON/);
    expect(() => checkOptionsRoundTrip(broken('lossy-options'), createToySampler as never, settings)).toThrow(DiffusionError);
  });
  it('catches an output of another shape', () => expect(() => checkOutputShape(broken('wrong-shape'), settings)).toThrow(/differs from the noise shape/));
  it('catches a wrong update rule on the closed-form and mixture checks', () => {
    expect(() => checkGaussianClosedForm(broken('first-order-wrong'), settings)).toThrow(/closed-form ODE solution/);
    expect(() => checkMixtureQuality(broken('first-order-wrong'), settings)).toThrow(/sliced W1/);
  });
  it('catches a "deterministic" sampler that draws randomness of its own without options.noise or a seed', () => {
    expect(() => checkDeterministicWithoutNoise(broken('own-randomness'), settings)).toThrow(/declared deterministic, yet a second run without options differs from a run without options\.noise or a seed by/);
    checkDeterministicWithoutNoise(broken('none'), settings);
  });
  it('names the caller’s disposed noise when a sampler disposes it on the NaN error (not "-1 tensors leaked")', () => {
    expect(() => checkNonFinite(broken('dispose-noise-on-throw'), settings)).toThrow(/a denoiser returning NaN at step 2: the sampler disposed the caller's starting noise when it threw \(the caller owns it; a sampler disposes only the tensors it made\)$/);
  });
  it('catches a non-kebab name', () => expect(() => checkContract({ ...createToySampler(), name: 'Toy Euler' })).toThrow(/kebab-case/));});

describe('the checks of samplers that place their own steps fail on broken ones', () => {
  // dpm-fast and dpm-adaptive with their onStep events altered.
  const altered = (sampler: Sampler, alter: (event: SamplerStepEvent) => SamplerStepEvent | undefined): Sampler => ({
    ...sampler,
    sample: (denoise, noise, sigmas, options) => sampler.sample(denoise, noise, sigmas, { ...options, onStep: (event) => { const changed = alter(event); if (changed !== undefined) options?.onStep?.(changed); } }),
  });
  const tolerances = resolveSamplerConformanceOptions({ adaptiveOptions: [{ rtol: 0.1, atol: 0.1 }, { rtol: 0.01, atol: 0.01 }] });
  it('catches an adaptive sampler misreporting its NFE', () => {
    expect(() => checkEvaluations(altered(createDpmAdaptiveSampler(), (event) => ({ ...event, evaluations: event.evaluations! + 1 })), settings)).toThrow(/reports evaluations \d+; \d+ denoiser calls were made so far/);
    expect(() => checkEvaluations(altered(createDpmAdaptiveSampler(), ({ evaluations: _, ...event }) => event), settings)).toThrow(/an adaptive sampler reports the NFE it spent/);
    checkEvaluations(createDpmAdaptiveSampler(), settings);
  });
  it('catches own steps that skip a step or do not reach 0', () => {
    expect(() => checkStepEvents(altered(createDpmFastSampler(), (event) => (event.index === 1 ? undefined : event)), settings)).toThrow(/onStep event 1 reported index 2/);
    expect(() => checkStepEvents(altered(createDpmFastSampler(), (event) => (event.sigmaNext === 0 ? undefined : event)), settings)).toThrow(/the last onStep event reported/);
    checkStepEvents(createDpmFastSampler(), settings);
  });
  it('catches an error that does not fall as the tolerance tightens, and a missing tolerance list', () => {
    const create = createDpmAdaptiveSampler as (options?: never) => Sampler;
    expect(() => checkToleranceConvergence(create, resolveSamplerConformanceOptions({ adaptiveOptions: [{ rtol: 0.01, atol: 0.01 }, { rtol: 0.1, atol: 0.1 }] }))).toThrow(/does not fall as the tolerance tightens/);
    expect(() => checkToleranceConvergence(create, settings)).toThrow(/pass adaptiveOptions/);
    const runs = checkToleranceConvergence(create, tolerances);
    expect(runs[1]!.error).toBeLessThan(runs[0]!.error);
  });
});

describe('resolveSamplerConformanceOptions', () => {
  it('fills defaults and scales the quality threshold with the sample count', () => {
    const resolved = resolveSamplerConformanceOptions(undefined);
    expect(resolved.qualitySamples).toBe(8000);
    expect(resolved.qualityThreshold).toBeCloseTo(0.022 * Math.sqrt(2.5), 12);
    expect(resolveSamplerConformanceOptions({ qualitySamples: 20_000 }).qualityThreshold).toBeCloseTo(0.022, 12);
  });

  it('rejects unknown options and bad values with a DiffusionError naming the field', () => {
    expect(() => resolveSamplerConformanceOptions({ stepz: 3 } as never)).toThrow(/describeSamplerConformance\.stepz/);
    expect(() => resolveSamplerConformanceOptions({ steps: 2 })).toThrow(/describeSamplerConformance\.steps: got 2/);
    expect(() => resolveSamplerConformanceOptions({ sigmaMin: 5, sigmaMax: 1 })).toThrow(DiffusionError);
  });
});
