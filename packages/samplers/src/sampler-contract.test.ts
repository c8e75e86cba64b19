import { createBrownianNoise, createRandomSource, createRegistry, DiffusionError, randomNormalTensor, type Denoiser, type Sampler } from '@diffusion/core';
import { memory, mul, scalar, tensor, tidy, where, less, type Tensor } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { gaussianDenoiser, gaussianOdeEnd, karrasLadder } from './__fixtures__/gaussian';
import { createMixtureDenoiser, mixtureMeans } from './__fixtures__/mixture';
import { builtinSamplers } from './builtin-samplers';
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

const defaults = builtinSamplers();
const variants: Sampler[] = [
  ...defaults,
  createDdpmSampler({ variance: 'beta' }),
  createDdimSampler({ eta: 1 }),
  createHeunSampler({ sChurn: 20, sTmin: 0.05, sTmax: 50 }),
  createDpmpp2mSdeSampler({ solverType: 'heun' }),
  createUnipcSampler({ variant: 'bh1', order: 3 }),
  createDpm2Sampler({ sChurn: 10 }),
  createDpmppSdeSampler({ eta: 0.5, r: 1 / 3, noiseSource: 'independent' }),
];
const stochastic = variants.filter((sampler) => sampler.stochastic);
// Adaptive samplers converge as their tolerance tightens, not with the ladder: src/dpm-adaptive-sampler.test.ts.
const deterministic = defaults.filter((sampler) => !sampler.stochastic && sampler.adaptive !== true);

function startNoise(count: number, sigma: number, seed = 11): Tensor {
  return mul(randomNormalTensor(createRandomSource(seed), [count, 2]), sigma);
}

function run(sampler: Sampler, denoise: Denoiser, noise: Tensor, sigmas: Float64Array, options: Parameters<Sampler['sample']>[3] = {}): Float32Array {
  const result = sampler.sample(denoise, noise, sigmas, options);
  const values = result.dataSync() as Float32Array;
  result.dispose();
  return values;
}

describe('builtinSamplers', () => {
  it('returns one sampler per name, accepted by a registry', () => {
    const registry = createRegistry({ samplers: builtinSamplers() });
    expect(registry.samplers.names()).toEqual(['ddpm', 'ddim', 'euler', 'euler-ancestral', 'heun', 'dpmpp-2m', 'dpmpp-3m', 'dpmpp-2m-sde', 'dpmpp-3m-sde', 'dpm-2', 'dpm-2-ancestral', 'dpmpp-2s-ancestral', 'dpmpp-sde', 'unipc', 'lms', 'dpm-fast', 'dpm-adaptive']);
  });
  it.each(variants.map((sampler) => [sampler.name, sampler] as const))('%s keeps JSON-serialisable options that rebuild it', (_, sampler) => {
    const factories: Record<string, (options: never) => Sampler> = {
      ddpm: createDdpmSampler, ddim: createDdimSampler, euler: createEulerSampler, 'euler-ancestral': createEulerAncestralSampler, heun: createHeunSampler,
      'dpmpp-2m': createDpmpp2mSampler, 'dpmpp-3m': createDpmpp3mSampler, 'dpmpp-2m-sde': createDpmpp2mSdeSampler, 'dpmpp-3m-sde': createDpmpp3mSdeSampler, unipc: createUnipcSampler, lms: createLmsSampler,
      'dpm-2': createDpm2Sampler, 'dpm-2-ancestral': createDpm2AncestralSampler, 'dpmpp-2s-ancestral': createDpmpp2sAncestralSampler, 'dpmpp-sde': createDpmppSdeSampler,
      'dpm-fast': createDpmFastSampler,
      'dpm-adaptive': createDpmAdaptiveSampler,
    };
    const options = JSON.parse(JSON.stringify(sampler.options)) as never;
    expect(factories[sampler.name]!(options).options).toEqual(sampler.options);
    expect(sampler.specificationVersion).toBe('v1');
  });
});

