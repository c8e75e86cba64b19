import { createBrownianNoise, createRandomSource, type NoiseInterval, type Sampler } from '@diffusion/core';
import { createConformanceMixture } from '@diffusion/data';
import { memory, tensor, type Tensor } from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import trajectories from './__fixtures__/trajectories.json';
import vectors from './__fixtures__/k-diffusion-singlestep.json';
import { hashedNormals } from './__fixtures__/hashed-normals';
import { karrasLadder } from './__fixtures__/gaussian';
import { kDiffusionDpm2, kDiffusionDpm2Ancestral, kDiffusionDpmpp2sAncestral, kDiffusionDpmppSde, type NoiseSampler } from './__fixtures__/k-diffusion-singlestep';
import { largestScaledError } from './__fixtures__/mixture';
import { createDpm2AncestralSampler } from './dpm-2-ancestral-sampler';
import { createDpm2Sampler } from './dpm-2-sampler';
import { createDpmpp2sAncestralSampler } from './dpmpp-2s-ancestral-sampler';
import { createDpmppSdeSampler } from './dpmpp-sde-sampler';

// DPM-Solver-2, its ancestral form, ancestral DPM-Solver++(2S) and stochastic DPM-Solver++ against
// float64 transcriptions of k-diffusion's sample_dpm_2, sample_dpm_2_ancestral,
// sample_dpmpp_2s_ancestral and sample_dpmpp_sde (src/__fixtures__/k-diffusion-singlestep.ts), on
// the exact denoiser of @diffusion/data's conformance mixture (`veDenoiser`, float32 tensors, for our
// samplers; `posteriorMeanArray`, float64, for the transcriptions), from the 64 conformance starting
// points, on k-diffusion's Karras ladder (80 → 0.002, rho 7) at 5, 10, 20 and 50 steps. The
// stochastic runs take the same noise draws in the same order, and each draw must be asked for the
// same interval. Error: largest |ours − reference| / max(1, |reference|) over every state of the run.
const tolerance = 1e-4;
const stepCounts = [5, 10, 20, 50];
const mixture = createConformanceMixture();
const posteriorMean = (x: Float64Array, sigma: number) => mixture.posteriorMeanArray(x, 1, sigma);
/** The same exact denoiser for our samplers: float64 inside, float32 tensors only at the edge. */
const exactDenoiser = (x: Tensor, sigma: number) => tensor(Float32Array.from(posteriorMean(Float64Array.from(x.dataSync()), sigma)), x.shape);
const xT = Float64Array.from(trajectories.x_T.flat());
const largest: Record<string, Record<number, number>> = {};

/** Draws from one list for both sides, recording the interval each draw was asked for. */
function sharedDraws(seed: number) {
  const source = createRandomSource(seed);
  const draws: Float32Array[] = [];
  const drawAt = (index: number) => {
    while (draws.length <= index) draws.push(Float32Array.from(source.normals(xT.length)));
    return draws[index]!;
  };
  const oursAsked: NoiseInterval[] = [];
  const referenceAsked: NoiseInterval[] = [];
  return {
    ours: (shape: readonly number[], interval?: NoiseInterval) => {
      oursAsked.push(interval!);
      return tensor(drawAt(oursAsked.length - 1), [...shape]);
    },
    reference: ((sigma, sigmaNext) => {
      referenceAsked.push({ sigma, sigmaNext });
      return drawAt(referenceAsked.length - 1);
    }) as NoiseSampler,
    oursAsked,
    referenceAsked,
  };
}

/** Runs `sampler` from `xT · sigmas[0]` and returns the largest scaled error of every state against `reference`. */
function compare(sampler: Sampler, sigmas: Float64Array, reference: (noise: NoiseSampler) => Float64Array[], seed: number): number {
  const noise = sharedDraws(seed);
  const expected = reference(noise.reference);
  const start = tensor(Float32Array.from(xT, (value) => value * sigmas[0]!), [64, 2]);
  const before = memory().numTensors;
  const states: Float32Array[] = [];
  const result = sampler.sample(exactDenoiser, start, sigmas, { noise: noise.ours, onStep: ({ x }) => void states.push(x.dataSync() as Float32Array) });
  const final = result.dataSync();
  result.dispose();
  expect(memory().numTensors).toBe(before);
  start.dispose();
  expect(states).toHaveLength(expected.length);
  expect(largestScaledError(final, expected[expected.length - 1]!)).toBe(largestScaledError(states[states.length - 1]!, expected[expected.length - 1]!));
  // The same draws for the same intervals (k-diffusion's noise_sampler(sigma, sigma_next)).
  expect(noise.oursAsked).toHaveLength(noise.referenceAsked.length);
  noise.oursAsked.forEach((interval, index) => {
    expect(interval.sigma).toBeCloseTo(noise.referenceAsked[index]!.sigma, 10);
    expect(interval.sigmaNext).toBeCloseTo(noise.referenceAsked[index]!.sigmaNext, 10);
  });
  return states.reduce((worst, state, index) => Math.max(worst, largestScaledError(state, expected[index]!)), 0);
}

