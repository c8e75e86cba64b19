import type { BackboneFactory } from '@diffusion/core';
import { createDitBackbone, type DitBackboneOptions } from './dit-backbone';
import { createMlpBackbone, type MlpBackboneOptions } from './mlp-backbone';
import { createUnetBackbone } from './unet-backbone';
import type { UnetBackboneOptions } from './unet-options';

/** The built-in backbone factories (`mlp`, `unet`, `dit`) for `createRegistry({ backbones })`; each checks its JSON config. */
export function builtinBackboneFactories(): BackboneFactory[] {
  return [
    { name: 'mlp', specificationVersion: 'v1', create: (config) => createMlpBackbone(config as unknown as MlpBackboneOptions) },
    { name: 'unet', specificationVersion: 'v1', create: (config) => createUnetBackbone(config as unknown as UnetBackboneOptions) },
    { name: 'dit', specificationVersion: 'v1', create: (config) => createDitBackbone(config as unknown as DitBackboneOptions) },
  ];
}
