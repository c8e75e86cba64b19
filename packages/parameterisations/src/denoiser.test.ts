import type { Parameterisation, Schedule } from '@diffusion/core';
import { DiffusionError } from '@diffusion/core';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { referenceCosineSchedule, referenceFlowSchedule } from './__fixtures__/reference-continuous';
import { referenceBetas, referenceDiscreteSchedule } from './__fixtures__/reference-schedules';
import denoiserVectors from './__fixtures__/denoiser.json';
import { checkExactDenoising } from './__fixtures__/exact-gaussian-network';
import { createDenoiser } from './denoiser';
import { createEdmParameterisation } from './edm-parameterisation';
import { createEpsParameterisation } from './eps-parameterisation';
import { createFlowParameterisation } from './flow-parameterisation';
import { levelOfSigma } from './level-of-sigma';
import { createScoreParameterisation } from './score-parameterisation';
import { createVParameterisation } from './v-parameterisation';
import { createX0Parameterisation } from './x0-parameterisation';

const linear = referenceDiscreteSchedule(referenceBetas('linear'));
const maxAbs = (values: ArrayLike<number>) => Math.max(...Array.from(values, Math.abs));

describe('createDenoiser against the analytic-mixture vectors (denoiser.json, linear schedule)', () => {
  // The network is a lookup of the reference outputs (eps_hat, x0_hat, v_hat) at each integer
  // timestep; it checks that it is fed x_t = alpha x_VE and the time (t + 1) / T. The denoiser must
  // return the reference x0_hat. Tolerance: float32 round-off, 2e-6 (1 + |x| / alpha).
  const entries = denoiserVectors.vp.filter((entry) => Number.isInteger(entry.t));
  const cases = [
    { parameterisation: createEpsParameterisation(), key: 'eps_hat' as const },
    { parameterisation: createX0Parameterisation(), key: 'x0_hat' as const },
    { parameterisation: createVParameterisation(), key: 'v_hat' as const },
  ];
  for (const { parameterisation, key } of cases) {
    it(`returns x0_hat from ${key} outputs at every integer timestep`, () => {
      const x = tf.tensor2d(denoiserVectors.x);
      let worst = 0;
      for (const entry of entries) {
        const network = (input: Tensor, time: Tensor) => {
          expect(time.shape).toEqual([8]);
          expect(maxAbs(tf.sub(time, (entry.t + 1) / 1000).dataSync())).toBeLessThan(1e-7);
          expect(maxAbs(tf.sub(input, x).dataSync())).toBeLessThan(1e-5 * (1 + 1 / entry.alpha));
          return tf.tensor2d(entry[key]);
        };
        const sigmaVe = Math.sqrt((1 - entry.abar) / entry.abar);
        const before = tf.memory().numTensors;
        const xVe = tf.div(x, entry.alpha);
        const denoised = createDenoiser({ network, parameterisation, schedule: linear })(xVe, sigmaVe);
        expect(tf.memory().numTensors).toBe(before + 2);
        const values = denoised.arraySync() as number[][];
        values.forEach((row, index) =>
          row.forEach((value, column) => {
            const scale = 1 + Math.abs(denoiserVectors.x[index]![column]!) / entry.alpha;
            worst = Math.max(worst, Math.abs(value - entry.x0_hat[index]![column]!) / scale);
          }),
        );
        tf.dispose([xVe, denoised]);
      }
      x.dispose();
      console.info(`denoiser vectors (${key}): largest float32 scaled error ${worst.toExponential(2)}`);
      expect(worst).toBeLessThan(2e-6);
    });
  }
});

describe('createDenoiser on Gaussian data, whose exact denoiser is known', () => {
  // Data x0 ~ N(m, s^2 I). In VE form E[x0 | x] = m + s^2 (x - m) / (s^2 + sigma^2). The network
  // recovers its level from the time input alone and returns the exact output of its
  // parameterisation (written out in the fixture, independently of the implementation).
  const data = { mean: 0.4, spread: 0.8 };

  function levelOfTime(schedule: Schedule) {
    return (t: number) => {
      if (schedule === linear) {
        const sigmaVe = linear.sigmaAtTimestep(t * 1000 - 1);
        return { alpha: 1 / Math.sqrt(1 + sigmaVe ** 2), sigma: sigmaVe / Math.sqrt(1 + sigmaVe ** 2) };
      }
      return { alpha: schedule.alpha(t), sigma: schedule.sigma(t) };
    };
  }

  const parameterisations: Parameterisation[] = [createX0Parameterisation(), createEpsParameterisation(), createVParameterisation(), createScoreParameterisation(), createFlowParameterisation(), createEdmParameterisation()];
  const schedules = [
    { schedule: linear as Schedule, sigmas: fc.double({ min: 0.02, max: 150, noNaN: true }) },
    { schedule: referenceCosineSchedule, sigmas: fc.double({ min: 0.01, max: 60, noNaN: true }) },
    { schedule: referenceFlowSchedule, sigmas: fc.double({ min: 0.01, max: 60, noNaN: true }) },
  ];
  for (const { schedule, sigmas } of schedules) {
    it(`denoises exactly through every parameterisation on ${schedule.name} (property; 1e-5 (1 + |x|))`, () => {
      checkExactDenoising({ data, schedule, levelOfTime: levelOfTime(schedule), parameterisations, sigmas, shape: [3, 2], numRuns: 25 });
    });
  }
});

