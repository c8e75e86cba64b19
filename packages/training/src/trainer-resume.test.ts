import { createEpsParameterisation } from '@diffusion/parameterisations';
import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLinearBetasSchedule, createTinyMlpDouble, createUniformDensityDouble, createUniformWeightingDouble, gaussianMixtureDataset } from './test-doubles';
import { createTrainer, type Trainer } from './trainer';

const directory = mkdtempSync(join(tmpdir(), 'training-resume-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function makeTrainer(backboneSeed: number): { trainer: Trainer; weights: () => Record<string, number[]> } {
  const schedule = createLinearBetasSchedule(100);
  const backbone = createTinyMlpDouble({ dimension: 2, hiddenWidth: 16, seed: backboneSeed });
  const trainer = createTrainer({
    backbone,
    schedule,
    parameterisation: createEpsParameterisation(),
    weighting: createUniformWeightingDouble(),
    timeDensity: createUniformDensityDouble(100),
    optimizer: { learningRate: 3e-3, weightDecay: 1e-4 },
    warmupSteps: 5,
    decay: 'cosine',
    totalSteps: 40,
    gradientClipNorm: 1,
    ema: { decay: 0.99, warmup: 'ratio' },
    batchSize: 32,
    seed: 7,
  });
  return { trainer, weights: () => snapshot(backbone.variables()) };
}

function snapshot(values: ReadonlyMap<string, tf.Variable>): Record<string, number[]> {
  return Object.fromEntries([...values].map(([name, value]) => [name, [...value.dataSync()]]));
}

describe('resume from a checkpoint', () => {
  it('gives bit-equal losses and weights to an uninterrupted run (cpu backend)', async () => {
    const straight = makeTrainer(1);
    const straightRun = await straight.trainer.train({ data: gaussianMixtureDataset, steps: 30 });

    const first = makeTrainer(1);
    const firstHalf = await first.trainer.train({ data: gaussianMixtureDataset, steps: 15 });
    const path = join(directory, 'half.safetensors');
    await first.trainer.saveCheckpoint(path);
    first.trainer.dispose();

    // A fresh trainer and a differently initialised backbone: everything must come from the file.
    const resumed = makeTrainer(99);
    expect(resumed.weights()).not.toEqual(first.weights());
    await resumed.trainer.loadCheckpoint(path);
    expect(resumed.trainer.completedSteps).toBe(15);
    const secondHalf = await resumed.trainer.train({ data: gaussianMixtureDataset, steps: 15 });

    expect([...firstHalf.losses, ...secondHalf.losses]).toEqual([...straightRun.losses]);
    expect(resumed.weights()).toEqual(straight.weights());
    expect(snapshot(resumed.trainer.emaWeights())).toEqual(snapshot(straight.trainer.emaWeights()));
    // The run really moved: distinct losses, weights away from their start.
    expect(new Set(straightRun.losses).size).toBe(30);
    expect(straight.weights()).not.toEqual(makeTrainer(1).weights());
  });
});