describe('equivalences in sigma-space', () => {
  const sigmas = karrasLadder(12, 0.01, 20);
  const noise = startNoise(64, 20);
  const replay = (seed: number) => ({ seed });
  it('DDIM with eta 0 is the Euler step on the same ladder', () => {
    expect(run(createDdimSampler(), createMixtureDenoiser(), noise, sigmas)).toEqual(run(createEulerSampler(), createMixtureDenoiser(), noise, sigmas));
  });
  it('DDIM with eta 1 and ancestral Euler with eta 1 are ancestral DDPM (same noise)', () => {
    const ddpm = run(createDdpmSampler(), createMixtureDenoiser(), noise, sigmas, replay(3));
    expect(run(createDdimSampler({ eta: 1 }), createMixtureDenoiser(), noise, sigmas, replay(3))).toEqual(ddpm);
    expect(run(createEulerAncestralSampler({ noiseSource: 'independent' }), createMixtureDenoiser(), noise, sigmas, replay(3))).toEqual(ddpm);
    // Its default Brownian noise, injected into DDPM, gives the same equivalence.
    expect(run(createEulerAncestralSampler(), createMixtureDenoiser(), noise, sigmas, replay(3))).toEqual(run(createDdpmSampler(), createMixtureDenoiser(), noise, sigmas, { noise: createBrownianNoise({ seed: 3 }) }));
  });
  it('the SDE variants with eta 0 are their ODE solvers', () => {
    // Same maths, different float32 rounding order: equal to 1e-5.
    const sde = run(createDpmpp2mSdeSampler({ eta: 0 }), createMixtureDenoiser(), noise, sigmas);
    const ode = run(createDpmpp2mSampler(), createMixtureDenoiser(), noise, sigmas);
    expect(Math.max(...sde.map((value, index) => Math.abs(value - ode[index]!)))).toBeLessThan(1e-5);
    expect(run(createDpmpp3mSdeSampler({ eta: 0 }), createMixtureDenoiser(), noise, sigmas)).toEqual(run(createDpmpp3mSampler(), createMixtureDenoiser(), noise, sigmas));
    expect(run(createEulerAncestralSampler({ eta: 0 }), createMixtureDenoiser(), noise, sigmas)).toEqual(run(createEulerSampler(), createMixtureDenoiser(), noise, sigmas));
  });
});

describe('convergence to the exact probability-flow ODE solution of a Gaussian', () => {
  // Error ratio between 32 and 64 steps (Karras ladder 10 → 0.002): 2^order asymptotically. The
  // multistep DPM-Solver++ start with a first-order step, so their global order is 2; UniPC's
  // corrector lifts the start, giving 3 for order 2.
  const expected: Record<string, { ratio: number; error: number }> = {
    euler: { ratio: 1.9, error: 0.1 },
    ddim: { ratio: 1.9, error: 0.1 },
    heun: { ratio: 3.6, error: 5e-3 },
    'dpm-2': { ratio: 3.6, error: 5e-3 },
    'dpmpp-2m': { ratio: 3.6, error: 5e-3 },
    'dpmpp-3m': { ratio: 2.5, error: 1e-3 },
    unipc: { ratio: 7, error: 1e-3 },
    lms: { ratio: 7, error: 1e-3 },
    'dpm-fast': { ratio: 7, error: 1e-3 },
  };
  const noise = startNoise(256, 10, 3);
  const exact = gaussianOdeEnd(noise.dataSync(), 10);
  const error = (sampler: Sampler, steps: number) => {
    const values = run(sampler, gaussianDenoiser, noise, karrasLadder(steps, 0.002, 10));
    return values.reduce((worst, value, index) => Math.max(worst, Math.abs(value - exact[index]!)), 0);
  };
  it.each(deterministic.map((sampler) => [sampler.name, sampler] as const))('%s converges at its order', (name, sampler) => {
    const coarse = error(sampler, 32);
    const fine = error(sampler, 64);
    expect(coarse / fine).toBeGreaterThan(expected[name]!.ratio);
    expect(fine).toBeLessThan(expected[name]!.error);
  });
});

describe('samples of the exact Gaussian mixture at high NFE', () => {
  const count = 4000;
  const noise = startNoise(count, 80, 5);
  it.each(variants.map((sampler) => [`${sampler.name} ${JSON.stringify(sampler.options)}`, sampler] as const))('%s has mean 0, covariance 2.34 I and the mixture modes', (_, sampler) => {
    const steps = sampler.evaluationsPerStep === 2 ? 60 : 120;
    const values = run(sampler, createMixtureDenoiser(), noise, karrasLadder(steps), { seed: 9 });
    let [m0, m1, s00, s11, s01, spread] = [0, 0, 0, 0, 0, 0];
    const quadrants = [0, 0, 0, 0];
    for (let row = 0; row < count; row += 1) {
      const x0 = values[2 * row]!;
      const x1 = values[2 * row + 1]!;
      m0 += x0 / count;
      m1 += x1 / count;
      s00 += (x0 * x0) / count;
      s11 += (x1 * x1) / count;
      s01 += (x0 * x1) / count;
      spread += Math.min(...mixtureMeans.map(([a, b]) => (x0 - a) ** 2 + (x1 - b) ** 2)) / count;
      quadrants[(x0 > 0 ? 0 : 2) + (x1 > 0 ? 0 : 1)]! += 1 / count;
    }
    // Standard errors with 4000 samples: mean 0.024, variance ~0.05; modes: spread 2·0.3² = 0.18.
    expect(Math.abs(m0)).toBeLessThan(0.1);
    expect(Math.abs(m1)).toBeLessThan(0.1);
    expect(Math.abs(s00 - m0 * m0 - 2.34)).toBeLessThan(0.2);
    expect(Math.abs(s11 - m1 * m1 - 2.34)).toBeLessThan(0.2);
    expect(Math.abs(s01 - m0 * m1)).toBeLessThan(0.12);
    expect(Math.abs(spread - 0.18)).toBeLessThan(0.03);
    for (const fraction of quadrants) expect(Math.abs(fraction - 0.25)).toBeLessThan(0.03);
  });
});

