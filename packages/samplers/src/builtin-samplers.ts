import type { KitSampler } from '@diffusion/sampler-kit';
import { createDdimSampler } from './ddim-sampler';
import { createDdpmSampler } from './ddpm-sampler';
import { createDpm2AncestralSampler } from './dpm-2-ancestral-sampler';
import { createDpm2Sampler } from './dpm-2-sampler';
import { createDpmAdaptiveSampler } from './dpm-adaptive-sampler';
import { createDpmFastSampler } from './dpm-fast-sampler';
import { createDpmpp2mSampler } from './dpmpp-2m-sampler';
import { createDpmpp2mSdeSampler } from './dpmpp-2m-sde-sampler';
import { createDpmpp2sAncestralSampler } from './dpmpp-2s-ancestral-sampler';
import { createDpmpp3mSampler } from './dpmpp-3m-sampler';
import { createDpmpp3mSdeSampler } from './dpmpp-3m-sde-sampler';
import { createDpmppSdeSampler } from './dpmpp-sde-sampler';
import { createEulerAncestralSampler } from './euler-ancestral-sampler';
import { createEulerSampler } from './euler-sampler';
import { createHeunSampler } from './heun-sampler';
import { createLmsSampler } from './lms-sampler';
import { createUnipcSampler } from './unipc-sampler';

/** A built-in sampler: a {@link KitSampler} of `@diffusion/sampler-kit` (the core contract plus `minimumSteps` and the exact `evaluations(steps)`). */
export type BuiltinSampler = KitSampler;

/**
 * The factory of every built-in sampler by name, for apps that build samplers from
 * `{ name, options }` records (`apps/compare --samplers 'lms{"order":3}'`).
 */
export function builtinSamplerFactories(): Readonly<Record<string, (options?: never) => BuiltinSampler>> {
  return {
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
}

/** One of each built-in sampler with default options, for `createRegistry({ samplers })`. */
export function builtinSamplers(): BuiltinSampler[] {
  return Object.values(builtinSamplerFactories()).map((create) => create());
}
