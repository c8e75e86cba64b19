import { DiffusionError } from '@diffusion/core';
import { createEpsParameterisation, createVParameterisation } from '@diffusion/parameterisations';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeCheckpointFile, encodeCheckpointFile } from './checkpoint-format';
import { nodeCheckpointFileSystem, writeFileAtomic, type CheckpointFileSystem } from './checkpoint-file';
import { createSmallMlp, gaussianMixtureDataset } from './test-doubles';
import { createLinearSchedule } from '@diffusion/schedules';
import { createTrainer, type Trainer } from './trainer';
import type { TrainerOptions } from './trainer-options';

const directory = mkdtempSync(join(tmpdir(), 'training-checkpoint-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function makeTrainer(overrides: Partial<TrainerOptions> = {}, hiddenWidth = 8): Trainer {
  return createTrainer({
    backbone: createSmallMlp({ hiddenWidth, seed: 4 }),
    schedule: createLinearSchedule({ numTrainTimesteps: 100 }),
    parameterisation: createEpsParameterisation(),
    batchSize: 8,
    seed: 3,
    ...overrides,
  });
}

function expectCheckpointError(action: () => unknown, field: string | RegExp): void {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(DiffusionError);
    expect((error as DiffusionError).code).toBe('checkpoint');
    expect((error as DiffusionError).field).toMatch(field);
    return;
  }
  throw new Error('expected a DiffusionError');
}

describe('checkpoints', () => {
  it('survive a failure mid-write: the previous file still loads and no temporary file is left', async () => {
    const trainer = makeTrainer();
    await trainer.train({ data: gaussianMixtureDataset, steps: 3 });
    const path = join(directory, 'atomic.safetensors');
    await trainer.saveCheckpoint(path);
    const good = readFileSync(path);
    await trainer.train({ data: gaussianMixtureDataset, steps: 2 });

    // A disk that fails half-way through the write.
    const failing: CheckpointFileSystem = {
      ...nodeCheckpointFileSystem,
      async writeFileSynced(target, bytes) {
        await nodeCheckpointFileSystem.writeFileSynced(target, bytes.subarray(0, bytes.length >> 1));
        throw new Error('ENOSPC: no space left on device');
      },
    };
    const failure = await writeFileAtomic(path, trainer.serializeCheckpoint(), failing).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DiffusionError);
    expect((failure as DiffusionError).code).toBe('io');
    expect((failure as DiffusionError).message).toContain('ENOSPC');
    expect(readFileSync(path).equals(good)).toBe(true);
    expect(readdirSync(directory).filter((name) => name.includes('.tmp'))).toEqual([]);

    // A crash between write and rename leaves a stray temporary file but the same good checkpoint.
    const crashing: CheckpointFileSystem = { ...nodeCheckpointFileSystem, rename: () => Promise.reject(new Error('killed')), remove: () => Promise.resolve() };
    await expect(writeFileAtomic(path, trainer.serializeCheckpoint(), crashing)).rejects.toThrow('killed');
    const fresh = makeTrainer();
    await fresh.loadCheckpoint(path);
    expect(fresh.completedSteps).toBe(3);
  });

  it('round-trips through bytes: a restored trainer serialises to the same bytes', async () => {
    const trainer = makeTrainer({ optimizer: { weightDecay: 0.01 }, ema: { decay: 0.9, warmup: 'power' } });
    await trainer.train({ data: gaussianMixtureDataset, steps: 4 });
    const bytes = trainer.serializeCheckpoint();
    const fresh = makeTrainer({ optimizer: { weightDecay: 0.01 }, ema: { decay: 0.9, warmup: 'power' } });
    expect(Buffer.from(fresh.serializeCheckpoint()).equals(Buffer.from(bytes))).toBe(false);
    fresh.restoreCheckpoint(bytes);
    expect(Buffer.from(fresh.serializeCheckpoint()).equals(Buffer.from(bytes))).toBe(true);
    // The tensors sit in a standard safetensors file: weights, EMA and both Adam moments.
    const { tensors, metadata } = decodeCheckpointFile(bytes);
    expect([...tensors.keys()].filter((name) => name.endsWith('layers.0.weight')).sort()).toEqual(['adam/m/layers.0.weight', 'adam/v/layers.0.weight', 'ema/layers.0.weight', 'weights/layers.0.weight']);
    expect(JSON.parse(metadata.trainer!).step).toBe(4);
  });

  it('rejects truncated and corrupted files with a checkpoint error', async () => {
    const trainer = makeTrainer();
    await trainer.train({ data: gaussianMixtureDataset, steps: 2 });
    const bytes = trainer.serializeCheckpoint();
    const fresh = makeTrainer();
    for (const length of [0, 5, 8, 100, bytes.length >> 1, bytes.length - 1]) {
      expectCheckpointError(() => fresh.restoreCheckpoint(bytes.slice(0, length)), /^checkpoint/);
    }
    const flipped = bytes.slice();
    flipped[bytes.length - 10] = flipped[bytes.length - 10]! ^ 0x40;
    expectCheckpointError(() => fresh.restoreCheckpoint(flipped), /^checkpoint/);
    expect(fresh.completedSteps).toBe(0);
    const path = join(directory, 'truncated.safetensors');
    writeFileSync(path, bytes.slice(0, 200));
    await expect(fresh.loadCheckpoint(path)).rejects.toMatchObject({ code: 'checkpoint' });
    await expect(fresh.loadCheckpoint(join(directory, 'missing.safetensors'))).rejects.toMatchObject({ code: 'io', field: 'loadCheckpoint.path' });
    expect(existsSync(join(directory, 'missing.safetensors'))).toBe(false);
  });

  it('names what does not fit: tensor shapes, parameterisation, hyper-parameters', () => {
    const bytes = makeTrainer().serializeCheckpoint();
    expectCheckpointError(() => makeTrainer({}, 16).restoreCheckpoint(bytes), 'checkpoint.config.backbone.config.hiddenWidths.0');
    expectCheckpointError(() => makeTrainer({ parameterisation: createVParameterisation() }).restoreCheckpoint(bytes), 'checkpoint.config.parameterisation.name');
    expectCheckpointError(() => makeTrainer({ optimizer: { learningRate: 0.5 } }).restoreCheckpoint(bytes), 'checkpoint.config.trainer.optimizer.learningRate');
    expectCheckpointError(() => makeTrainer({ seed: 4 }).restoreCheckpoint(bytes), 'checkpoint.config.trainer.seed');
    const { tensors, metadata } = decodeCheckpointFile(bytes);
    const extra = new Map(tensors).set('weights/extra/bias', { shape: [2], values: new Float32Array(2) });
    expectCheckpointError(() => makeTrainer().restoreCheckpoint(encodeCheckpointFile({ tensors: extra, metadata })), 'checkpoint.weights/extra/bias');
    const reshaped = new Map(tensors).set('weights/layers.0.weight', { shape: [1, tensors.get('weights/layers.0.weight')!.values.length], values: tensors.get('weights/layers.0.weight')!.values });
    expectCheckpointError(() => makeTrainer().restoreCheckpoint(encodeCheckpointFile({ tensors: reshaped, metadata })), 'checkpoint.weights/layers.0.weight');
    const missing = new Map(tensors);
    missing.delete('adam/v/output.bias');
    expectCheckpointError(() => makeTrainer().restoreCheckpoint(encodeCheckpointFile({ tensors: missing, metadata })), 'checkpoint.adam/v/output.bias');
  });
});
