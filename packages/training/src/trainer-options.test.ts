import { DiffusionError, type TimeDensity } from '@diffusion/core';
import { createEpsParameterisation } from '@diffusion/parameterisations';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createSmallMlp, gaussianMixtureDataset } from './test-doubles';
import { createLinearSchedule } from '@diffusion/schedules';
import { createTrainer } from './trainer';
import type { TrainerOptions } from './trainer-options';

const backbone = createSmallMlp({ hiddenWidth: 4, seed: 1 });
const base: TrainerOptions = { backbone, schedule: createLinearSchedule({ numTrainTimesteps: 20 }), parameterisation: createEpsParameterisation(), batchSize: 4 };

function thrown(action: () => unknown): DiffusionError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(DiffusionError);
    return error as DiffusionError;
  }
  throw new Error('expected a DiffusionError');
}

describe('createTrainer options', () => {
  it('keeps JSON-serialisable options with defaults filled in', () => {
    const trainer = createTrainer(base);
    expect(JSON.parse(JSON.stringify(trainer.options))).toEqual({
      optimizer: { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0 },
      warmupSteps: 0,
      decay: 'constant',
      totalSteps: 10_000,
      ema: { decay: 0.999, warmup: 'ratio', power: 2 / 3, invGamma: 1 },
      batchSize: 4,
      seed: 0,
    });
    trainer.dispose();
    // fusedKernels changes how, not what, is computed: it stays out of the checkpointed options.
    const [fused, plain] = [createTrainer({ ...base, fusedKernels: true }), createTrainer({ ...base, fusedKernels: false })];
    expect(plain.options).toEqual(fused.options);
    fused.dispose();
    plain.dispose();
  });

  it.each([
    [{ learningRate: 1e-3 }, 'createTrainer.learningRate', 'invalid-option'],
    [{ optimizer: { lr: 1 } }, 'createTrainer.optimizer.lr', 'invalid-option'],
    [{ optimizer: { beta2: 1 } }, 'createTrainer.optimizer.beta2', 'invalid-option'],
    [{ decay: 'linear' }, 'createTrainer.decay', 'unknown-name'],
    [{ ema: { warmup: 'karras' } }, 'createTrainer.ema.warmup', 'unknown-name'],
    [{ ema: { decay: 1 } }, 'createTrainer.ema.decay', 'invalid-option'],
    [{ batchSize: 0 }, 'createTrainer.batchSize', 'invalid-option'],
    [{ seed: -1 }, 'createTrainer.seed', 'invalid-option'],
    [{ gradientClipNorm: 0 }, 'createTrainer.gradientClipNorm', 'invalid-option'],
    [{ fusedKernels: 'yes' }, 'createTrainer.fusedKernels', 'invalid-option'],
    [{ decay: 'cosine', warmupSteps: 10, totalSteps: 10 }, 'createTrainer.warmupSteps', 'invalid-option'],
    [{ checkpoint: { path: '', everySteps: 5 } }, 'createTrainer.checkpoint.path', 'invalid-option'],
    [{ checkpoint: { path: 'a', everySteps: 1.5 } }, 'createTrainer.checkpoint.everySteps', 'invalid-option'],
    [{ parameterisation: { name: 'eps' } }, 'createTrainer.parameterisation', 'invalid-argument'],
    [{ timeDensity: { sample: () => [] } }, 'createTrainer.timeDensity', 'invalid-argument'],
    [{ backbone: { apply: () => 0, variables: () => new Map() } }, 'createTrainer.backbone.sampleShape', 'invalid-argument'],
  ])('rejects %j naming %s', (override, field, code) => {
    const error = thrown(() => createTrainer({ ...base, ...(override as Partial<TrainerOptions>) }));
    expect(error.field).toBe(field);
    expect(error.code).toBe(code);
    expect(error.message).toContain(field);
  });
});

describe('bad input to a trainer', () => {
  const trainer = createTrainer(base);

  it('rejects a batch whose shape does not fit the backbone', () => {
    const error = thrown(() => trainer.step(tf.zeros([4, 3])));
    expect(error.code).toBe('shape-mismatch');
    expect(error.field).toBe('step.batchX0');
    expect(error.message).toContain('[4, 3]');
    expect(thrown(() => trainer.step(tf.zeros([0, 2]))).field).toBe('step.batchX0.shape[0]');
    expect(thrown(() => trainer.step([[1, 2]] as never)).field).toBe('step.batchX0');
  });

  it('rejects data with NaN, naming the batch, and leaves the weights alone', async () => {
    const before = [...backbone.variables().values()].map((value) => [...value.dataSync()]);
    const error = thrown(() => trainer.step(tf.tensor([[0, 1], [Number.NaN, 2], [1, 1], [0, 0]])));
    expect(error.code).toBe('non-finite');
    expect(error.field).toBe('step.batchX0');
    await expect(trainer.train({ data: () => tf.fill([4, 2], Number.POSITIVE_INFINITY), steps: 2 })).rejects.toMatchObject({ code: 'non-finite', field: 'train.data' });
    expect([...backbone.variables().values()].map((value) => [...value.dataSync()])).toEqual(before);
    expect(trainer.completedSteps).toBe(0);
  });

  it('rejects bad train options and data sources by name', async () => {
    await expect(trainer.train({ data: gaussianMixtureDataset, steps: 0 })).rejects.toMatchObject({ field: 'train.steps' });
    await expect(trainer.train({ data: 42 as never, steps: 1 })).rejects.toMatchObject({ field: 'train.data' });
    await expect(trainer.train({ data: () => tf.zeros([4, 5]), steps: 1 })).rejects.toMatchObject({ code: 'shape-mismatch', field: 'train.data' });
    await expect(trainer.train({ data: gaussianMixtureDataset, steps: 1, every: 3 } as never)).rejects.toMatchObject({ field: 'train.every' });
  });

  it('rejects a time density that returns times outside [0, 1]', () => {
    const broken: TimeDensity = { name: 'broken', specificationVersion: 'v1', options: {}, sample: (count) => new Float64Array(count).fill(1.5), density: () => 1 };
    const error = thrown(() => createTrainer({ ...base, timeDensity: broken }).step(tf.zeros([4, 2])));
    expect(error.field).toBe('timeDensity.sample');
  });

  it('rejects a denoiser sigma that is negative', () => {
    expect(thrown(() => trainer.denoiser()(tf.zeros([1, 2]), -1)).field).toBe('denoiser.sigma');
  });
});
