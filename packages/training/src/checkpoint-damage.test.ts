import { DiffusionError } from '@diffusion/core';
import { createMlpBackbone } from '@diffusion/backbones';
import { encodeSafetensors } from '@diffusion/safetensors';
import { createEpsParameterisation } from '@diffusion/parameterisations';
import { createLinearSchedule } from '@diffusion/schedules';
import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeCheckpointFile } from './checkpoint-format';
import { decodeTrainerSnapshot, encodeTrainerSnapshot, type TrainerSnapshot } from './trainer-checkpoint';
import { createSmallMlp, gaussianMixtureDataset } from './test-doubles';
import { createTrainer, type Trainer } from './trainer';

const directory = mkdtempSync(join(tmpdir(), 'training-damage-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function makeTrainer(): Trainer {
  return createTrainer({
    backbone: createSmallMlp({ hiddenWidth: 4, seed: 4 }),
    schedule: createLinearSchedule({ numTrainTimesteps: 100 }),
    parameterisation: createEpsParameterisation(),
    batchSize: 4,
    seed: 3,
  });
}

function caught(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}

function expectCheckpointError(error: unknown, field: string | RegExp, message?: RegExp): void {
  expect(error).toBeInstanceOf(DiffusionError);
  expect((error as DiffusionError).code).toBe('checkpoint');
  expect((error as DiffusionError).field).toMatch(field);
  if (message !== undefined) expect((error as DiffusionError).message).toMatch(message);
}

/** A well-formed file (valid checksums) whose contents are the snapshot with `change` applied. */
function altered(bytes: Uint8Array, change: (snapshot: TrainerSnapshot) => TrainerSnapshot): Uint8Array {
  return encodeTrainerSnapshot(change(decodeTrainerSnapshot(bytes)));
}

let saved: Uint8Array;
beforeAll(async () => {
  const trainer = makeTrainer();
  await trainer.train({ data: gaussianMixtureDataset, steps: 50, progressIntervalMs: 0 });
  saved = trainer.serializeCheckpoint();
  trainer.dispose();
});

describe('checkpoint damage (issue #19)', () => {
  it('rejects every single-bit flip of the header: none restores, to any state', () => {
    const headerEnd = 8 + new DataView(saved.buffer, saved.byteOffset).getUint32(0, true);
    const fresh = makeTrainer();
    let restored = 0;
    let flips = 0;
    const unnamed: unknown[] = [];
    for (let position = 0; position < headerEnd; position += 1) {
      for (let bit = 0; bit < 8; bit += 1) {
        const flipped = saved.slice();
        flipped[position] = flipped[position]! ^ (1 << bit);
        flips += 1;
        const error = caught(() => fresh.restoreCheckpoint(flipped));
        if (error === undefined) restored += 1;
        else if (!(error instanceof DiffusionError) || error.code !== 'checkpoint') unnamed.push(error);
      }
    }
    expect(flips).toBeGreaterThan(10_000);
    expect(unnamed).toEqual([]);
    expect({ restored, flips }).toEqual({ restored: 0, flips });
    expect(fresh.completedSteps).toBe(0);
  });

  it('rejects a checkpoint file that carries no checksum at all', () => {
    const { tensors, metadata } = decodeCheckpointFile(saved);
    const { fileCrc32: _file, dataCrc32: _data, ...rest } = metadata as Record<string, string>;
    const unchecked = encodeSafetensors([...tensors].map(([name, { shape, values }]) => ({ name, shape, values })), rest);
    expectCheckpointError(caught(() => decodeCheckpointFile(unchecked)), 'checkpoint.fileCrc32', /no checksum/);
    expectCheckpointError(caught(() => makeTrainer().restoreCheckpoint(unchecked)), 'checkpoint.fileCrc32');
  });

  it('refuses a restored step that is negative, fractional or not a number, by name', () => {
    for (const step of [-5, 2.5, Number.NaN, 2 ** 60]) {
      const fresh = makeTrainer();
      const error = caught(() => fresh.restoreCheckpoint(altered(saved, (snapshot) => ({ ...snapshot, step }))));
      expectCheckpointError(error, 'checkpoint.trainer.step', /step/);
      expect(fresh.completedSteps).toBe(0);
    }
  });

  it('refuses a checkpoint whose weights, EMA or Adam moments hold NaN or Infinity, naming the tensor', () => {
    const poison = (prefix: string, value: number) => (snapshot: TrainerSnapshot): TrainerSnapshot => ({
      ...snapshot,
      tensors: new Map([...snapshot.tensors].map(([name, entry]) => [name, name.startsWith(prefix) ? { shape: entry.shape, values: entry.values.map(() => value) } : entry])),
    });
    const fresh = makeTrainer();
    const weightsBefore = [...fresh.emaWeights().values()].map((weight) => [...weight.dataSync()]);
    expectCheckpointError(caught(() => fresh.restoreCheckpoint(altered(saved, poison('weights/', Number.NaN)))), /^checkpoint\.weights\//, /NaN/);
    expectCheckpointError(caught(() => fresh.restoreCheckpoint(altered(saved, poison('ema/', Number.POSITIVE_INFINITY)))), /^checkpoint\.ema\//);
    expectCheckpointError(caught(() => fresh.restoreCheckpoint(altered(saved, poison('adam/m/', Number.NaN)))), /^checkpoint\.adam\/m\//);
    // Adam's second moment is an average of squares: a negative one is damage too (its square root is NaN).
    expectCheckpointError(caught(() => fresh.restoreCheckpoint(altered(saved, poison('adam/v/', -1)))), /^checkpoint\.adam\/v\//, /negative/);
    expect(fresh.completedSteps).toBe(0);
    expect([...fresh.emaWeights().values()].map((weight) => [...weight.dataSync()])).toEqual(weightsBefore);
  });

  it('refuses a checkpoint of a backbone built differently where the shapes do not show it (time scale, residual), not one of another initialisation seed', () => {
    const mlp = (overrides: Record<string, unknown>) => createTrainer({
      backbone: createMlpBackbone({ dimension: 2, hiddenWidths: [4, 4], embeddingDimension: 16, seed: 4, ...overrides }),
      schedule: createLinearSchedule({ numTrainTimesteps: 100 }),
      parameterisation: createEpsParameterisation(),
      batchSize: 4,
      seed: 3,
    });
    const bytes = mlp({}).serializeCheckpoint();
    expectCheckpointError(caught(() => mlp({ timeScale: 1 }).restoreCheckpoint(bytes)), 'checkpoint.config.backbone.config.timeScale');
    expectCheckpointError(caught(() => mlp({ residual: true }).restoreCheckpoint(bytes)), 'checkpoint.config.backbone.config.residual');
    const other = mlp({ seed: 9 });
    other.restoreCheckpoint(bytes);
    expect(Buffer.from(other.serializeCheckpoint()).equals(Buffer.from(bytes))).toBe(false);
    expect(decodeCheckpointFile(other.serializeCheckpoint()).tensors).toEqual(decodeCheckpointFile(bytes).tensors);
  });

  it('names the file, and the place in it, in every damage error of loadCheckpoint', async () => {
    const cases: Array<[string, Uint8Array, RegExp]> = [
      ['truncated.safetensors', saved.slice(0, saved.length - 7), /byte/],
      ['flipped.safetensors', (() => {
        const flipped = saved.slice();
        flipped[saved.length - 3] = flipped[saved.length - 3]! ^ 4;
        return flipped;
      })(), /checksum/],
      ['negative-step.safetensors', altered(saved, (snapshot) => ({ ...snapshot, step: -5 })), /step/],
      ['empty.safetensors', new Uint8Array(0), /0 bytes/],
    ];
    for (const [name, bytes, place] of cases) {
      const path = join(directory, name);
      writeFileSync(path, bytes);
      const error = await makeTrainer().loadCheckpoint(path).then(() => undefined, (failure: unknown) => failure);
      expect(error).toBeInstanceOf(DiffusionError);
      expect((error as DiffusionError).code).toBe('checkpoint');
      expect((error as DiffusionError).message).toContain(path);
      expect((error as DiffusionError).message).toMatch(place);
    }
  });

  it('names the step when a batch of the data holds NaN', async () => {
    const trainer = makeTrainer();
    const data = (step: number) => (step === 2 ? tf.fill([4, 2], Number.NaN) : tf.zeros([4, 2]));
    const error = await trainer.train({ data, steps: 5 }).then(() => undefined, (failure: unknown) => failure);
    expect(error).toBeInstanceOf(DiffusionError);
    expect((error as DiffusionError).code).toBe('non-finite');
    expect((error as DiffusionError).field).toBe('train.data');
    expect((error as DiffusionError).message).toMatch(/step 3\b/);
    expect(trainer.completedSteps).toBe(2);
  });
});
