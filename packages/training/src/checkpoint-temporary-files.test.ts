import { createEpsParameterisation } from '@diffusion/parameterisations';
import { createLinearSchedule } from '@diffusion/schedules';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileAtomic } from './checkpoint-file';
import { createSmallMlp, gaussianMixtureDataset } from './test-doubles';
import { createTrainer, type Trainer } from './trainer';

const root = mkdtempSync(join(tmpdir(), 'training-temporary-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function makeTrainer(): Trainer {
  return createTrainer({
    backbone: createSmallMlp({ hiddenWidth: 4, seed: 4 }),
    schedule: createLinearSchedule({ numTrainTimesteps: 100 }),
    parameterisation: createEpsParameterisation(),
    batchSize: 4,
    seed: 3,
  });
}

/** The pid of a process that has exited (as a save killed mid-write leaves behind). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
  return Number(child.stdout.trim());
}

/** Lays out the temporary files two crashed saves of `name` left, plus files that must stay. */
function crashLeftovers(directory: string, name: string, full: Uint8Array): { stale: string[]; kept: string[] } {
  const dead = deadPid();
  const stale = [
    // One torn at 524,288 bytes, one written in full but never renamed (the two cases).
    `.${name}.${dead}.1764000000000.1.tmp`,
    `.${name}.${dead}.1764000000001.2.tmp`,
  ];
  writeFileSync(join(directory, stale[0]!), new Uint8Array(524_288));
  writeFileSync(join(directory, stale[1]!), full);
  const kept = [
    // Another checkpoint's leftover, a live process's write in progress (our parent), and a user's file.
    `.other-${name}.${dead}.1764000000000.1.tmp`,
    `.${name}.${process.ppid}.1764000000002.3.tmp`,
    `${name}.notes.tmp`,
  ];
  for (const file of kept) writeFileSync(join(directory, file), 'x');
  return { stale, kept };
}

describe('temporary files of a crashed save (issue #19)', () => {
  it('are removed by the next save of the same checkpoint; other files stay', async () => {
    const directory = mkdtempSync(join(root, 'save-'));
    const trainer = makeTrainer();
    await trainer.train({ data: gaussianMixtureDataset, steps: 2 });
    const { stale, kept } = crashLeftovers(directory, 'run.safetensors', trainer.serializeCheckpoint());
    await trainer.saveCheckpoint(join(directory, 'run.safetensors'));
    expect(readdirSync(directory).sort()).toEqual(['run.safetensors', ...kept].sort());
    for (const file of stale) expect(existsSync(join(directory, file))).toBe(false);
  });

  it('are removed by the next load of the same checkpoint', async () => {
    const directory = mkdtempSync(join(root, 'load-'));
    const trainer = makeTrainer();
    await trainer.train({ data: gaussianMixtureDataset, steps: 2 });
    await trainer.saveCheckpoint(join(directory, 'run.safetensors'));
    const { kept } = crashLeftovers(directory, 'run.safetensors', trainer.serializeCheckpoint());
    const fresh = makeTrainer();
    await fresh.loadCheckpoint(join(directory, 'run.safetensors'));
    expect(fresh.completedSteps).toBe(2);
    expect(readdirSync(directory).sort()).toEqual(['run.safetensors', ...kept].sort());
  });

  it('leave a save in flight in this process alone: concurrent saves of one checkpoint all succeed', async () => {
    const directory = mkdtempSync(join(root, 'concurrent-'));
    const path = join(directory, 'run.safetensors');
    const trainer = makeTrainer();
    const bytes = trainer.serializeCheckpoint();
    await Promise.all(Array.from({ length: 8 }, () => writeFileAtomic(path, bytes)));
    expect(readdirSync(directory)).toEqual(['run.safetensors']);
  });
});
