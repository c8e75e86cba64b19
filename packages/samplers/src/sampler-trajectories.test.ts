import { tensor, type Tensor } from '@tensorflow/tfjs-core';
import { createConformanceMixture } from '@diffusion/data';
import { describe, expect, it } from 'vitest';
import trajectories from './__fixtures__/trajectories.json';
import { createMixtureDenoiser, largestScaledError, sigmaAt, alphasCumprod, type ModelOutput } from './__fixtures__/mixture';
import { createDdimSampler } from './ddim-sampler';
import { createDpmpp2mSampler } from './dpmpp-2m-sampler';

// Reproduces every intermediate state of diffusers' DDIM and DPM-Solver++(2M) runs (10 steps,
// trailing spacing, epsilon and v outputs; float64 reference) in sigma-space, following the
// conformance README: ladder sigma(t_i) then 0, start x_T·sqrt(1 + sigma_0²), states divided by alpha.
const tolerance = 1e-4;
const largest: Record<string, number> = {};

describe.each(trajectories.runs)('$scheduler with $prediction_type output', (run) => {
  it('matches every intermediate state within 1e-4·max(1, |x|)', () => {
    const sampler = run.scheduler === 'DDIMScheduler' ? createDdimSampler() : createDpmpp2mSampler();
    const sigmas = Float64Array.from([...run.timesteps.map(sigmaAt), 0]);
    const start = trajectories.x_T.flat().map((value) => value * Math.sqrt(1 + sigmas[0]! ** 2));
    const noise = tensor(start, [64, 2]);
    const denoise = createMixtureDenoiser(run.prediction_type as ModelOutput);
    const states: Float32Array[] = [];
    const result = sampler.sample(denoise, noise, sigmas, { onStep: ({ x }) => void states.push(x.dataSync() as Float32Array) });
    let worst = 0;
    states.forEach((state, index) => {
      const t = run.timesteps[index + 1];
      const alpha = t === undefined ? 1 : Math.sqrt(alphasCumprod[t]!);
      const expected = run.states_f64[index + 1]!.flat().map((value) => value / alpha);
      worst = Math.max(worst, largestScaledError(state, expected));
    });
    worst = Math.max(worst, largestScaledError(result.dataSync(), run.final_f64.flat()));
    largest[`${run.scheduler} ${run.prediction_type}`] = worst;
    expect(states).toHaveLength(10);
    expect(denoise.calls).toBe(10);
    expect(worst).toBeLessThan(tolerance);
    (result as Tensor).dispose();
    noise.dispose();
  });
});

it('reports the largest errors', () => {
  console.info('trajectory largest scaled errors', largest);
  expect(Object.keys(largest)).toHaveLength(4);
});

it('reproduces the DPM-Solver++(2M) run with @diffusion/data’s exact mixture denoiser too', () => {
  const run = trajectories.runs.find((entry) => entry.scheduler === 'DPMSolverMultistepScheduler')!;
  const sigmas = Float64Array.from([...run.timesteps.map(sigmaAt), 0]);
  const noise = tensor(trajectories.x_T.flat().map((value) => value * Math.sqrt(1 + sigmas[0]! ** 2)), [64, 2]);
  const result = createDpmpp2mSampler().sample(createConformanceMixture().veDenoiser, noise, sigmas);
  expect(largestScaledError(result.dataSync(), run.final_f64.flat())).toBeLessThan(tolerance);
  result.dispose();
  noise.dispose();
});
