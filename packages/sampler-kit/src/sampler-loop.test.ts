import { DiffusionError, createRandomSource, randomNormalTensor, toDerivative, type Denoiser } from '@diffusion/core';
import { add, fill, memory, mul, sub, tensor, tidy, type Tensor } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { adamsBashforthWeights } from './adams-bashforth';
import { defineSampler } from './sampler-definition';

/** Data N(0, I): D(x; sigma) = x / (1 + sigma²). */
const gaussian: Denoiser = (x, sigma) => tidy(() => mul(x, 1 / (1 + sigma * sigma)));
const ladder = (steps: number, high = 10, low = 0.01) => Float64Array.from({ length: steps + 1 }, (_, i) => (i === steps ? 0 : high * (low / high) ** (i / (steps - 1))));
const start = (rows = 16, seed = 3) => mul(randomNormalTensor(createRandomSource(seed), [rows, 2]), 10);

/** A two-step Adams–Bashforth sampler written as a plugin author would. */
const ab2 = defineSampler({
  name: 'test-ab2',
  options: {},
  stochastic: false,
  order: 2,
  state: () => ({ derivatives: [] as Tensor[] }),
  step(x, { index, sigma, sigmas, denoise }, state) {
    const denoised = denoise(x, sigma);
    state.derivatives = [toDerivative(x, denoised, sigma), ...state.derivatives.slice(0, 1)];
    const weights = adamsBashforthWeights(sigmas, index, state.derivatives.length);
    return { x: state.derivatives.reduce((sum, derivative, j) => add(sum, mul(derivative, weights[j]!)), x), denoised };
  },
});

function outputOf(run: () => Tensor): number[] {
  const result = run();
  const values = Array.from(result.dataSync());
  result.dispose();
  return values;
}

describe('defineSampler', () => {
  it('fills in the v1 contract: version, NFE, minimum steps, declared order', () => {
    expect(ab2).toMatchObject({ name: 'test-ab2', specificationVersion: 'v1', evaluationsPerStep: 1, stochastic: false, order: 2, minimumSteps: 2, options: {} });
    expect(ab2.evaluations(7)).toBe(7);
    const twoCalls = defineSampler({ name: 'two-calls', options: {}, stochastic: false, evaluationsPerStep: 2, evaluations: (steps) => 2 * steps - 1, step: (x, { sigma, denoise }) => ({ x: denoise(denoise(x, sigma), sigma), denoised: x.clone() }) });
    expect(twoCalls.evaluations(4)).toBe(7);
    expect('order' in twoCalls).toBe(false);
  });

  it('rejects a bad definition with a DiffusionError naming the field', () => {
    const step = ab2 as never;
    expect(() => defineSampler({ name: 'Not Kebab', options: {}, stochastic: false, step } as never)).toThrow(/defineSampler\.name: got "Not Kebab"/);
    expect(() => defineSampler({ name: 'a', options: {}, stochastic: false } as never)).toThrow(/defineSampler\("a"\)\.step/);
    expect(() => defineSampler({ name: 'a', options: {}, stochastic: false, order: 1.5, step: () => step } as never)).toThrow(/\.order: got 1\.5; expected a positive integer/);
    expect(() => defineSampler({ name: 'a', options: {}, stochastic: false, minimumSteps: 1, step: () => step } as never)).toThrow(/minimumSteps/);
  });
});

