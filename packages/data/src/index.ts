export type { Dataset } from './dataset';
export { createGaussianMixture } from './gaussian-mixture';
export type { GaussianMixture } from './gaussian-mixture';
export type { GaussianMixtureOptions } from './gaussian-mixture-options';
export { createConformanceMixture } from './conformance-mixture';
