// What the checkpoint fuzz found (issue #19), each pinned by a case that does not depend on the
// fuzz's luck: well-formed files (valid checksums) that describe a state this trainer cannot be in.
import { createMlpBackbone } from '@diffusion/backbones';
import { DiffusionError, type RandomSource } from '@diffusion/core';
import { createEpsParameterisation } from '@diffusion/parameterisations';
import { createLinearSchedule } from '@diffusion/schedules';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeTrainerSnapshot, encodeTrainerSnapshot, type TrainerSnapshot } from './trainer-checkpoint';
import { createStatefulDensityTrainer, gaussianMixtureDataset } from './test-doubles';
import { createTrainer, type Trainer } from './trainer';

const makeTrainer = createStatefulDensityTrainer;

let saved: Uint8Array;
beforeAll(async () => {
  const trainer = makeTrainer();
  await trainer.train({ data: gaussianMixtureDataset, steps: 6, progressIntervalMs: 0 });
  saved = trainer.serializeCheckpoint();
  trainer.dispose();
});

/** The saved checkpoint with its JSON state changed, re-encoded with valid checksums. */
function altered(change: (state: Record<string, any>) => void, from: Uint8Array = saved): Uint8Array {
  const { tensors, ...state } = decodeTrainerSnapshot(from);
  const copy = JSON.parse(JSON.stringify(state)) as Record<string, any>;
  change(copy);
  return encodeTrainerSnapshot({ ...(copy as Omit<TrainerSnapshot, 'tensors'>), tensors });
}

/** Restoring `bytes` into a fresh trainer throws a checkpoint error on `field` and changes nothing. */
function expectRefused(bytes: Uint8Array, field: string | RegExp, make: () => Trainer = makeTrainer): void {
  const trainer = make();
  const before = trainer.serializeCheckpoint();
  let error: unknown;
  try {
    trainer.restoreCheckpoint(bytes);
  } catch (caught) {
    error = caught;
  }
  expect(error, 'the altered checkpoint was accepted').toBeInstanceOf(DiffusionError);
  expect((error as DiffusionError).code).toBe('checkpoint');
  expect((error as DiffusionError).field).toMatch(field);
  expect(Buffer.from(trainer.serializeCheckpoint()).equals(Buffer.from(before))).toBe(true);
  trainer.dispose();
}

describe('checkpoints that are well-formed but do not fit the trainer (found by the fuzz, issue #19)', () => {
  it('the unaltered file restores exactly (the cases below are not vacuous)', () => {
    const trainer = makeTrainer();
    trainer.restoreCheckpoint(altered(() => undefined));
    expect(Buffer.from(trainer.serializeCheckpoint()).equals(Buffer.from(saved))).toBe(true);
    trainer.dispose();
  });

  it('refuses a file without the state of a stateful time density (it would go on from its own state)', () => {
    expectRefused(altered((state) => (state.timeDensity = null)), 'checkpoint.trainer.timeDensity');
  });

  it('refuses [] where the config has {} (and the reverse)', () => {
    expectRefused(altered((state) => (state.config.parameterisation.options = [])), 'checkpoint.config.parameterisation.options');
    expectRefused(altered((state) => (state.config.backbone.config.hiddenWidths = { 0: 4, 1: 4 })), 'checkpoint.config.backbone.config.hiddenWidths');
  });

  it('refuses random streams that are not forks of the configured seed (only their counters may differ)', () => {
    for (const name of ['data', 'time', 'noise', 'condition']) {
      expectRefused(altered((state) => (state.random[name].seed += 1)), `checkpoint.trainer.random.${name}.seed`);
      // A changed stream id is refused as an invalid state or as another fork.
      expectRefused(altered((state) => (state.random[name].stream ^= 1)), new RegExp(`^checkpoint\\.trainer\\.random\\.${name}(\\.stream)?$`));
      expectRefused(altered((state) => (state.random[name].stream ^= 2)), new RegExp(`^checkpoint\\.trainer\\.random\\.${name}(\\.stream)?$`));
    }
  });

  it('refuses a class-conditional checkpoint without its "condition" stream; an unconditional one without it restores that stream at counter 0', async () => {
    // Three classes, labelled like @diffusion/data's datasets; label dropout (pUncond 0.5) draws from the condition stream.
    const labelled = {
      sample: (count: number, random: RandomSource) => tf.tensor2d(Float32Array.from(random.normals(2 * count)), [count, 2]),
      sampleLabelled: (count: number, random: RandomSource) => ({ x: tf.tensor2d(Float32Array.from(random.normals(2 * count)), [count, 2]), labels: tf.tensor1d(Int32Array.from(random.integers(count, 3)), 'int32') }),
    };
    const conditional = () => createTrainer({ backbone: createMlpBackbone({ dimension: 2, hiddenWidths: [4], embeddingDimension: 8, numClasses: 3, seed: 4 }), schedule: createLinearSchedule({ numTrainTimesteps: 20 }), parameterisation: createEpsParameterisation(), batchSize: 4, seed: 3, pUncond: 0.5 });
    const trained = conditional();
    await trained.train({ data: labelled, steps: 3, progressIntervalMs: 0 });
    const bytes = trained.serializeCheckpoint();
    trained.dispose();
    expect(decodeTrainerSnapshot(bytes).random.condition!.counter).toBeGreaterThan(0);
    expectRefused(altered((state) => delete state.random.condition, bytes), 'checkpoint.trainer.random.condition', conditional);
    // Unconditional: the stream is never drawn from, so the file without it is the same state.
    const trainer = makeTrainer();
    trainer.restoreCheckpoint(altered((state) => delete state.random.condition));
    expect(Buffer.from(trainer.serializeCheckpoint()).equals(Buffer.from(saved))).toBe(true);
    trainer.dispose();
  });

  it('refuses a time-density history holding a null or a string where a loss was (was read as 0 and 3)', () => {
    const index = (decodeTrainerSnapshot(saved).timeDensity as { history: number[][] }).history.findIndex((losses) => losses.length > 0);
    expectRefused(altered((state) => (state.timeDensity.history[index][0] = null)), /^checkpoint/);
    expectRefused(altered((state) => (state.timeDensity.history[index][0] = '3')), /^checkpoint/);
  });
});
