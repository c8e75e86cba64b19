import { DiffusionError, createRegistry } from '@diffusion/core';
import { describe, expect, it } from 'vitest';
import { createCosineTestSchedule } from '../test/tiny-schedules';
import { createLossWeighting, lossWeightingNames } from './loss-weighting-by-name';
import { createTimeDensity, timeDensityNames } from './time-density-by-name';

describe('lookup by name', () => {
  it('builds every built-in weighting and time density under its own name', () => {
    const schedule = createCosineTestSchedule();
    const uniformTime = createTimeDensity('uniform');
    const weightings = lossWeightingNames.map((name) =>
      name === 'elbo' || name === 'sigmoid'
        ? createLossWeighting(name, { schedule })
        : name === 'density-weighted'
          ? createLossWeighting(name, { weighting: createLossWeighting('edm'), density: uniformTime, schedule })
          : createLossWeighting(name),
    );
    expect(weightings.map((weighting) => weighting.name)).toEqual(lossWeightingNames);
    const densities = timeDensityNames.map((name) =>
      name === 'log-normal' ? createTimeDensity(name, { schedule }) : name === 'importance' ? createTimeDensity(name, { numTrainTimesteps: 10 }) : createTimeDensity(name),
    );
    expect(densities.map((density) => density.name)).toEqual(timeDensityNames);
    const registry = createRegistry({ lossWeightings: weightings, timeDensities: densities });
    expect(registry.lossWeightings.get('min-snr').options).toEqual({ gamma: 5 });
    expect(createLossWeighting('min-snr', { gamma: 3 }).weight(Math.log(6))).toBeCloseTo(0.5, 14);
  });

  it('throws a DiffusionError listing the names for an unknown one', () => {
    expect(() => createLossWeighting('min_snr' as never)).toThrow(/createLossWeighting\.name: got "min_snr"; expected one of "uniform", "elbo"/);
    expect(() => createTimeDensity('lognormal' as never)).toThrow(DiffusionError);
    let caught: unknown;
    try {
      createTimeDensity('lognormal' as never);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DiffusionError);
    expect((caught as DiffusionError).code).toBe('unknown-name');
  });
});
