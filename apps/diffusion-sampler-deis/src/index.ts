import { createDeisSampler } from './deis-sampler.js';

export { createDeisSampler } from './deis-sampler.js';
export type { DeisSampler, DeisSamplerOptions } from './deis-sampler.js';
export { deisCoefficients, vpTimeOfSigma } from './deis-coefficients.js';
export type { DeisCoefficientOptions, DeisVariant } from './deis-coefficients.js';

/** The plugin module shape apps load by name (`--plugin diffusion-sampler-deis`): factories, so apps can pass options. */
export const plugin = { samplers: [createDeisSampler] } as const;

export default plugin;