describe('randomness', () => {
  const sigmas = karrasLadder(8, 0.01, 20);
  const noise = startNoise(32, 20);
  it.each(stochastic.map((sampler) => [sampler.name, sampler] as const))('%s is deterministic with a seed and changes with it', (_, sampler) => {
    const first = run(sampler, createMixtureDenoiser(), noise, sigmas, { seed: 42 });
    expect(run(sampler, createMixtureDenoiser(), noise, sigmas, { seed: 42 })).toEqual(first);
    expect(run(sampler, createMixtureDenoiser(), noise, sigmas, { seed: 43 })).not.toEqual(first);
  });
  it.each(stochastic.map((sampler) => [sampler.name, sampler] as const))('%s replays injected noise', (_, sampler) => {
    const recorded: Float32Array[] = [];
    const source = createRandomSource(42);
    const brownian = createBrownianNoise({ seed: 42 });
    const recording = run(sampler, createMixtureDenoiser(), noise, sigmas, {
      noise: (shape, interval) => {
        const fresh = sampler.noiseSource === 'brownian-tree' ? brownian(shape, interval) : randomNormalTensor(source, shape);
        recorded.push(fresh.dataSync() as Float32Array);
        return fresh;
      },
    });
    // The default source with the same seed draws the same noise (core's stream, or the Brownian tree of the seed).
    expect(run(sampler, createMixtureDenoiser(), noise, sigmas, { seed: 42 })).toEqual(recording);
    let draw = 0;
    expect(run(sampler, createMixtureDenoiser(), noise, sigmas, { noise: (shape) => tensor(recorded[draw++]!, [...shape]) })).toEqual(recording);
    expect(draw).toBe(recorded.length);
    expect(recorded.length).toBeGreaterThan(0);
  });
  it.each(deterministic.map((sampler) => [sampler.name, sampler] as const))('%s never draws noise', (_, sampler) => {
    run(sampler, createMixtureDenoiser(), noise, sigmas, { noise: () => { throw new Error('drew noise'); } });
  });
});

describe('cost and memory', () => {
  // Adaptive samplers report the calls they made instead: src/dpm-adaptive-sampler.test.ts.
  it.each(variants.filter((sampler) => sampler.adaptive !== true).map((sampler) => [sampler.name, sampler] as const))('%s calls the denoiser evaluations(steps) times', (_, sampler) => {
    const noise = startNoise(8, 20);
    for (const steps of [1, 2, 3, 7].filter((count) => count >= (sampler.minimumSteps ?? 2) - 1)) {
      const denoise = createMixtureDenoiser();
      run(sampler, denoise, noise, karrasLadder(steps, 0.05, 20), { seed: 1 });
      expect(denoise.calls).toBe((sampler as ReturnType<typeof builtinSamplers>[number]).evaluations(steps));
      // Two-stage samplers end with a plain Euler step into sigma 0; DPM-Solver-fast makes n noise predictions on its own steps, then one call into 0.
      expect(denoise.calls).toBe(sampler.name === 'dpm-fast' ? steps + 1 : sampler.evaluationsPerStep === 2 ? 2 * steps - 1 : sampler.evaluationsPerStep * steps);
    }
    noise.dispose();
  });
  it.each(variants.map((sampler) => [sampler.name, sampler] as const))('%s keeps tf.memory().numTensors flat and leaks nothing', (_, sampler) => {
    const noise = startNoise(16, 20);
    const before = memory().numTensors;
    const counts: number[] = [];
    const result = sampler.sample(createMixtureDenoiser(), noise, karrasLadder(12, 0.01, 20), { seed: 1, onStep: () => void counts.push(memory().numTensors) });
    expect(new Set(counts.slice(3, -1)).size).toBe(1);
    expect(memory().numTensors).toBe(before + 1);
    expect(noise.isDisposed).toBe(false);
    result.dispose();
    noise.dispose();
  });
});

