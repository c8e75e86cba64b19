import { createEpsParameterisation } from '@diffusion/parameterisations';
import type { TimeDensity } from '@diffusion/core';
import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSmallMlp, gaussianMixtureDataset } from './test-doubles';
import { createLinearSchedule } from '@diffusion/schedules';
import { createImportanceTimeDensity, createMinSnrWeighting, createUniformTimeDensity, createUniformWeighting } from '@diffusion/loss-weightings';
import { createTrainer, type Trainer } from './trainer';

const directory = mkdtempSync(join(tmpdir(), 'training-resume-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function makeTrainer(backboneSeed: number, importance = false): { trainer: Trainer; weights: () => Record<string, number[]>; timeDensity: TimeDensity } {
  const schedule = createLinearSchedule({ numTrainTimesteps: 100 });
  const backbone = createSmallMlp({ hiddenWidth: 16, seed: backboneSeed });
  const timeDensity = importance ? createImportanceTimeDensity({ numTrainTimesteps: 100, historyLength: 1 }) : createUniformTimeDensity({ numTrainTimesteps: 100 });
  const trainer = createTrainer({
    backbone,
    schedule,
    parameterisation: createEpsParameterisation(),
    weighting: importance ? createMinSnrWeighting({ gamma: 5 }) : createUniformWeighting(),
    timeDensity,
    optimizer: { learningRate: 3e-3, weightDecay: 1e-4 },
    warmupSteps: 5,
    decay: 'cosine',
    totalSteps: 40,
    gradientClipNorm: 1,
    ema: { decay: 0.99, warmup: 'ratio' },
    batchSize: importance ? 64 : 32,
    seed: 7,
  });
  return { trainer, weights: () => snapshot(backbone.variables()), timeDensity };
}

function snapshot(values: ReadonlyMap<string, tf.Variable>): Record<string, number[]> {
  return Object.fromEntries([...values].map(([name, value]) => [name, [...value.dataSync()]]));
}

describe('resume from a checkpoint', () => {
  it.each([
    ['uniform time', false],
    ['an importance time density (its loss history is saved too)', true],
  ])('gives bit-equal losses and weights to an uninterrupted run with %s (cpu backend)', async (_name, importance) => {
    const straight = makeTrainer(1, importance);
    const straightRun = await straight.trainer.train({ data: gaussianMixtureDataset, steps: 30 });

    const first = makeTrainer(1, importance);
    const firstHalf = await first.trainer.train({ data: gaussianMixtureDataset, steps: 15 });
    // With importance sampling, the density has left uniform by the checkpoint (so its state matters).
    const densities = Array.from({ length: 100 }, (_, k) => first.timeDensity.density((k + 1) / 100));
    if (importance) expect(Math.max(...densities) - Math.min(...densities)).toBeGreaterThan(0.5);
    const path = join(directory, `half-${importance}.safetensors`);
    await first.trainer.saveCheckpoint(path);
    first.trainer.dispose();

    // A fresh trainer and a differently initialised backbone: everything must come from the file.
    const resumed = makeTrainer(99, importance);
    expect(resumed.weights()).not.toEqual(first.weights());
    await resumed.trainer.loadCheckpoint(path);
    expect(resumed.trainer.completedSteps).toBe(15);
    const secondHalf = await resumed.trainer.train({ data: gaussianMixtureDataset, steps: 15 });

    expect([...firstHalf.losses, ...secondHalf.losses]).toEqual([...straightRun.losses]);
    expect(resumed.weights()).toEqual(straight.weights());
    expect(snapshot(resumed.trainer.emaWeights())).toEqual(snapshot(straight.trainer.emaWeights()));
    // The run really moved: distinct losses, weights away from their start.
    expect(new Set(straightRun.losses).size).toBe(30);
    expect(straight.weights()).not.toEqual(makeTrainer(1, importance).weights());
  });
});
