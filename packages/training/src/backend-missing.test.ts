import { DiffusionError } from '@diffusion/core';
import { createEpsParameterisation } from '@diffusion/parameterisations';
import { createLinearSchedule } from '@diffusion/schedules';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { createSmallMlp } from './test-doubles';
import { createTrainer } from './trainer';

describe('a trainer made with no tfjs backend set up', () => {
  afterAll(async () => {
    tf.registerBackend('cpu', () => new MathBackendCPU(), 1);
    await tf.setBackend('cpu');
  });

  it('gets a DiffusionError saying how to set one up', () => {
    const backbone = createSmallMlp({ hiddenWidth: 4, seed: 1 });
    for (const name of Object.keys(tf.engine().registryFactory)) tf.removeBackend(name);
    let caught: unknown;
    try {
      createTrainer({ backbone, schedule: createLinearSchedule({ numTrainTimesteps: 100 }), parameterisation: createEpsParameterisation(), batchSize: 8 });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DiffusionError);
    expect((caught as DiffusionError).code).toBe('no-backend');
    expect((caught as DiffusionError).message).toMatch(/^createTrainer: no TensorFlow\.js backend is registered; import a backend/);
  });
});
