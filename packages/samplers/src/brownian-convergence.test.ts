import { createRandomSource, randomNormalTensor, type Sampler } from '@diffusion/core';
import { mul } from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { karrasLadder } from './__fixtures__/gaussian';
import { createMixtureDenoiser } from './__fixtures__/mixture';
import { createDpm2AncestralSampler } from './dpm-2-ancestral-sampler';
import { createDpmpp2mSdeSampler } from './dpmpp-2m-sde-sampler';
import { createDpmpp2sAncestralSampler } from './dpmpp-2s-ancestral-sampler';
import { createDpmpp3mSdeSampler } from './dpmpp-3m-sde-sampler';
import { createDpmppSdeSampler } from './dpmpp-sde-sampler';
import { createEulerAncestralSampler } from './euler-ancestral-sampler';

// Reproducible SDE noise: with one seed, samples at 25, 50 and 100 steps approach the 400-step
// sample (the Brownian tree draws one path at every step count); with independent normals each
// step count draws other noise, and the distance does not fall.
const points = 512;
const stepCounts = [25, 50, 100];
const figures: Record<string, Record<string, number[]>> = {};

function sampleAt(sampler: Sampler, steps: number): Float64Array {
  const sigmas = karrasLadder(steps, 0.002, 80);
  const unit = randomNormalTensor(createRandomSource(77), [points, 2]);
  const start = mul(unit, sigmas[0]!);
  const output = sampler.sample(createMixtureDenoiser(), start, sigmas, { seed: 5 });
  const values = Float64Array.from(output.dataSync());
  [unit, start, output].forEach((tensor) => tensor.dispose());
  return values;
}

/** Root-mean-square distance between matching samples. */
function rms(a: Float64Array, b: Float64Array): number {
  let total = 0;
  for (let index = 0; index < a.length; index += 1) total += (a[index]! - b[index]!) ** 2;
  return Math.sqrt(total / points);
}

// The independent-normals control runs for two of them (it costs as much as the Brownian runs).
const cases: [string, (noiseSource: 'brownian-tree' | 'independent') => Sampler, boolean][] = [
  ['euler-ancestral', (noiseSource) => createEulerAncestralSampler({ noiseSource }), true],
  ['dpmpp-2m-sde', (noiseSource) => createDpmpp2mSdeSampler({ noiseSource }), true],
  ['dpmpp-3m-sde', (noiseSource) => createDpmpp3mSdeSampler({ noiseSource }), false],
  ['dpmpp-sde', (noiseSource) => createDpmppSdeSampler({ noiseSource }), true],
  ['dpm-2-ancestral', (noiseSource) => createDpm2AncestralSampler({ noiseSource }), false],
  ['dpmpp-2s-ancestral', (noiseSource) => createDpmpp2sAncestralSampler({ noiseSource }), false],
];

describe.each(cases)('%s with one seed at 25, 50, 100 steps against 400 steps', (name, create, control) => {
  it(`converges to the 400-step sample with the Brownian tree${control ? ', and does not with independent normals' : ''}`, () => {
    const distances: Record<string, number[]> = {};
    for (const noiseSource of control ? (['brownian-tree', 'independent'] as const) : (['brownian-tree'] as const)) {
      const sampler = create(noiseSource);
      const reference = sampleAt(sampler, 400);
      distances[noiseSource] = stepCounts.map((steps) => rms(sampleAt(sampler, steps), reference));
    }
    figures[name] = distances;
    const [d25, d50, d100] = distances['brownian-tree']!;
    expect(d50!).toBeLessThan(d25!);
    expect(d100!).toBeLessThan(d50!);
    expect(d100!).toBeLessThan(0.6 * d25!);
    if (!control) return;
    const independent = distances.independent!;
    expect(independent[2]!).toBeGreaterThan(0.8 * independent[0]!);
    expect(d100!).toBeLessThan(0.25 * independent[2]!);
  });
});

afterAll(() => {
  console.info('RMS distance to the 400-step sample at 25, 50, 100 steps', JSON.stringify(figures));
});
