import type { LossWeighting, Parameterisation, Schedule, TimeDensity } from '@diffusion/core';
import { createEdmWeighting, createLogNormalTimeDensity, createMinSnrWeighting, createSigmoidWeighting, createUniformTimeDensity, createVWeighting } from '@diffusion/loss-weightings';
import { createEdmParameterisation, createEpsParameterisation, createVParameterisation, createX0Parameterisation } from '@diffusion/parameterisations';
import { createCosineSchedule, createEdmSchedule, createLinearSchedule } from '@diffusion/schedules';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createSmallMlp, gaussianMixtureDataset } from './test-doubles';
import { createTrainer } from './trainer';

interface Combination {
  schedule: Schedule;
  parameterisation: Parameterisation;
  weighting?: LossWeighting;
  timeDensity?: TimeDensity;
}

const edmSchedule = createEdmSchedule({ sigmaData: 1 });
const cosine = createCosineSchedule();
const combinations: Record<string, Combination> = {
  'eps, linear betas, min-SNR-5, uniform k/T': { schedule: createLinearSchedule({ numTrainTimesteps: 200 }), parameterisation: createEpsParameterisation(), weighting: createMinSnrWeighting({ gamma: 5 }), timeDensity: createUniformTimeDensity({ numTrainTimesteps: 200 }) },
  'x0, continuous cosine, natural weight': { schedule: cosine, parameterisation: createX0Parameterisation() },
  'v, continuous cosine, v weighting': { schedule: cosine, parameterisation: createVParameterisation(), weighting: createVWeighting() },
  'v, continuous cosine, sigmoid weighting': { schedule: cosine, parameterisation: createVParameterisation(), weighting: createSigmoidWeighting({ schedule: cosine }) },
  'EDM F, EDM schedule, EDM weighting, log-normal sigma': { schedule: edmSchedule, parameterisation: createEdmParameterisation({ sigmaData: 1 }), weighting: createEdmWeighting({ sigmaData: 1 }), timeDensity: createLogNormalTimeDensity({ schedule: edmSchedule }) },
};

describe('the trainer under each parameterisation', () => {
  it.each(Object.entries(combinations))('trains with %s: finite losses that fall, and a denoiser with finite output', async (_name, combination) => {
    const backbone = createSmallMlp({ hiddenWidth: 32, seed: 2 });
    const trainer = createTrainer({ backbone, ...combination, optimizer: { learningRate: 1e-2 }, gradientClipNorm: 10, ema: { decay: 0.9 }, batchSize: 64, seed: 5 });
    const { losses } = await trainer.train({ data: gaussianMixtureDataset, steps: 150 });
    expect(losses.every(Number.isFinite)).toBe(true);
    const mean = (values: Float64Array) => values.reduce((total, value) => total + value, 0) / values.length;
    expect(mean(losses.slice(-50))).toBeLessThan(mean(losses.slice(0, 10)));
    const x = tf.tensor2d([[1, 1], [-1, 0.5]]);
    for (const sigma of [0.05, 0.5, 2]) {
      const denoised = trainer.emaDenoiser()(x, sigma);
      expect([...denoised.dataSync()].every(Number.isFinite)).toBe(true);
      denoised.dispose();
    }
    x.dispose();
    trainer.dispose();
    backbone.dispose();
  });
});