function record(name: string, steps: number, error: number): void {
  (largest[name] ??= {})[steps] = error;
  expect(error, `${name} at ${steps} steps`).toBeLessThan(tolerance);
}

describe.each(stepCounts)('k-diffusion single-step solvers at %i steps (Karras ladder 80 → 0.002)', (steps) => {
  const sigmas = karrasLadder(steps);
  const ladder = Array.from(sigmas);
  const start = Float64Array.from(xT, (value) => value * sigmas[0]!);

  it('DPM-Solver-2 follows sample_dpm_2, without churn and with churn (same noise)', () => {
    const none = { sChurn: 0, sTmin: 0, sTmax: Number.POSITIVE_INFINITY, sNoise: 1 };
    record('dpm-2', steps, compare(createDpm2Sampler(), sigmas, (noise) => kDiffusionDpm2(posteriorMean, start, ladder, none, noise), steps));
    const churn = { sChurn: 8, sTmin: 0.05, sTmax: 50, sNoise: 1.003 };
    record('dpm-2 churn', steps, compare(createDpm2Sampler(churn), sigmas, (noise) => kDiffusionDpm2(posteriorMean, start, ladder, churn, noise), 100 + steps));
  });
  it.each([1, 0.5, 0])('ancestral DPM-Solver-2 (eta %s) follows sample_dpm_2_ancestral with the same noise', (eta) => {
    record(`dpm-2-ancestral eta=${eta}`, steps, compare(createDpm2AncestralSampler({ eta }), sigmas, (noise) => kDiffusionDpm2Ancestral(posteriorMean, start, ladder, eta, 1, noise), 200 + steps));
  });
  it.each([1, 0.5, 0])('ancestral DPM-Solver++(2S) (eta %s) follows sample_dpmpp_2s_ancestral with the same noise', (eta) => {
    record(`dpmpp-2s-ancestral eta=${eta}`, steps, compare(createDpmpp2sAncestralSampler({ eta }), sigmas, (noise) => kDiffusionDpmpp2sAncestral(posteriorMean, start, ladder, eta, 1, noise), 300 + steps));
  });
  it.each([
    [1, 0.5],
    [0.5, 0.5],
    [1, 1 / 3],
    [0, 0.5],
  ])('stochastic DPM-Solver++ (eta %s, r %s) follows sample_dpmpp_sde with the same noise', (eta, r) => {
    record(`dpmpp-sde eta=${eta} r=${r.toFixed(3)}`, steps, compare(createDpmppSdeSampler({ eta, r }), sigmas, (noise) => kDiffusionDpmppSde(posteriorMean, start, ladder, eta, 1, r, noise), 400 + steps));
  });
});

// k-diffusion's own samplers, run in float64 by scripts/k-diffusion-singlestep-vectors.py (torch,
// k-diffusion 4601bf0) on the same mixture, ladders and starting points, with hashed noise both sides
// compute (src/__fixtures__/hashed-normals.ts): the transcriptions reproduce them to float64
// round-off, and our samplers to 1e-4.
const factories: Record<string, (options: never) => Sampler> = {
  dpm_2: createDpm2Sampler,
  dpm_2_ancestral: createDpm2AncestralSampler,
  dpmpp_2s_ancestral: createDpmpp2sAncestralSampler,
  dpmpp_sde: createDpmppSdeSampler,
};
const camelCase = (options: Record<string, number>) => Object.fromEntries(Object.entries(options).map(([key, value]) => [key.replace(/_(\w)/g, (_, letter: string) => letter.toUpperCase()), value]));
const transcriptions: Record<string, (options: Record<string, number>, start: Float64Array, ladder: number[], noise: NoiseSampler) => Float64Array[]> = {
  dpm_2: (o, start, ladder, noise) => kDiffusionDpm2(posteriorMean, start, ladder, { sChurn: o.sChurn ?? 0, sTmin: o.sTmin ?? 0, sTmax: o.sTmax ?? Number.POSITIVE_INFINITY, sNoise: o.sNoise ?? 1 }, noise),
  dpm_2_ancestral: (o, start, ladder, noise) => kDiffusionDpm2Ancestral(posteriorMean, start, ladder, o.eta!, 1, noise),
  dpmpp_2s_ancestral: (o, start, ladder, noise) => kDiffusionDpmpp2sAncestral(posteriorMean, start, ladder, o.eta!, 1, noise),
  dpmpp_sde: (o, start, ladder, noise) => kDiffusionDpmppSde(posteriorMean, start, ladder, o.eta!, 1, o.r!, noise),
};

