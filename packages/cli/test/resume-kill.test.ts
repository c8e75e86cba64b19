import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeCheckpointFile } from '@diffusion/training';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, startBin, temporaryFolder, tinyPointFlags, writePointsCsv } from './cli-test-helpers';

const steps = 150;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until a file exists (the child has validated everything and started its run). */
async function waitFor(path: string, child: { exitCode: number | null }): Promise<void> {
  while (!existsSync(path) && child.exitCode === null) await sleep(10);
}

/** The newest checkpoint step on disk (0 for none). */
function newestStep(run: string): number {
  if (!existsSync(join(run, 'checkpoints'))) return 0;
  return Math.max(0, ...readdirSync(join(run, 'checkpoints')).filter((name) => /^step-\d+\.safetensors$/.test(name)).map((name) => Number(name.slice(5, 13))));
}

/** Every checkpoint on disk decodes with a good CRC: none is half-written. */
function checkpointsIntact(run: string): number[] {
  const names = readdirSync(join(run, 'checkpoints')).filter((name) => /^step-\d+\.safetensors$/.test(name));
  for (const name of names) decodeCheckpointFile(new Uint8Array(readFileSync(join(run, 'checkpoints', name))));
  return names.map((name) => Number(name.slice(5, 13)));
}

/** The end state of a run: final weights, newest checkpoint (weights, EMA, Adam moments, streams) and the loss curve. */
function endState(run: string): { model: Buffer; checkpoint: Buffer; losses: string } {
  return { model: readFileSync(join(run, 'model.safetensors')), checkpoint: readFileSync(join(run, 'checkpoints', `step-${String(steps).padStart(8, '0')}.safetensors`)), losses: readFileSync(join(run, 'loss.csv'), 'utf8') };
}

function expectSameEnd(run: string, reference: string): void {
  const got = endState(run);
  const expected = endState(reference);
  expect(got.losses).toBe(expected.losses);
  expect(got.checkpoint.equals(expected.checkpoint)).toBe(true);
  expect(got.model.equals(expected.model)).toBe(true);
}

// Unconditional, and class-conditional with label dropout (its own random stream in the checkpoint).
describe.each([
  { kind: 'unconditional', labels: [] as string[] },
  { kind: 'class-conditional (CSV labels, label dropout 0.3)', labels: ['--label-column', 'kind', '--p-uncond', '0.3'] },
])('diffusion train --resume after kill -9 and Ctrl-C: $kind', ({ labels }) => {
  const folder = temporaryFolder('resume');
  let data = '';
  const trainArgs = (out: string): string[] => ['train', '--data', data, '--columns', 'x,y', ...labels, '--out', out, '--steps', String(steps), '--checkpoint-every', '5', '--keep-checkpoints', '2', ...tinyPointFlags];
  const reference = join(folder, 'reference');
  beforeAll(async () => {
    ensureBuilt();
    data = writePointsCsv(folder, 'points.csv', 300);
    const { exited } = startBin(trainArgs(reference));
    const result = await exited;
    expect(result.code).toBe(0);
    if (labels.length > 0) expect(JSON.parse(readFileSync(join(reference, 'run.json'), 'utf8')).settings.pUncond).toBe(0.3);
  });

  it('a run killed with SIGKILL at three random moments and resumed ends bit-equal to the unstopped run', async () => {
    const run = join(folder, 'killed');
    const landed: string[] = [];
    let args = trainArgs(run);
    for (let kill = 0; kill < 3; kill += 1) {
      const before = newestStep(run);
      const { child, exited } = startBin(args);
      // Once this process trains (a new checkpoint), anywhere in the next 0.8 s: a step or a checkpoint write.
      while (newestStep(run) <= before && child.exitCode === null) await sleep(5);
      await sleep(Math.random() * 800);
      child.kill('SIGKILL');
      const result = await exited;
      const intact = checkpointsIntact(run);
      const lossRows = readFileSync(join(run, 'loss.csv'), 'utf8').trim().split('\n').length - 1;
      landed.push(result.signal === 'SIGKILL' ? `kill ${kill + 1} after checkpoint ${Math.max(0, ...intact)} (loss.csv ${lossRows} rows)` : `kill ${kill + 1}: the process had already exited (${result.code})`);
      args = ['train', '--resume', run, '--quiet'];
    }
    const { exited } = startBin(args);
    const finished = await exited;
    expect(finished.code).toBe(0);
    console.log(`resume test: ${landed.join('; ')}`);
    expectSameEnd(run, reference);
  });

  it('Ctrl-C writes a checkpoint at the current step and exits 130; the resume ends bit-equal', async () => {
    const run = join(folder, 'interrupted');
    const { child, exited } = startBin(trainArgs(run));
    await waitFor(join(run, 'checkpoints', 'step-00000005.safetensors'), child);
    await sleep(Math.random() * 300);
    child.kill('SIGINT');
    const result = await exited;
    expect(result.code).toBe(130);
    const step = Number(/interrupted at step (\d+) of 150; checkpoint written/.exec(result.stderr)?.[1]);
    expect(step).toBeGreaterThan(4);
    expect(checkpointsIntact(run)).toContain(step);
    expect(readFileSync(join(run, 'loss.csv'), 'utf8').trim().split('\n')).toHaveLength(step + 1);
    const resumed = await startBin(['train', '--resume', run, '--quiet']).exited;
    expect(resumed.stderr).toContain(`resuming ${run} from step ${step}`);
    expect(resumed.code).toBe(0);
    expectSameEnd(run, reference);
  });
});
