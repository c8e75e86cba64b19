import { checkOptions, checkPositive, checkPositiveInteger, checkNonNegative, invalidOption } from '@diffusion/core';

/** Options of `describeSamplerConformance`. */
export interface SamplerConformanceOptions<FactoryOptions = unknown> {
  /** Title of the `describe` block; default `sampler conformance: <name>`. */
  readonly title?: string;
  /** Options the sampler under test is built with (must be JSON-serialisable). Default: none. */
  readonly factoryOptions?: FactoryOptions;
  /** Steps of the structural checks (shape, determinism, NFE, memory, errors). Default 8. */
  readonly steps?: number;
  /** Largest difference allowed between runs that must be identical (replay, round trip). Default 0 (bit-identical). */
  readonly tolerance?: number;
  /** NFE budget of the accuracy checks; steps = floor(qualityNfe / evaluationsPerStep). Default 100. */
  readonly qualityNfe?: number;
  /** Samples drawn for the mixture quality check. Default 8000. */
  readonly qualitySamples?: number;
  /** Largest sliced W1 allowed on the exact mixture. Default `0.022 * sqrt(20000 / qualitySamples)` (about the floor + 3 standard deviations; 0.035 at 8000). */
  readonly qualityThreshold?: number;
  /** Largest relative error allowed against the closed-form Gaussian ODE solution (deterministic samplers). Default 0.05 (first-order Euler at 100 Karras steps is 0.026 off). */
  readonly gaussianTolerance?: number;
  /** Karras ladder range of every check. Defaults 0.002 and 80 (EDM). */
  readonly sigmaMin?: number;
  readonly sigmaMax?: number;
  /** Denoiser calls of a run of `steps` steps, when the sampler declares no `evaluations(steps)` and differs from `evaluationsPerStep * steps`. */
  readonly expectedEvaluations?: (steps: number) => number;
  /** Timeout of each check, in milliseconds. Default 60000. */
  readonly timeout?: number;
  /** Step counts of the order check, increasing. Default [16, 32, 64, 128]. */
  readonly orderSteps?: readonly number[];
  /** How far the measured order may fall below the declared one (capped at 4). Default 0.5. */
  readonly orderTolerance?: number;
  /** Smallest relative error the order check trusts (float32 round-off and the last step's floor lie below). Default 1e-5. */
  readonly orderResolution?: number;
  /**
   * Adaptive samplers (`adaptive: true`) only, required for them: factory options from loose to tight
   * tolerance (at least two); the error on the Gaussian closed form must fall along them.
   */
  readonly adaptiveOptions?: readonly FactoryOptions[];
}

/** The options after defaults. */
export interface ResolvedSamplerConformanceOptions {
  readonly title: string | undefined;
  readonly factoryOptions: unknown;
  readonly steps: number;
  readonly tolerance: number;
  readonly qualityNfe: number;
  readonly qualitySamples: number;
  readonly qualityThreshold: number;
  readonly gaussianTolerance: number;
  readonly sigmaMin: number;
  readonly sigmaMax: number;
  readonly expectedEvaluations: ((steps: number) => number) | undefined;
  readonly timeout: number;
  readonly orderSteps: readonly number[];
  readonly orderTolerance: number;
  readonly orderResolution: number;
  readonly adaptiveOptions: readonly unknown[] | undefined;
}

/** The sliced-W1 noise floor of 20,000 exact samples is about 0.0120 ± 0.0035 (30 seeds); it scales as 1/sqrt(n). */
export const mixtureFloorAt20000 = 0.012;

const known = ['title', 'factoryOptions', 'steps', 'tolerance', 'qualityNfe', 'qualitySamples', 'qualityThreshold', 'gaussianTolerance', 'sigmaMin', 'sigmaMax', 'expectedEvaluations', 'timeout', 'orderSteps', 'orderTolerance', 'orderResolution', 'adaptiveOptions'];

/** Checks the suite's options and fills in the defaults. */
export function resolveSamplerConformanceOptions(options: SamplerConformanceOptions | undefined): ResolvedSamplerConformanceOptions {
  const given = checkOptions('describeSamplerConformance', options, known);
  const field = (name: string) => `describeSamplerConformance.${name}`;
  const qualitySamples = checkPositiveInteger(field('qualitySamples'), given.qualitySamples ?? 8000);
  const sigmaMin = checkPositive(field('sigmaMin'), given.sigmaMin ?? 0.002);
  const sigmaMax = checkPositive(field('sigmaMax'), given.sigmaMax ?? 80);
  if (sigmaMax <= sigmaMin) throw invalidOption(field('sigmaMax'), sigmaMax, `a sigma above sigmaMin (${sigmaMin})`);
  if (given.expectedEvaluations !== undefined && typeof given.expectedEvaluations !== 'function') throw invalidOption(field('expectedEvaluations'), given.expectedEvaluations, 'a function (steps) => number');
  const steps = checkPositiveInteger(field('steps'), given.steps ?? 8);
  if (steps < 3) throw invalidOption(field('steps'), steps, 'at least 3 steps (the NaN check poisons step 2)');
  const orderSteps = given.orderSteps ?? [16, 32, 64, 128];
  const increasing = Array.isArray(orderSteps) && orderSteps.length >= 2 && orderSteps.every((value, index) => Number.isInteger(value) && value >= 2 && (index === 0 || value > orderSteps[index - 1]!));
  if (!increasing) throw invalidOption(field('orderSteps'), orderSteps, 'at least two increasing integer step counts >= 2');
  if (given.adaptiveOptions !== undefined && !(Array.isArray(given.adaptiveOptions) && given.adaptiveOptions.length >= 2)) throw invalidOption(field('adaptiveOptions'), given.adaptiveOptions, 'at least two factory option objects, from loose to tight tolerance');
  return {
    title: given.title,
    factoryOptions: given.factoryOptions,
    steps,
    tolerance: checkNonNegative(field('tolerance'), given.tolerance ?? 0),
    qualityNfe: checkPositiveInteger(field('qualityNfe'), given.qualityNfe ?? 100),
    qualitySamples,
    qualityThreshold: checkPositive(field('qualityThreshold'), given.qualityThreshold ?? 0.022 * Math.sqrt(20000 / qualitySamples)),
    gaussianTolerance: checkPositive(field('gaussianTolerance'), given.gaussianTolerance ?? 0.05),
    sigmaMin,
    sigmaMax,
    expectedEvaluations: given.expectedEvaluations,
    timeout: checkPositiveInteger(field('timeout'), given.timeout ?? 60_000),
    orderSteps,
    orderTolerance: checkNonNegative(field('orderTolerance'), given.orderTolerance ?? 0.5),
    orderResolution: checkPositive(field('orderResolution'), given.orderResolution ?? 1e-5),
    adaptiveOptions: given.adaptiveOptions,
  };
}