describe('createDenoiser time input and level', () => {
  function recordingDenoiser(parameterisation: Parameterisation, schedule: Schedule) {
    const seen: { time: number[]; input: number[] }[] = [];
    const network = (input: Tensor, time: Tensor) => {
      seen.push({ time: Array.from(time.dataSync()), input: Array.from(input.dataSync()) });
      return tf.mul(tf.zerosLike(input), tf.sum(time));
    };
    return { seen, denoise: createDenoiser({ network, parameterisation, schedule }) };
  }

  it('feeds (fractional 0-based timestep + 1) / T for a discrete schedule, and alpha = 1 / sqrt(1 + sigma^2)', () => {
    const { seen, denoise } = recordingDenoiser(createEpsParameterisation(), linear);
    const x = tf.ones([2, 3]);
    for (const timestep of [0, 17, 499.5, 999]) {
      const sigma = linear.sigmaAtTimestep(timestep);
      tf.dispose(denoise(x, sigma));
      const { time, input } = seen.at(-1)!;
      time.forEach((value) => expect(value).toBeCloseTo((timestep + 1) / 1000, 6));
      input.forEach((value) => expect(value).toBeCloseTo(1 / Math.sqrt(1 + sigma * sigma), 6));
      const level = levelOfSigma(linear, sigma);
      expect(level.t).toBeCloseTo((timestep + 1) / 1000, 12);
      expect(level.sigma / level.alpha).toBeCloseTo(sigma, 12);
    }
    x.dispose();
  });

  it('feeds tOfLogSnr(-2 ln sigma) for a continuous schedule and ln(sigma) / 4 with EDM', () => {
    const x = tf.ones([4]);
    const plain = recordingDenoiser(createFlowParameterisation(), referenceFlowSchedule);
    tf.dispose(plain.denoise(x, 3));
    expect(plain.seen[0]!.time).toEqual(Array(4).fill(Math.fround(0.75)));
    expect(plain.seen[0]!.input[0]).toBeCloseTo(0.25, 7);
    const edm = recordingDenoiser(createEdmParameterisation(), referenceCosineSchedule);
    tf.dispose(edm.denoise(x, 3));
    expect(edm.seen[0]!.time[0]).toBeCloseTo(Math.log(3) / 4, 7);
    expect(edm.seen[0]!.input[0]).toBeCloseTo(1 / Math.sqrt(9 + 0.25), 6);
    x.dispose();
  });

  it('returns a copy of x at sigma = 0 without calling the network, and never leaks', () => {
    const { seen, denoise } = recordingDenoiser(createEpsParameterisation(), linear);
    const x = tf.tensor1d([1, 2]);
    const before = tf.memory().numTensors;
    const copy = denoise(x, 0);
    expect(copy).not.toBe(x);
    expect(Array.from(copy.dataSync())).toEqual([1, 2]);
    expect(seen).toHaveLength(0);
    for (let index = 0; index < 5; index += 1) tf.dispose(denoise(x, 1 + index));
    expect(tf.memory().numTensors).toBe(before + 1);
    tf.dispose([x, copy]);
  });

  it('rejects bad options and arguments with a DiffusionError naming the field', () => {
    const network = (input: Tensor) => tf.zerosLike(input);
    const parameterisation = createEpsParameterisation();
    expect(() => createDenoiser({ network: 3 as never, parameterisation, schedule: linear })).toThrow(expect.objectContaining({ field: 'createDenoiser.network' }));
    expect(() => createDenoiser({ network, parameterisation: { ...parameterisation, toX0: undefined } as never, schedule: linear })).toThrow(expect.objectContaining({ field: 'createDenoiser.parameterisation.toX0' }));
    expect(() => createDenoiser({ network, parameterisation, schedule: { ...linear, specificationVersion: 'v2' } as never })).toThrow(expect.objectContaining({ code: 'unsupported-version', field: 'createDenoiser.schedule.specificationVersion' }));
    const denoise = createDenoiser({ network, parameterisation, schedule: linear });
    const x = tf.zeros([2, 2]);
    expect(() => denoise(x, -1)).toThrow(expect.objectContaining({ field: 'denoiser.sigma' }));
    expect(() => denoise(x, Number.NaN)).toThrow(DiffusionError);
    const before = tf.memory().numTensors;
    expect(() => createDenoiser({ network: () => tf.zeros([3]), parameterisation, schedule: linear })(x, 1)).toThrow(expect.objectContaining({ code: 'shape-mismatch' }));
    expect(tf.memory().numTensors).toBe(before);
    expect(() => levelOfSigma(linear, -0.1)).toThrow(expect.objectContaining({ field: 'levelOfSigma.sigmaVe' }));
    x.dispose();
  });
});
