import { describe, expect, it } from 'vitest';
import {
  builtinSamplers,
  createDdimSampler,
  createDdpmSampler,
  createDpm2AncestralSampler,
  createDpm2Sampler,
  createDpmAdaptiveSampler,
  createDpmFastSampler,
  createDpmpp2mSampler,
  createDpmpp2mSdeSampler,
  createDpmpp2sAncestralSampler,
  createDpmpp3mSampler,
  createDpmpp3mSdeSampler,
  createDpmppSdeSampler,
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
  'dpm-2': createDpm2Sampler,
  'dpm-2-ancestral': createDpm2AncestralSampler,
  'dpmpp-2s-ancestral': createDpmpp2sAncestralSampler,
  'dpmpp-sde': createDpmppSdeSampler,
  unipc: createUnipcSampler,
  lms: createLmsSampler,
  'dpm-fast': createDpmFastSampler,
  'dpm-adaptive': createDpmAdaptiveSampler,
};

describe('the built-in sampler list', () => {
  it('has a factory here for every built-in sampler', () => {
    expect(builtinSamplers().map((sampler) => sampler.name).sort()).toEqual(Object.keys(factories).sort());
  });
});

// An adaptive sampler is checked at several tolerances instead of step counts.
const adaptiveOptions: Record<string, readonly object[]> = { 'dpm-adaptive': [{ rtol: 0.1, atol: 0.1 }, { rtol: 0.01, atol: 0.01 }, { rtol: 0.001, atol: 0.001 }] };
for (const [name, factory] of Object.entries(factories)) describeSamplerConformance(factory, adaptiveOptions[name] === undefined ? {} : { adaptiveOptions: adaptiveOptions[name] as never });

// Variants that switch a sampler between deterministic and stochastic, or change its order.
describeSamplerConformance(createDdimSampler, { factoryOptions: { eta: 1 }, title: 'sampler conformance: ddim (eta 1)' });
describeSamplerConformance(createHeunSampler, { factoryOptions: { sChurn: 10 }, title: 'sampler conformance: heun (churn 10)' });
describeSamplerConformance(createEulerAncestralSampler, { factoryOptions: { eta: 0 }, title: 'sampler conformance: euler-ancestral (eta 0)' });
describeSamplerConformance(createDdpmSampler, { factoryOptions: { variance: 'beta' }, title: 'sampler conformance: ddpm (beta variance)' });
describeSamplerConformance(createUnipcSampler, { factoryOptions: { order: 3 }, title: 'sampler conformance: unipc (order 3, with UniC: 4)' });
describeSamplerConformance(createLmsSampler, { factoryOptions: { order: 3 }, title: 'sampler conformance: lms (order 3)' });
describeSamplerConformance(createDpm2Sampler, { factoryOptions: { sChurn: 10 }, title: 'sampler conformance: dpm-2 (churn 10)' });
describeSamplerConformance(createDpm2AncestralSampler, { factoryOptions: { eta: 0 }, title: 'sampler conformance: dpm-2-ancestral (eta 0, DPM-Solver-2: order 2)' });
describeSamplerConformance(createDpmpp2sAncestralSampler, { factoryOptions: { eta: 0 }, title: 'sampler conformance: dpmpp-2s-ancestral (eta 0, DPM-Solver++(2S): order 2)' });
describeSamplerConformance(createDpmppSdeSampler, { factoryOptions: { eta: 0 }, title: 'sampler conformance: dpmpp-sde (eta 0, DPM-Solver++(2S) with r 1/2: order 2)' });
describeSamplerConformance(createDpmppSdeSampler, { factoryOptions: { eta: 0, r: 1 / 3 }, title: 'sampler conformance: dpmpp-sde (eta 0, r 1/3: order 2)' });
describeSamplerConformance(createDpmFastSampler, { factoryOptions: { eta: 1 }, title: 'sampler conformance: dpm-fast (eta 1)' });
describeSamplerConformance(createDpmAdaptiveSampler, { factoryOptions: { order: 2, rtol: 0.01 }, adaptiveOptions: [{ order: 2, rtol: 0.1, atol: 0.1 }, { order: 2, rtol: 0.01, atol: 0.01 }, { order: 2, rtol: 0.001, atol: 0.001 }], title: 'sampler conformance: dpm-adaptive (order 2, rtol 0.01)' });
describeSamplerConformance(createDpmAdaptiveSampler, { factoryOptions: { eta: 1 }, title: 'sampler conformance: dpm-adaptive (eta 1)' });
