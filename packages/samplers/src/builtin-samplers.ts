import { createDdimSampler } from './ddim-sampler';
import { createDdpmSampler } from './ddpm-sampler';
import { createDpmpp2mSampler } from './dpmpp-2m-sampler';
import { createDpmpp2mSdeSampler } from './dpmpp-2m-sde-sampler';
import { createDpmpp3mSampler } from './dpmpp-3m-sampler';
import { createDpmpp3mSdeSampler } from './dpmpp-3m-sde-sampler';
import { createEulerAncestralSampler } from './euler-ancestral-sampler';
import { createEulerSampler } from './euler-sampler';
import { createHeunSampler } from './heun-sampler';
import { createLmsSampler } from './lms-sampler';
import type { BuiltinSampler } from './sampler-run';
import { createUnipcSampler } from './unipc-sampler';

/** One of each built-in sampler with default options, for `createRegistry({ samplers })`. */
export function builtinSamplers(): BuiltinSampler[] {
  return [
    createDdpmSampler(),
    createDdimSampler(),
    createEulerSampler(),
    createEulerAncestralSampler(),
    createHeunSampler(),
    createDpmpp2mSampler(),
    createDpmpp3mSampler(),
    createDpmpp2mSdeSampler(),
    createDpmpp3mSdeSampler(),
    createUnipcSampler(),
    createLmsSampler(),
  ];
}
