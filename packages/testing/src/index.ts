export { describeSamplerConformance } from './sampler-conformance';
export { describeGuiderConformance } from './guider-conformance';
export type { GuiderConformanceOptions, GuiderRejection, ResolvedGuiderConformanceOptions } from './guider-conformance-options';
export { resolveGuiderConformanceOptions } from './guider-conformance-options';
export {
  checkConditionalIdentity,
  checkGuiderCalls,
  checkGuiderContract,
  checkGuiderDeterminism,
  checkGuiderMemory,
  checkGuiderRejections,
  checkGuiderRoundTrip,
  checkUnconditional,
} from './guider-conformance-checks';
export { countedGuidanceDenoisers, guiderTestInput, guiderTestShape } from './guider-test-denoisers';
export type { CountedGuidanceDenoisers, GuiderCallCounts } from './guider-test-denoisers';
export { mixtureFloorAt20000 } from './sampler-conformance-options';
export type { SamplerConformanceOptions } from './sampler-conformance-options';
export {
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
export { resolveSamplerConformanceOptions } from './sampler-conformance-options';
export type { ResolvedSamplerConformanceOptions } from './sampler-conformance-options';
export { countingDenoiser, gaussianDenoiser } from './counting-denoiser';
export type { CountingDenoiser } from './counting-denoiser';
export { conformanceMixture, exactMixtureDenoiser, sampleMixture } from './mixture-denoiser';
export type { IsotropicMixture } from './mixture-denoiser';
export { normalCdf, slicedWasserstein1ToMixture } from './mixture-wasserstein';
export type { SlicedWassersteinOptions } from './mixture-wasserstein';
export { karrasLadder } from './sigma-ladders';
export { checkOrder, maximumCheckedOrder, measureOrder } from './sampler-order-check';
export type { MeasuredOrder } from './sampler-order-check';
export { checkToleranceConvergence } from './sampler-tolerance-check';
export type { ToleranceRun } from './sampler-tolerance-check';
