export { describeSamplerConformance } from './sampler-conformance';
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
