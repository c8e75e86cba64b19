import { createEpsParameterisation } from '@diffusion/parameterisations';
import { createLinearSchedule } from '@diffusion/schedules';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createSmallMlp, gaussianMixtureDataset } from './test-doubles';
import { createTrainer } from './trainer';
import { runTraining, type TrainProgressEvent } from './trainer-train';

function makeTrainer(seed: number) {
  return createTrainer({
    backbone: createSmallMlp({ hiddenWidth: 8, seed: 1 }),
    schedule: createLinearSchedule({ numTrainTimesteps: 50 }),
    parameterisation: createEpsParameterisation(),
    batchSize: 16,
    seed,
  });
}

describe('trainer.train', () => {
  it('is reproducible: the same seed gives the same losses, another seed different ones', async () => {
    const first = await makeTrainer(3).train({ data: gaussianMixtureDataset, steps: 8 });
    const again = await makeTrainer(3).train({ data: gaussianMixtureDataset, steps: 8 });
    const other = await makeTrainer(4).train({ data: gaussianMixtureDataset, steps: 8 });
    expect([...again.losses]).toEqual([...first.losses]);
    expect(other.losses.some((loss, index) => loss !== first.losses[index])).toBe(true);
  });

  it('reports progress with rates, throttled, and always after the last step', async () => {
    const every: TrainProgressEvent[] = [];
    await makeTrainer(1).train({ data: gaussianMixtureDataset, steps: 5, progressIntervalMs: 0, onProgress: (event) => every.push(event) });
    expect(every.map((event) => event.step)).toEqual([1, 2, 3, 4, 5]);
    expect(every.at(-1)!.etaSeconds).toBe(0);
    expect(every.every((event) => event.stepsPerSecond > 0 && Number.isFinite(event.loss) && event.lr === 1e-3)).toBe(true);
    expect(every[0]!.etaSeconds).toBeCloseTo(4 / every[0]!.stepsPerSecond, 9);
    const throttled: TrainProgressEvent[] = [];
    await makeTrainer(1).train({ data: gaussianMixtureDataset, steps: 5, progressIntervalMs: 60_000, onProgress: (event) => throttled.push(event) });
    expect(throttled).toHaveLength(1);
    expect(throttled[0]!.step).toBe(5);
    // meanLoss covers every step since the previous event: here all five.
    expect(throttled[0]!.meanLoss).toBeCloseTo(every.reduce((total, event) => total + event.loss, 0) / 5, 6);
  });

  it('yields to the event loop between steps and stops when aborted', async () => {
    const trainer = makeTrainer(1);
    const controller = new AbortController();
    let ticks = 0;
    const timer = setInterval(() => {
      ticks += 1;
      if (trainer.completedSteps >= 3) controller.abort();
    }, 0);
    const result = await trainer.train({ data: (step) => tf.fill([16, 2], step / 10), steps: 10_000, signal: controller.signal });
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(0);
    expect(result.steps).toBeGreaterThanOrEqual(3);
    expect(result.steps).toBeLessThan(10_000);
    expect(result.losses).toHaveLength(result.steps);
  });
});

describe('runTraining', () => {
  it('runs a pure step function: draws by step index, disposes each batch, checkpoints when due and after the last step', async () => {
    const drawn: number[] = [];
    const saved: number[] = [];
    const batches: tf.Tensor[] = [];
    const before = tf.memory().numTensors;
    const result = await runTraining(
      (batch) => {
        expect(batch).toBe(batches.at(-1));
        return { step: drawn.at(-1)! + 1, loss: drawn.at(-1)!, gradNorm: 1, lr: 0.1 };
      },
      async (stepResult) => {
        saved.push(stepResult.step);
      },
      {
        steps: 7,
        firstStep: 10,
        checkpointEverySteps: 4,
        progressIntervalMs: 0,
        drawBatch: (stepIndex) => {
          drawn.push(stepIndex);
          batches.push(tf.zeros([1]));
          return batches.at(-1);
        },
      },
    );
    expect(drawn).toEqual([10, 11, 12, 13, 14, 15, 16]);
    expect(saved).toEqual([12, 16, 17]);
    expect([...result.losses]).toEqual(drawn);
    expect(batches.every((batch) => batch.isDisposed)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });
});
