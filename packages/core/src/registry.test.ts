import { describe, expect, it } from 'vitest';
import { DiffusionError } from './errors';
import { createRegistry } from './registry';
import type { Sampler } from './sampler';

function fakeSampler(name: string): Sampler {
  return { name, specificationVersion: 'v1', options: {}, evaluationsPerStep: 1, stochastic: false, sample: (_d, noise) => noise.clone() };
}

describe('createRegistry', () => {
  it('finds plugins by name and lists them in order', () => {
    const registry = createRegistry({ samplers: [fakeSampler('euler'), fakeSampler('heun')] });
    expect(registry.samplers.get('heun').name).toBe('heun');
    expect(registry.samplers.names()).toEqual(['euler', 'heun']);
    expect(registry.schedules.names()).toEqual([]);
  });

  it('throws on an unknown name, listing the registered ones', () => {
    const registry = createRegistry({ samplers: [fakeSampler('euler'), fakeSampler('heun')] });
    expect(() => registry.samplers.get('nope')).toThrow(/no plugin named "nope"; registered: euler, heun/);
    try {
      registry.samplers.get('nope');
    } catch (error) {
      expect(error).toBeInstanceOf(DiffusionError);
      expect((error as DiffusionError).code).toBe('unknown-name');
    }
  });

  it('rejects duplicate names', () => {
    expect(() => createRegistry({ samplers: [fakeSampler('euler'), fakeSampler('euler')] })).toThrow(/registered twice/);
  });

  it('rejects an unsupported specification version', () => {
    const plugin = { ...fakeSampler('future'), specificationVersion: 'v9' } as unknown as Sampler;
    expect(() => createRegistry({ samplers: [plugin] })).toThrow(/specificationVersion: got "v9"/);
  });
});
