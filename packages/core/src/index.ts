export { DiffusionError, describeValue, invalidOption } from './errors';
export type { DiffusionErrorCode, DiffusionErrorDetails } from './errors';
export {
  checkBoolean,
  checkFinite,
  checkFiniteArray,
  checkInRange,
  checkNonNegative,
  checkNonNegativeInteger,
  checkOneOf,
  checkOptions,
  checkPositive,
  checkPositiveInteger,
  checkSigmaLadder,
} from './checks';
export { checkSameShape, checkShape } from './tensor-checks';
export { checkBackend } from './backend-check';
export { checkClassLabels } from './class-labels';
export type { DiscreteSchedule, Schedule, SpecificationVersion, TimestepSpacing } from './schedule';
export type { Level } from './level';
export type { Parameterisation } from './parameterisation';
export type { LossWeighting } from './loss-weighting';
export type { TimeDensity } from './time-density';
export type { ConditionalDenoiser, Denoiser } from './denoiser';
export type { GuidanceDenoisers, GuidedDenoiser, Guider } from './guider';
export { toDerivative } from './to-derivative';
export type { NoiseInterval, SampleOptions, Sampler, SamplerStepEvent } from './sampler';
export type { Backbone } from './backbone';
export { createRegistry } from './registry';
export type { BackboneFactory, Named, Registry, RegistryEntries, RegistryKind } from './registry';
export { createRandomSource } from './random';
export type { RandomSource, RandomState } from './random';
export { philox4x32 } from './philox';
export { randomNormalTensor, randomUniformTensor } from './random-tensor';
export { createBrownianTree } from './brownian-tree';
export type { BrownianTree, BrownianTreeOptions } from './brownian-tree';
export { createBrownianNoise } from './brownian-noise';
export type { BrownianNoise, BrownianNoiseOptions } from './brownian-noise';
