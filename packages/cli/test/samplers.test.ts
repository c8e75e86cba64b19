import { builtinSamplers } from '@diffusion/samplers';
import { describe, expect, it } from 'vitest';
import { samplerFromSpec, samplerNames } from '../src/samplers';

describe('--sampler', () => {
  it('knows every built-in sampler of @diffusion/samplers by name', () => {
    for (const { name } of builtinSamplers()) expect(samplerFromSpec(name).name).toBe(name);
    expect([...samplerNames]).toEqual(builtinSamplers().map((sampler) => sampler.name));
  });
  it('passes JSON options to the factory, and lists the known names for an unknown one', () => {
    expect(samplerFromSpec('dpmpp-sde{"eta":0.5,"r":0.25}').options).toMatchObject({ eta: 0.5, r: 0.25 });
    expect(() => samplerFromSpec('dpm-3')).toThrow(/--sampler: unknown sampler "dpm-3"; known: .*dpm-2-ancestral/);
  });
});
