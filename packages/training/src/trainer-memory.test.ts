import { createEpsParameterisation } from '@diffusion/parameterisations';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createSmallMlp, gaussianMixtureDataset } from './test-doubles';
import { createLinearSchedule } from '@diffusion/schedules';
import { createTrainer } from './trainer';

describe('tensor memory', () => {
  it('holds the same number of tensors after step 10 and after step 1000', async () => {
    const backbone = createSmallMlp({ hiddenWidth: 8, seed: 3 });
    const trainer = createTrainer({
      backbone,
      schedule: createLinearSchedule({ numTrainTimesteps: 50 }),
      parameterisation: createEpsParameterisation(),
      optimizer: { learningRate: 1e-3, weightDecay: 1e-4 },
      warmupSteps: 10,
      decay: 'cosine',
      totalSteps: 1000,
      gradientClipNorm: 0.5,
      batchSize: 8,
      seed: 1,
    });
    const denoiser = trainer.emaDenoiser();
    const probe = tf.ones([4, 2]);
    await trainer.train({ data: gaussianMixtureDataset, steps: 10 });
    tf.dispose(denoiser(probe, 0.7));
    trainer.serializeCheckpoint();
    const afterTen = tf.memory().numTensors;
    await trainer.train({ data: (step) => tf.fill([8, 2], Math.sin(step)), steps: 990, progressIntervalMs: 0, onProgress: () => undefined });
    tf.dispose(denoiser(probe, 0.7));
    trainer.serializeCheckpoint();
    expect(trainer.completedSteps).toBe(1000);
    expect(tf.memory().numTensors).toBe(afterTen);
    // dispose frees exactly the trainer's own tensors: EMA weights and two Adam moments per variable.
    trainer.dispose();
    expect(tf.memory().numTensors).toBe(afterTen - 3 * backbone.variables().size);
    probe.dispose();
  });

  it('leaves no tensor behind once created and disposed (the check of the gradient functions included)', () => {
    const backbone = createSmallMlp({ hiddenWidth: 8, seed: 3 });
    const before = tf.memory().numTensors;
    for (let round = 0; round < 3; round += 1) {
      createTrainer({ backbone, schedule: createLinearSchedule({ numTrainTimesteps: 50 }), parameterisation: createEpsParameterisation(), batchSize: 8 }).dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    backbone.dispose();
  });
});
