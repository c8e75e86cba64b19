import type { Sampler } from '@diffusion/core';
import { lossWeightingNames, timeDensityNames } from '@diffusion/loss-weightings';
import { builtinSamplers } from '@diffusion/samplers';
import { describe, expect, it } from 'vitest';
import { buildPlaygroundRegistry } from './playground-registry';

describe('the playground registry', () => {
  it('holds every built-in sampler, parameterisation and schedule by name', () => {
    const { registry } = buildPlaygroundRegistry();
    expect(registry.samplers.names()).toEqual(builtinSamplers().filter((sampler) => sampler.adaptive !== true).map((sampler) => sampler.name));
    expect(registry.samplers.names()).toEqual(expect.arrayContaining(['dpmpp-2m', 'euler', 'heun', 'ddim']));
    expect(registry.parameterisations.names()).toEqual(['eps', 'x0', 'v', 'score', 'flow', 'edm']);
    expect(registry.schedules.names()).toEqual(expect.arrayContaining(['linear', 'cosine', 'flow-matching', 'edm']));
  });

  it('lists a plugin sampler next to the built-ins without other changes', () => {
    const plugin: Sampler = { name: 'my-sampler', specificationVersion: 'v1', options: {}, evaluationsPerStep: 1, stochastic: false, sample: (_denoise, noise) => noise.clone() };
    expect(buildPlaygroundRegistry('linear', [plugin]).registry.samplers.names()).toContain('my-sampler');
  });

  it('offers every weighting and density a schedule supports and says why the others are left out', () => {
    for (const scheduleName of buildPlaygroundRegistry().registry.schedules.names()) {
      const { registry, unavailable, schedule } = buildPlaygroundRegistry(scheduleName);
      expect(schedule.name).toBe(scheduleName);
      const weightings = [...registry.lossWeightings.names(), ...unavailable.filter((entry) => entry.kind === 'lossWeightings').map((entry) => entry.name)];
      expect([...weightings].sort()).toEqual([...lossWeightingNames].sort());
      const densities = [...registry.timeDensities.names(), ...unavailable.filter((entry) => entry.kind === 'timeDensities').map((entry) => entry.name)];
      expect([...densities].sort()).toEqual([...timeDensityNames].sort());
      for (const entry of unavailable) expect(entry.reason.length).toBeGreaterThan(10);
    }
    const linear = buildPlaygroundRegistry('linear');
    expect(linear.registry.timeDensities.names()).toContain('importance');
    expect(linear.registry.lossWeightings.names()).toEqual(expect.arrayContaining(['uniform', 'elbo', 'min-snr']));
    const flow = buildPlaygroundRegistry('flow-matching');
    expect(flow.registry.timeDensities.has('importance')).toBe(false);
    expect(flow.unavailable.find((entry) => entry.name === 'importance')?.reason).toMatch(/discrete schedule/);
  });

  it('throws the registry error listing the schedules for an unknown name', () => {
    expect(() => buildPlaygroundRegistry('nope')).toThrow(/no plugin named "nope"; registered: linear, /);
  });
});