describe('bad input', () => {
  const sampler = createDpmpp2mSdeSampler();
  const noise = startNoise(4, 10);
  const denoise = createMixtureDenoiser();
  const sampleWith = (sigmas: number[], options = {}) => () => sampler.sample(denoise, noise, Float64Array.from(sigmas), options);
  it('rejects ladders that rise, do not end in 0, are too short or not finite', () => {
    for (const sigmas of [[1, 2, 0], [2, 1, 0.5], [0], [Number.NaN, 0], [1, -1]]) {
      expect(sampleWith(sigmas)).toThrow(DiffusionError);
      expect(sampleWith(sigmas)).toThrow(/dpmpp-2m-sde\.sample\.sigmas/);
    }
  });
  it('rejects injected noise of the wrong shape without leaking', () => {
    const before = memory().numTensors;
    expect(sampleWith([10, 1, 0], { noise: () => tensor([1, 2, 3]) })).toThrow(/options\.noise: got a tensor of shape \[3\] at step 0; expected a tensor of shape \[4, 2\]/);
    expect(memory().numTensors).toBe(before);
  });
  it('names the step and sigma where the denoiser returned NaN, without leaking', () => {
    const before = memory().numTensors;
    const poisoned: Denoiser = (x, sigma) => tidy(() => (sigma < 2 ? where(less(x, 1e9), scalar(Number.NaN), x) : x.clone()));
    const error = (() => {
      try {
        sampler.sample(poisoned, noise, Float64Array.from([10, 5, 1.5, 1, 0]), { seed: 1 });
      } catch (caught) {
        return caught as DiffusionError;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(DiffusionError);
    expect(error?.code).toBe('non-finite');
    expect(error?.message).toMatch(/step 2 \(sigma 1\.5/);
    expect(memory().numTensors).toBe(before);
  });
  it('rejects a denoiser output of the wrong shape, or no tensor, without leaking', () => {
    const before = memory().numTensors;
    expect(() => sampler.sample(() => tensor([1]), noise, Float64Array.from([1, 0]))).toThrow(/the denoiser returned shape \[1\] for an input of shape \[4, 2\] at step 0/);
    expect(() => sampler.sample(() => undefined as never, noise, Float64Array.from([1, 0]))).toThrow(/the denoiser returned undefined at step 0/);
    expect(memory().numTensors).toBe(before);
  });
  it('accepts a denoiser that returns its input (the identity) without disposing the caller’s tensor', () => {
    const result = createDpmpp2mSampler().sample((x) => x, noise, Float64Array.from([2, 1, 0]));
    expect(noise.isDisposed).toBe(false);
    expect(Array.from(result.dataSync())).toEqual(Array.from(noise.dataSync()));
    result.dispose();
  });
  it('rejects bad factory options, naming the option', () => {
    expect(() => createDdimSampler({ eta: 2 })).toThrow(/createDdimSampler\.eta: got 2/);
    expect(() => createDdpmSampler({ variance: 'large' as never })).toThrow(/createDdpmSampler\.variance/);
    expect(() => createUnipcSampler({ order: 4 })).toThrow(/createUnipcSampler\.order/);
    expect(() => createLmsSampler({ order: 0 })).toThrow(/createLmsSampler\.order/);
    expect(() => createHeunSampler({ sTmin: 2, sTmax: 1 })).toThrow(/createHeunSampler\.sTmax/);
    expect(() => createEulerSampler({ eta: 1 } as never)).toThrow(/createEulerSampler\.eta/);
    expect(() => createDpmpp2mSdeSampler({ solverType: 'rk4' as never })).toThrow(/solverType/);
    expect(() => createDpm2Sampler({ sChurn: -1 })).toThrow(/createDpm2Sampler\.sChurn: got -1/);
    expect(() => createDpm2AncestralSampler({ eta: 1.5 })).toThrow(/createDpm2AncestralSampler\.eta: got 1\.5.*\[0, 1\]/);
    expect(() => createDpmpp2sAncestralSampler({ noiseSource: 'pink' as never })).toThrow(/createDpmpp2sAncestralSampler\.noiseSource/);
    expect(() => createDpmppSdeSampler({ r: 0 })).toThrow(/createDpmppSdeSampler\.r: got 0.*\(0, 1\]/);
  });
  it('rejects a bad seed', () => {
    expect(sampleWith([1, 0], { seed: -1 })).toThrow(/seed/);
  });
});

describe('injected noise that is not a tensor', () => {
  it('is rejected with a DiffusionError', () => {
    const noise = startNoise(4, 10);
    expect(() => createDdpmSampler().sample(createMixtureDenoiser(), noise, Float64Array.from([10, 1, 0]), { noise: () => undefined as never })).toThrow(/options\.noise: got undefined at step 0/);
    noise.dispose();
  });
});
