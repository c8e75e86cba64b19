import type { BackboneFactory } from '@diffusion/core';
import { createMlpBackbone, type MlpBackboneOptions } from './mlp-backbone';

/** The built-in backbone factories (`mlp`, `unet`, `dit`), for `createRegistry({ backbones })`. */
export function builtinBackboneFactories(): BackboneFactory[] {
  return [
    { name: 'mlp', specificationVersion: 'v1', create: (config) => createMlpBackbone(config as unknown as MlpBackboneOptions) },
  ];
}
