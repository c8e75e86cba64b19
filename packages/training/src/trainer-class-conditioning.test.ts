import { createMlpBackbone } from '@diffusion/backbones';
import { DiffusionError, type Backbone, type RandomSource } from '@diffusion/core';
import { createEpsParameterisation } from '@diffusion/parameterisations';
import { createLinearSchedule } from '@diffusion/schedules';
import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTrainer, type Trainer } from './trainer';
import type { TrainerOptions } from './trainer-options';

const directory = mkdtempSync(join(tmpdir(), 'training-classes-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** Four corners (±1, ±1), std 0.1; the class is the corner. Labelled like `@diffusion/data`'s datasets. */
const corners = {
  draw(count: number, random: RandomSource) {
    const labels = Int32Array.from(random.integers(count, 4));
    const noise = random.normals(2 * count);
    const points = new Float32Array(2 * count);
    labels.forEach((label, row) => {
      points[2 * row] = (label & 1 ? 1 : -1) + 0.1 * noise[2 * row]!;
      points[2 * row + 1] = (label & 2 ? 1 : -1) + 0.1 * noise[2 * row + 1]!;
    });
    return { points, labels };
  },
  sample(count: number, random: RandomSource) {
    return tf.tensor2d(corners.draw(count, random).points, [count, 2]);
  },
  sampleLabelled(count: number, random: RandomSource) {
    const { points, labels } = corners.draw(count, random);
    return { x: tf.tensor2d(points, [count, 2]), labels: tf.tensor1d(labels, 'int32') };
  },
};

const conditionalMlp = (seed: number) => createMlpBackbone({ dimension: 2, hiddenWidths: [32, 32], embeddingDimension: 16, numClasses: 4, seed });

function makeTrainer(backbone: Backbone, extra: Partial<TrainerOptions> = {}): Trainer {
  return createTrainer({
    backbone,
    schedule: createLinearSchedule({ numTrainTimesteps: 100 }),
    parameterisation: createEpsParameterisation(),
    optimizer: { learningRate: 3e-3 },
    ema: { decay: 0.99 },
    batchSize: 32,
    seed: 5,
    ...extra,
  });
}

/** A backbone that records the labels it is given (and otherwise is the conditional MLP). */
function recordingBackbone(): { backbone: Backbone; seen: number[][] } {
  const inner = conditionalMlp(1);
  const seen: number[][] = [];
  return {
    seen,
    backbone: {
      ...inner,
      apply(x, noiseLevel, condition) {
        if (condition !== undefined) seen.push(Array.from(condition.dataSync()));
        return inner.apply(x, noiseLevel, condition);
      },
      variables: () => inner.variables(),
      dispose: () => inner.dispose(),
    },
  };
}

function snapshot(values: ReadonlyMap<string, tf.Variable>): Record<string, number[]> {
  return Object.fromEntries([...values].map(([name, value]) => [name, [...value.dataSync()]]));
}

describe('class-conditional training (classifier-free guidance)', () => {
  it('drops a share pUncond of the labels to the null class K and passes the rest unchanged', async () => {
    const { backbone, seen } = recordingBackbone();
    const trainer = makeTrainer(backbone, { pUncond: 0.25, batchSize: 64 });
    expect(trainer.options.classes).toEqual({ numClasses: 4, pUncond: 0.25 });
    const labels = Int32Array.from({ length: 64 }, (_, row) => row % 4);
    const x = tf.tidy(() => tf.add(tf.zeros([64, 2]), 0.5));
    for (let step = 0; step < 40; step += 1) trainer.step(x, labels);
    const all = seen.flat();
    const dropped = all.filter((label) => label === 4).length / all.length;
    // 2,560 Bernoulli(0.25) draws: standard deviation 0.009.
    expect(Math.abs(dropped - 0.25)).toBeLessThan(0.04);
    seen.forEach((step) => step.forEach((label, row) => expect(label === 4 || label === row % 4).toBe(true)));
    tf.dispose(x);
    trainer.dispose();
  });

  it('uses pUncond 0.1 by default and never drops a label with pUncond 0', () => {
    expect(makeTrainer(conditionalMlp(1)).options.classes).toEqual({ numClasses: 4, pUncond: 0.1 });
    const { backbone, seen } = recordingBackbone();
    const trainer = makeTrainer(backbone, { pUncond: 0 });
    const x = tf.zeros([16, 2]);
    for (let step = 0; step < 5; step += 1) trainer.step(x, tf.tensor1d(new Int32Array(16).fill(2), 'int32'));
    expect(seen.flat().every((label) => label === 2)).toBe(true);
    tf.dispose(x);
  });

  it('resumes a class-conditional run bit for bit: the batches carry their labels and the dropout stream is in the checkpoint', async () => {
    const straight = makeTrainer(conditionalMlp(1), { pUncond: 0.3 });
    const straightRun = await straight.train({ data: corners, steps: 20 });
    const first = makeTrainer(conditionalMlp(1), { pUncond: 0.3 });
    const firstHalf = await first.train({ data: corners, steps: 10 });
    const path = join(directory, 'conditional.safetensors');
    await first.saveCheckpoint(path);
    const resumedBackbone = conditionalMlp(77);
    const resumed = makeTrainer(resumedBackbone, { pUncond: 0.3 });
    await resumed.loadCheckpoint(path);
    const secondHalf = await resumed.train({ data: corners, steps: 10 });
    expect([...firstHalf.losses, ...secondHalf.losses]).toEqual([...straightRun.losses]);
    expect(snapshot(resumed.emaWeights())).toEqual(snapshot(straight.emaWeights()));
    // Another pUncond is another run: the checkpoint refuses it by name.
    await expect(makeTrainer(conditionalMlp(1), { pUncond: 0.2 }).loadCheckpoint(path)).rejects.toThrow(/classes\.pUncond/);
  });

  it('learns the classes: the conditional loss of held-out points is below the null-class loss', async () => {
    const trainer = makeTrainer(conditionalMlp(3), { pUncond: 0.2, batchSize: 128, optimizer: { learningRate: 5e-3 } });
    await trainer.train({ data: corners, steps: 200 });
    const { createRandomSource } = await import('@diffusion/core');
    const heldOut = corners.sampleLabelled(512, createRandomSource(99));
    const conditional = trainer.estimateLoss(heldOut.x, createRandomSource(4), heldOut.labels).loss;
    const unconditional = trainer.estimateLoss(heldOut.x, createRandomSource(4)).loss;
    expect(conditional).toBeLessThan(0.85 * unconditional);
    // The denoiser takes labels: at high noise D(x; sigma, k) points to corner k.
    const x = tf.zeros([4, 2]);
    const denoised = trainer.emaDenoiser()(x, 20, tf.tensor1d([0, 1, 2, 3], 'int32')).arraySync() as number[][];
    denoised.forEach(([a, b], label) => {
      expect(Math.sign(a!)).toBe(label & 1 ? 1 : -1);
      expect(Math.sign(b!)).toBe(label & 2 ? 1 : -1);
    });
    tf.dispose([x, heldOut.x, heldOut.labels]);
  }, 120_000);

  it('refuses pUncond outside [0, 1), and pUncond or labels for an unconditional backbone, naming the field', () => {
    for (const pUncond of [1, -0.1, Number.NaN, 1.5]) {
      expect(() => makeTrainer(conditionalMlp(1), { pUncond })).toThrow(/createTrainer\.pUncond: got .*; expected a number in \[0, 1\)/);
    }
    const unconditional = createMlpBackbone({ dimension: 2, hiddenWidths: [8], embeddingDimension: 8, seed: 1 });
    expect(() => makeTrainer(unconditional, { pUncond: 0.1 })).toThrow(/createTrainer\.pUncond.*takes no class labels/);
    expect(() => makeTrainer(conditionalMlp(1), { numClasses: 3 })).toThrow(/createTrainer\.numClasses/);
    const trainer = makeTrainer(unconditional);
    const x = tf.zeros([4, 2]);
    expect(() => trainer.step(x, [0, 1, 2, 3])).toThrow(/step\.labels: .*not class-conditional/);
    tf.dispose(x);
  });

  it('refuses labels outside [0, K), missing labels and unlabelled data for a class-conditional backbone', async () => {
    const trainer = makeTrainer(conditionalMlp(1));
    const x = tf.zeros([3, 2]);
    const error = (() => {
      try {
        trainer.step(x, [0, 4, 1]);
      } catch (caught) {
        return caught as DiffusionError;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(DiffusionError);
    expect(error!.field).toBe('step.labels[1]');
    expect(error!.message).toContain('[0, 4)');
    expect(() => trainer.step(x, [0, -1, 1])).toThrow(/step\.labels\[1\]/);
    expect(() => trainer.step(x)).toThrow(/step\.labels: got undefined; expected 3 class labels/);
    expect(() => trainer.step(x, [0, 1])).toThrow(/3 labels/);
    await expect(trainer.train({ data: { sample: corners.sample }, steps: 1 })).rejects.toThrow(/train\.data.*labelled dataset/);
    await expect(trainer.train({ data: () => ({ x: tf.zeros([2, 2]), labels: [0, 9] }), steps: 1 })).rejects.toThrow(/train\.data\.labels\[1\]/);
    expect(trainer.completedSteps).toBe(0);
    tf.dispose(x);
  });

  it('leaves no tensors behind per labelled step', async () => {
    const trainer = makeTrainer(conditionalMlp(1));
    await trainer.train({ data: corners, steps: 2 });
    const before = tf.memory().numTensors;
    await trainer.train({ data: corners, steps: 3 });
    await trainer.train({ data: () => ({ x: tf.zeros([8, 2]), labels: tf.tensor1d([0, 1, 2, 3, 0, 1, 2, 3], 'int32') }), steps: 2 });
    expect(tf.memory().numTensors).toBe(before);
  });
});