describe('the sampler loop', () => {
  it('runs the step once per rung and matches the same Adams–Bashforth maths in float64', () => {
    const sigmas = ladder(12);
    const noise = start(4);
    const got = outputOf(() => ab2.sample(gaussian, noise, sigmas));
    const expected = Array.from(noise.dataSync(), (value) => {
      let x = value;
      const derivatives: number[] = [];
      for (let i = 0; i + 1 < sigmas.length; i += 1) {
        derivatives.unshift((x - x / (1 + sigmas[i]! ** 2)) / sigmas[i]!);
        derivatives.length = Math.min(2, derivatives.length);
        const weights = adamsBashforthWeights(sigmas, i, derivatives.length);
        x += derivatives.reduce((sum, d, j) => sum + d * weights[j]!, 0);
      }
      return x;
    });
    got.forEach((value, index) => expect(Math.abs(value - expected[index]!)).toBeLessThan(2e-5 * Math.max(1, Math.abs(expected[index]!))));
    noise.dispose();
  });

  it('keeps state tensors across steps, disposes dropped ones, and leaks nothing', () => {
    const noise = start();
    const before = memory().numTensors;
    const counts: number[] = [];
    const result = ab2.sample(gaussian, noise, ladder(20), { onStep: () => counts.push(memory().numTensors) });
    // x, the kept derivatives (2) and this step's denoised: flat after the history fills.
    expect(new Set(counts.slice(2)).size).toBe(1);
    expect(memory().numTensors).toBe(before + 1);
    result.dispose();
    expect(noise.isDisposed).toBe(false);
    noise.dispose();
  });

  it('lets the state refer to the step’s input, the caller’s noise and the denoiser output without double disposal', () => {
    const keeper = defineSampler({
      name: 'keeper',
      options: {},
      stochastic: false,
      state: () => ({ inputs: [] as Tensor[], last: undefined as Tensor | undefined }),
      step(x, { sigma, sigmaNext, denoise }, state) {
        const denoised = denoise(x, sigma);
        state.inputs = [x, ...state.inputs].slice(0, 2); // step 0's input is the caller's noise
        state.last = denoised;
        return { x: sigmaNext === 0 ? denoised : add(denoised, mul(sub(x, denoised), sigmaNext / sigma)), denoised };
      },
    });
    const noise = start();
    const before = memory().numTensors;
    const result = keeper.sample(gaussian, noise, ladder(6));
    expect(noise.isDisposed).toBe(false);
    expect(result.isDisposed).toBe(false);
    expect(memory().numTensors).toBe(before + 1);
    result.dispose();
    noise.dispose();
  });

  it('hands back a copy when a step returns its input or a tensor the state keeps', () => {
    const identity = defineSampler({ name: 'identity', options: {}, stochastic: false, state: () => ({ kept: undefined as Tensor | undefined }), step: (x, { sigma, denoise }, state) => ({ x: (state.kept = denoise(x, sigma)), denoised: state.kept }) });
    const noise = start(2);
    const before = memory().numTensors;
    const result = identity.sample((x) => x, noise, ladder(4));
    expect(Array.from(result.dataSync())).toEqual(Array.from(noise.dataSync()));
    expect(memory().numTensors).toBe(before + 1);
    result.dispose();
    noise.dispose();
  });

  it('counts denoiser calls in context.evaluations', () => {
    const seen: number[] = [];
    const counting = defineSampler({ name: 'counting', options: {}, stochastic: false, evaluationsPerStep: 2, step: (x, context) => {
      const denoised = context.denoise(x, context.sigma);
      context.denoise(x, context.sigma).dispose();
      seen.push(context.evaluations);
      return { x: denoised.clone(), denoised };
    } });
    const noise = start(2);
    counting.sample(gaussian, noise, ladder(3)).dispose();
    expect(seen).toEqual([2, 4, 6]);
    noise.dispose();
  });

  it('draws noise from options.noise or the seeded source and disposes it after the step', () => {
    const ancestral = defineSampler({ name: 'noisy', options: {}, stochastic: true, step: (x, { sigma, sigmaNext, denoise, randomNormal }) => {
      const denoised = denoise(x, sigma);
      return { x: sigmaNext === 0 ? denoised : add(denoised, mul(randomNormal(), sigmaNext)), denoised };
    } });
    const noise = start(8);
    const before = memory().numTensors;
    const seeded = outputOf(() => ancestral.sample(gaussian, noise, ladder(5), { seed: 4 }));
    const source = createRandomSource(4);
    const injected = outputOf(() => ancestral.sample(gaussian, noise, ladder(5), { noise: (shape) => randomNormalTensor(source, shape) }));
    expect(injected).toEqual(seeded);
    expect(memory().numTensors).toBe(before);
    expect(() => ancestral.sample(gaussian, noise, ladder(3), { noise: () => tensor([1, 2]) })).toThrow(/noisy\.sample\.options\.noise: got a tensor of shape \[2\] at step 0; expected a tensor of shape \[8, 2\]/);
    expect(memory().numTensors).toBe(before);
    noise.dispose();
  });

  it('names the step and sigma of a NaN denoiser output, after the run, leaking nothing', () => {
    const noise = start(4);
    const before = memory().numTensors;
    const sigmas = ladder(6);
    const poisoned: Denoiser = (x, sigma) => (sigma === sigmas[3] ? fill(x.shape, Number.NaN) : gaussian(x, sigma));
    let caught: unknown;
    try {
      ab2.sample(poisoned, noise, sigmas);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DiffusionError);
    expect((caught as DiffusionError).code).toBe('non-finite');
    expect((caught as DiffusionError).message).toBe(`test-ab2.sample: the denoiser returned NaN or Infinity at step 3 (sigma ${sigmas[3]}, denoiser call 3).`);
    expect(memory().numTensors).toBe(before);
    noise.dispose();
  });

  it('rejects bad arguments and step results with a DiffusionError naming them, leaking nothing', () => {
    const noise = start(4);
    const before = memory().numTensors;
    expect(() => ab2.sample(gaussian, noise, Float64Array.from([1, 2, 0]))).toThrow(/test-ab2\.sample\.sigmas\[1\]/);
    expect(() => ab2.sample('nope' as never, noise, ladder(2))).toThrow(/test-ab2\.sample\.denoise/);
    expect(() => ab2.sample(gaussian, noise, ladder(2), { seed: -1 })).toThrow(/seed/);
    expect(() => ab2.sample(() => tensor([1]), noise, ladder(2))).toThrow(/the denoiser returned shape \[1\] for an input of shape \[4, 2\] at step 0/);
    const broken = defineSampler({ name: 'broken', options: {}, stochastic: false, step: () => ({ x: 3 }) as never });
    expect(() => broken.sample(gaussian, noise, ladder(2))).toThrow(/broken\.sample: step 0 returned \{"x":3\}; expected \{ x, denoised \} tensors/);
    const throwing = defineSampler({ name: 'throwing', options: {}, stochastic: false, state: () => ({ kept: [] as Tensor[] }), step: (x, { index, sigma, denoise }, state) => {
      const denoised = denoise(x, sigma);
      state.kept.push(denoised.clone());
      if (index === 2) throw new Error('step failed');
      return { x: denoised.clone(), denoised };
    } });
    expect(() => throwing.sample(gaussian, noise, ladder(5))).toThrow(/step failed/);
    expect(memory().numTensors).toBe(before);
    expect(noise.isDisposed).toBe(false);
    noise.dispose();
  });
});