describe.each(vectors.variants.map((variant) => [variant.name, variant] as const))('%s against k-diffusion run in float64', (name, variant) => {
  it.each(variant.runs.map((run) => [run.steps, run] as const))('at %i steps: the transcription to float64 round-off, ours to 1e-4, the same noise for the same intervals', (steps, run) => {
    const sigmas = karrasLadder(steps);
    const ladder = Array.from(sigmas);
    const expected = Float64Array.from(run.x.flat());
    const options = camelCase(variant.options as Record<string, number>);
    // dpm_2 draws randn_like once per step (draw i at step i); the others number their noise_sampler calls.
    const byStep = variant.sampler === 'dpm_2';
    const asked: [number, number][] = [];
    const draw = (sigma: number, sigmaNext: number) => {
      asked.push([sigma, sigmaNext]);
      return hashedNormals(variant.seed + steps, byStep ? ladder.indexOf(sigma) : asked.length - 1, xT.length);
    };
    const transcribed = transcriptions[variant.sampler]!(options, Float64Array.from(xT, (value) => value * sigmas[0]!), ladder, draw);
    const transcriptionError = largestScaledError(transcribed[transcribed.length - 1]!, expected);
    (largest[`k-diffusion vectors: transcription, ${name}`] ??= {})[steps] = transcriptionError;
    expect(transcriptionError).toBeLessThan(1e-9);
    if (!byStep) {
      expect(asked).toHaveLength((run.noise as number[][]).length);
      asked.forEach(([sigma, sigmaNext], index) => {
        expect(sigma).toBeCloseTo((run.noise as number[][])[index]![0]!, 10);
        expect(sigmaNext).toBeCloseTo((run.noise as number[][])[index]![1]!, 10);
      });
    }
    asked.length = 0;
    const start = tensor(Float32Array.from(xT, (value) => value * sigmas[0]!), [64, 2]);
    const result = factories[variant.sampler]!(options as never).sample(exactDenoiser, start, sigmas, {
      noise: (shape, interval) => tensor(draw(interval!.sigma, interval!.sigmaNext), [...shape]),
    });
    const error = largestScaledError(result.dataSync(), expected);
    [start, result].forEach((t) => t.dispose());
    (largest[`k-diffusion vectors: ours, ${name}`] ??= {})[steps] = error;
    expect(error, `${name} at ${steps} steps`).toBeLessThan(tolerance);
  });
});

describe('their noise and their eta = 0 forms', () => {
  const sigmas = karrasLadder(12, 0.01, 20);
  const run = (sampler: Sampler, options: Parameters<Sampler['sample']>[3]) => {
    const start = tensor(Float32Array.from(xT, (value) => value * 20), [64, 2]);
    const result = sampler.sample(exactDenoiser, start, sigmas, options);
    const values = Array.from(result.dataSync());
    [start, result].forEach((t) => t.dispose());
    return values;
  };
  const largestDifference = (a: number[], b: number[]) => a.reduce((worst, value, index) => Math.max(worst, Math.abs(value - b[index]!)), 0);
  it.each([
    ['dpm-2-ancestral', createDpm2AncestralSampler],
    ['dpmpp-2s-ancestral', createDpmpp2sAncestralSampler],
    ['dpmpp-sde', createDpmppSdeSampler],
  ] as const)('%s draws from the Brownian tree of the seed by default, and independent normals on request', (_, create) => {
    const sampler = create();
    expect(sampler.noiseSource).toBe('brownian-tree');
    const byDefault = run(sampler, { seed: 3 });
    expect(run(sampler, { noise: createBrownianNoise({ seed: 3 }) })).toEqual(byDefault);
    expect(largestDifference(run(create({ noiseSource: 'independent' }), { seed: 3 }), byDefault)).toBeGreaterThan(0.01);
  });
  it('ancestral DPM-Solver-2 with eta 0 is DPM-Solver-2', () => {
    expect(run(createDpm2AncestralSampler({ eta: 0 }), {})).toEqual(run(createDpm2Sampler(), {}));
  });
  it('stochastic DPM-Solver++ with eta 0 and r 1/2 is DPM-Solver++(2S), the ancestral one with eta 0', () => {
    // Same maths, coefficients rounded in another order: equal to float32 round-off.
    expect(largestDifference(run(createDpmppSdeSampler({ eta: 0 }), {}), run(createDpmpp2sAncestralSampler({ eta: 0 }), {}))).toBeLessThan(1e-5);
  });
});

afterAll(() => {
  console.info('largest scaled errors vs float64 k-diffusion transcriptions, per step count', JSON.stringify(largest, null, 1));
});
