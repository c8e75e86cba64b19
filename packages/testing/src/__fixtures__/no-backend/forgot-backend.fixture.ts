import { clone, type Tensor } from '@tensorflow/tfjs-core';
import type { Sampler } from '@diffusion/core';
import { describeSamplerConformance } from '../../sampler-conformance';

/** Any sampler will do: the suite must stop before it samples. */
function createCopySampler(): Sampler {
  return {
    name: 'copy',
    specificationVersion: 'v1',
    options: {},
    evaluationsPerStep: 1,
    stochastic: false,
    order: 1,
    sample: (_denoise, noise: Tensor) => clone(noise),
  };
}

describeSamplerConformance(createCopySampler);