describe('samplers that place their own steps', () => {
  /** Euler on its own ladder: halves sigma down to the caller's last sigma above 0, then 0. */
  const halving = defineSampler({
    name: 'test-halving',
    options: {},
    stochastic: false,
    evaluations: () => Number.NaN,
    placeSteps: (sigmas) => {
      const own = [sigmas[0]!];
      while (own.at(-1)! / 2 > sigmas[sigmas.length - 2]!) own.push(own.at(-1)! / 2);
      return Float64Array.from([...own, sigmas[sigmas.length - 2]!, 0]);
    },
    state: ({ sigmas, requested }) => ({ walked: sigmas.length, requested: requested.length }),
    step: (x, { sigma, sigmaNext, denoise }) => {
      const denoised = denoise(x, sigma);
      return { x: add(denoised, mul(sub(x, denoised), sigmaNext / sigma)), denoised };
    },
  });
  /** Euler steps of at most a quarter of the distance left in log sigma, stopping short of the rung. */
  const adaptive = defineSampler({
    name: 'test-adaptive',
    options: {},
    stochastic: false,
    adaptive: true,
    placeSteps: (sigmas) => Float64Array.of(sigmas[0]!, sigmas[sigmas.length - 2]!, 0),
    step: (x, { sigma, sigmaNext, denoise }) => {
      const denoised = denoise(x, sigma);
      const reached = sigmaNext === 0 || sigma / sigmaNext < 1.01 ? sigmaNext : sigma * (sigmaNext / sigma) ** 0.25;
      return { x: add(denoised, mul(sub(x, denoised), reached / sigma)), denoised, sigmaNext: reached };
    },
  });

  it('declares ownSteps / adaptive and walks its own ladder, reporting it to onStep with the NFE so far', () => {
    expect(halving.ownSteps).toBe(true);
    expect(halving.adaptive).toBeUndefined();
    expect(adaptive).toMatchObject({ ownSteps: true, adaptive: true });
    expect(() => adaptive.evaluations(3)).toThrow(/an adaptive sampler chooses its steps/);
    const noise = start();
    for (const sampler of [halving, adaptive]) {
      const events: [number, number, number | undefined][] = [];
      const result = sampler.sample(gaussian, noise, Float64Array.of(10, 5, 1, 0), { onStep: ({ sigma, sigmaNext, evaluations }) => void events.push([sigma, sigmaNext, evaluations]) });
      result.dispose();
      expect(events[0]![0]).toBe(10);
      expect(events.at(-1)!.slice(0, 2)).toEqual([1, 0]);
      events.forEach(([sigma, sigmaNext, evaluations], index) => {
        expect(sigmaNext).toBeLessThan(sigma);
        if (index > 0) expect(sigma).toBe(events[index - 1]![1]);
        expect(evaluations).toBe(index + 1);
      });
      expect(events.length).toBeGreaterThan(4);
    }
    noise.dispose();
  });

  it('refuses an adaptive step that does not move down, or passes the rung', () => {
    const noise = start();
    for (const reached of [10, 11, 0.5, Number.NaN]) {
      const bad = defineSampler({ name: 'test-bad', options: {}, stochastic: false, adaptive: true, step: (x, { sigma, denoise }) => ({ x: x.clone(), denoised: denoise(x, sigma), sigmaNext: reached }) });
      const before = memory().numTensors;
      expect(() => bad.sample(gaussian, noise, Float64Array.of(10, 1, 0))).toThrow(/adaptive step 0 from sigma 10 reached sigma .*; expected a sigma in \[1, 10\)/);
      expect(memory().numTensors).toBe(before);
    }
    noise.dispose();
  });
});
