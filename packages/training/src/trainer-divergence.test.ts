import { DiffusionError } from '@diffusion/core';
import { createEpsParameterisation } from '@diffusion/parameterisations';
import { createLinearSchedule } from '@diffusion/schedules';
import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeCheckpointFile } from './checkpoint-format';
import { createSmallMlp, gaussianMixtureDataset, type SmallMlpOptions } from './test-doubles';
import { createTrainer } from './trainer';
import type { TrainerOptions } from './trainer-options';

const directory = mkdtempSync(join(tmpdir(), 'training-divergence-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function makeTrainer(overrides: Partial<TrainerOptions> = {}, mlp: Partial<SmallMlpOptions> = {}) {
  const backbone = createSmallMlp({ hiddenWidth: 8, seed: 5, ...mlp });
  const trainer = createTrainer({ backbone, schedule: createLinearSchedule({ numTrainTimesteps: 100 }), parameterisation: createEpsParameterisation(), batchSize: 6, seed: 9, ...overrides });
  return { backbone, trainer };
}

async function rejection(promise: Promise<unknown>): Promise<DiffusionError> {
  const error = await promise.then(() => undefined, (failure: unknown) => failure);
  expect(error).toBeInstanceOf(DiffusionError);
  return error as DiffusionError;
}

describe('divergence (issue #19)', () => {
  it('refuses an absurd learning rate, and a weight decay that flips the weights, by name', () => {
    for (const learningRate of [1e40, 1e6, 1.5]) {
      expect(() => makeTrainer({ optimizer: { learningRate } })).toThrow(DiffusionError);
      try {
        makeTrainer({ optimizer: { learningRate } });
      } catch (error) {
        expect((error as DiffusionError).field).toBe('createTrainer.optimizer.learningRate');
        expect((error as DiffusionError).message).toMatch(/\(0, 1\]/);
      }
    }
    expect(makeTrainer({ optimizer: { learningRate: 1 } }).trainer.options.optimizer.learningRate).toBe(1);
    expect(() => makeTrainer({ optimizer: { learningRate: 0.1, weightDecay: 20 } })).toThrow(/createTrainer\.optimizer\.weightDecay/);
  });

  it('stops at the step whose update would overflow the Adam moments, before any save, and keeps the last good checkpoint', async () => {
    const path = join(directory, 'exploding.safetensors');
    // From step 7 on the network's output is 1e18 times larger. With tfjs's float32 ops (these tests)
    // the gradient norm's sum of squares overflows and the non-finite guard stops the step; with the
    // float64 norm of @diffusion/kernels-wasm the norm stays finite and the 2^64 guard does (tested in
    // kernels-wasm's trainer-divergence-fused.test.ts, which failed before it: 242 of 242 Adam v infinite).
    const { trainer } = makeTrainer({ checkpoint: { path, everySteps: 2 } }, { scaleFromCall: { call: 7, factor: 1e18 } });
    await trainer.train({ data: gaussianMixtureDataset, steps: 6 });
    const good = readFileSync(path);
    const error = await rejection(trainer.train({ data: gaussianMixtureDataset, steps: 8 }));
    expect(error.code).toBe('non-finite');
    expect(error.message).toMatch(/step 7\b/);
    expect(trainer.completedSteps).toBe(6);
    expect(readFileSync(path).equals(good)).toBe(true);
    const { tensors } = decodeCheckpointFile(good);
    for (const entry of tensors.values()) expect(entry.values.every(Number.isFinite)).toBe(true);
    // The refused step changed no tensor (only the random streams moved on): the trainer still saves, the same tensors as the file.
    const now = decodeCheckpointFile(trainer.serializeCheckpoint()).tensors;
    for (const [name, entry] of tensors) expect(Buffer.from(now.get(name)!.values.buffer).equals(Buffer.from(entry.values.buffer))).toBe(true);
  });

  it('never writes a checkpoint holding NaN or Infinity, whatever put it there', async () => {
    const path = join(directory, 'poisoned.safetensors');
    const { backbone, trainer } = makeTrainer();
    await trainer.train({ data: gaussianMixtureDataset, steps: 3 });
    await trainer.saveCheckpoint(path);
    const good = readFileSync(path);
    const [name, weight] = [...backbone.variables()][0]!;
    weight.assign(tf.fill(weight.shape, Number.POSITIVE_INFINITY));
    const error = await rejection(trainer.saveCheckpoint(path));
    expect(error.code).toBe('non-finite');
    expect(error.field).toBe(`checkpoint.weights/${name}`);
    expect(error.message).toMatch(/after step 3\b/);
    expect(() => trainer.serializeCheckpoint()).toThrow(DiffusionError);
    expect(readFileSync(path).equals(good)).toBe(true);
    // Loading the last good checkpoint repairs the trainer.
    await trainer.loadCheckpoint(path);
    expect(Buffer.from(trainer.serializeCheckpoint()).equals(good)).toBe(true);
  });
});
