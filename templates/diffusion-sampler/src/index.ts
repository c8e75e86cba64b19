import { create__Name__Sampler } from './__NAME__-sampler.js';

export { create__Name__Sampler } from './__NAME__-sampler.js';
export type { __Name__SamplerOptions } from './__NAME__-sampler.js';

/** The plugin module shape apps load by name (`--plugin diffusion-sampler-__NAME__`): factories, so apps can pass options. */
export const plugin = { samplers: [create__Name__Sampler] } as const;

export default plugin;
