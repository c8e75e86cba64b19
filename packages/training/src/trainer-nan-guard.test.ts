import { DiffusionError } from '@diffusion/core';
import { createEpsParameterisation } from '@diffusion/parameterisations';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSmallMlp, gaussianMixtureDataset } from './test-doubles';
import { createLinearSchedule } from '@diffusion/schedules';
import { createTrainer } from './trainer';

const directory = mkdtempSync(join(tmpdir(), 'training-nan-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function makeTrainer(nanFromCall: number | undefined, path: string) {
  const backbone = createSmallMlp({ hiddenWidth: 8, seed: 5, ...(nanFromCall === undefined ? {} : { nanFromCall }) });
  const trainer = createTrainer({
    backbone,
    schedule: createLinearSchedule({ numTrainTimesteps: 100 }),
    parameterisation: createEpsParameterisation(),
    batchSize: 6,
    seed: 9,
    checkpoint: { path, everySteps: 2 },
  });
  return { backbone, trainer };
}

describe('NaN guard', () => {
  it('stops at the first non-finite loss with the step, times and terms, and keeps the last good checkpoint', async () => {
    const path = join(directory, 'run.safetensors');
    // The backbone returns NaN from its 6th call on, i.e. in step 6.
    const { backbone, trainer } = makeTrainer(6, path);
    await trainer.train({ data: gaussianMixtureDataset, steps: 4 });
    const goodBytes = readFileSync(path);
    const weightsBefore = [...backbone.variables().values()].map((value) => [...value.dataSync()]);

    const failure = await trainer.train({ data: gaussianMixtureDataset, steps: 10 }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DiffusionError);
    const error = failure as DiffusionError;
    expect(error.code).toBe('non-finite');
    expect(error.field).toBe('loss');
    const value = error.value as { step: number; times: number[]; losses: number[] };
    expect(value.step).toBe(6);
    expect(value.times).toHaveLength(6);
    expect(value.times.every((t) => t > 0 && t <= 1 && Number.isInteger(Math.round(t * 100)))).toBe(true);
    expect(value.losses).toHaveLength(6);
    expect(value.losses.every(Number.isNaN)).toBe(true);
    expect(error.message).toContain('step 6');
    // Step 5 ran (not a checkpoint step); step 6 changed nothing; the file still holds step 4.
    expect(trainer.completedSteps).toBe(5);
    expect(readFileSync(path).equals(goodBytes)).toBe(true);
    const weightsAfter = [...backbone.variables().values()].map((value) => [...value.dataSync()]);
    expect(weightsAfter.flat().every(Number.isFinite)).toBe(true);
    expect(weightsAfter).not.toEqual(weightsBefore);

    const fresh = makeTrainer(undefined, join(directory, 'other.safetensors'));
    await fresh.trainer.loadCheckpoint(path);
    expect(fresh.trainer.completedSteps).toBe(4);
    expect([...fresh.backbone.variables().values()].map((variable) => [...variable.dataSync()])).toEqual(weightsBefore);
  });
});
