import { createDeisSampler } from './deis-sampler';

export { createDeisSampler } from './deis-sampler';
export type { DeisSampler, DeisSamplerOptions } from './deis-sampler';
export { deisCoefficients, vpTimeOfSigma } from './deis-coefficients';
export type { DeisCoefficientOptions, DeisVariant } from './deis-coefficients';

/** The plugin module shape apps load by name: `(await import('diffusion-sampler-deis')).plugin.samplers`. */
export const plugin = { samplers: [createDeisSampler()] } as const;

export default plugin;
