import { describe, expect, it } from 'vitest';
import {
  builtinSamplers,
  createDdimSampler,
  createDdpmSampler,
  createDpmpp2mSampler,
  createDpmpp2mSdeSampler,
  createDpmpp3mSampler,
  createDpmpp3mSdeSampler,
  createEulerAncestralSampler,
  createEulerSampler,
  createHeunSampler,
  createLmsSampler,
  createUnipcSampler,
} from '@diffusion/samplers';
import type { Sampler } from '@diffusion/core';
import { describeSamplerConformance } from './sampler-conformance';

// Every built-in sampler, with its default options, through the suite plugin authors run.
const factories: Record<string, (options?: never) => Sampler> = {
  ddpm: createDdpmSampler,
  ddim: createDdimSampler,
  euler: createEulerSampler,
  'euler-ancestral': createEulerAncestralSampler,
  heun: createHeunSampler,
  'dpmpp-2m': createDpmpp2mSampler,
  'dpmpp-3m': createDpmpp3mSampler,
  'dpmpp-2m-sde': createDpmpp2mSdeSampler,
  'dpmpp-3m-sde': createDpmpp3mSdeSampler,
  unipc: createUnipcSampler,
  lms: createLmsSampler,
};

describe('the built-in sampler list', () => {
  it('has a factory here for every built-in sampler', () => {
    expect(builtinSamplers().map((sampler) => sampler.name).sort()).toEqual(Object.keys(factories).sort());
  });
});

for (const [, factory] of Object.entries(factories)) describeSamplerConformance(factory);

// Variants that switch a sampler between deterministic and stochastic, or change its order.
describeSamplerConformance(createDdimSampler, { factoryOptions: { eta: 1 }, title: 'sampler conformance: ddim (eta 1)' });
describeSamplerConformance(createHeunSampler, { factoryOptions: { sChurn: 10 }, title: 'sampler conformance: heun (churn 10)' });
describeSamplerConformance(createEulerAncestralSampler, { factoryOptions: { eta: 0 }, title: 'sampler conformance: euler-ancestral (eta 0)' });
describeSamplerConformance(createDdpmSampler, { factoryOptions: { variance: 'beta' }, title: 'sampler conformance: ddpm (beta variance)' });
describeSamplerConformance(createUnipcSampler, { factoryOptions: { order: 3 }, title: 'sampler conformance: unipc (order 3, with UniC: 4)' });
describeSamplerConformance(createLmsSampler, { factoryOptions: { order: 3 }, title: 'sampler conformance: lms (order 3)' });
