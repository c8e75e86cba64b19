import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { runInProcess, temporaryFolder, tinyPointFlags, writeImageFolder, writePointsCsv } from './cli-test-helpers';

const folder = temporaryFolder('bad-input');
const write = (name: string, text: string): string => {
  const path = join(folder, name);
  writeFileSync(path, text);
  return path;
};
const train = (data: string, ...extra: string[]) => runInProcess(['train', '--data', data, '--out', join(folder, `out-${Math.random().toString(36).slice(2)}`), '--steps', '4', ...tinyPointFlags, ...extra]);
const labelled = ['--label-column', 'kind'];

describe('diffusion: bad input gets a clear error naming the file, line or field, and exit code 2', () => {
  it('a missing file', async () => {
    const result = await train(join(folder, 'nope.csv'));
    expect(result.code).toBe(2);
    expect(result.log).toContain(`--data: ${join(folder, 'nope.csv')}: no such file or folder`);
  });

  it('an empty dataset', async () => {
    const result = await train(write('empty.csv', 'x,y\n'));
    expect(result.code).toBe(2);
    expect(result.log).toContain(`${join(folder, 'empty.csv')}: the file holds a header (line 1) but no data rows (an empty dataset)`);
    const images = join(folder, 'no-images');
    mkdirSync(images);
    expect((await train(images)).log).toContain('holds no .png/.jpg/.jpeg images (an empty dataset)');
  });

  it('a non-numeric cell, with its row and column', async () => {
    const result = await train(write('text.csv', 'x,y\n1,2\n3,4\n5,five\n'));
    expect(result.code).toBe(2);
    expect(result.log).toContain(`${join(folder, 'text.csv')}, line 4, column 2 ("y"): "five" is not a finite number`);
  });

  it('rows of different lengths', async () => {
    const result = await train(write('ragged.csv', 'x,y\n1,2\n3,4,5\n'));
    expect(result.code).toBe(2);
    expect(result.log).toContain(`${join(folder, 'ragged.csv')}, line 3: the row has 3 cells but the header (line 1) has 2`);
  });

  it('an image of another size without --size, and an undecodable image', async () => {
    const images = writeImageFolder(join(folder, 'sizes'), 2);
    const odd = new PNG({ width: 9, height: 8 });
    odd.data.fill(255);
    writeFileSync(join(images, 'top', 'odd.png'), PNG.sync.write(odd));
    const sized = await train(images);
    expect(sized.code).toBe(2);
    expect(sized.log).toContain(`${join(images, 'top', 'odd.png')}: the image is 9x8 but bottom/0.png is 8x8; give --size`);
    const broken = writeImageFolder(join(folder, 'broken'), 2);
    writeFileSync(join(broken, 'top', 'zz.png'), 'this is not a PNG');
    const undecodable = await train(broken);
    expect(undecodable.code).toBe(2);
    expect(undecodable.log).toContain(`${join(broken, 'top', 'zz.png')}: cannot decode the image`);
  });

  it('bad flags and settings name the field', async () => {
    const data = writePointsCsv(folder, 'good.csv', 40);
    expect((await train(data, ...labelled, '--steps', '2.5')).code).toBe(2);
    expect((await train(data, ...labelled, '--stepz', '3')).code).toBe(2);
    const schedule = await train(data, ...labelled, '--schedule', 'quadratic');
    expect(schedule.code).toBe(2);
    expect(schedule.log).toContain('schedule: unknown name "quadratic"; known: linear');
    const options = await train(data, ...labelled, '--backbone', 'mlp{"hiddenWidths":[0]}');
    expect(options.code).toBe(2);
    expect(options.log).toMatch(/hiddenWidths/);
    const config = write('config.json', JSON.stringify({ data, labelColumn: 'kind', learningRate: -1 }));
    const invalid = await runInProcess(['train', '--config', config, '--out', join(folder, 'cfg-run')]);
    expect(invalid.code).toBe(2);
    expect(invalid.log).toContain('learningRate:');
    const column = await train(data, '--columns', 'x,z');
    expect(column.log).toContain('--columns "z" is not a column; the header names "x", "y", "kind"');
  });
});

describe('diffusion train --resume: refuses what is not the same run', () => {
  const run = join(folder, 'run');
  beforeAll(async () => {
    const data = writePointsCsv(folder, 'resume.csv', 60);
    const result = await runInProcess(['train', '--data', data, '--out', run, '--steps', '12', '--checkpoint-every', '4', '--columns', 'x,y', ...tinyPointFlags]);
    expect(result.code).toBe(0);
  });

  it('a folder that is not a run', async () => {
    const result = await runInProcess(['train', '--resume', folder]);
    expect(result.code).toBe(2);
    expect(result.log).toContain(`--resume: ${folder} is not a run folder (it has no run.json)`);
    expect((await runInProcess(['train', '--resume', join(folder, 'missing')])).log).toContain('no such folder');
  });

  it('a run whose config was edited, naming the field', async () => {
    const copy = join(folder, 'edited');
    mkdirSync(join(copy, 'checkpoints'), { recursive: true });
    for (const name of readdirSync(join(run, 'checkpoints'))) writeFileSync(join(copy, 'checkpoints', name), readFileSync(join(run, 'checkpoints', name)));
    writeFileSync(join(copy, 'loss.csv'), readFileSync(join(run, 'loss.csv')));
    const record = JSON.parse(readFileSync(join(run, 'run.json'), 'utf8'));
    record.settings.learningRate = 0.5;
    writeFileSync(join(copy, 'run.json'), JSON.stringify(record));
    const result = await runInProcess(['train', '--resume', copy]);
    expect(result.code).toBe(2);
    expect(result.log).toContain('was edited after the run started: settings.learningRate is 0.5 but the run started with 0.002');
    record.settings.learningRate = 'fast';
    writeFileSync(join(copy, 'run.json'), JSON.stringify(record));
    expect((await runInProcess(['train', '--resume', copy])).log).toContain('settings.learningRate: Invalid input: expected number');
  });

  it('a checkpoint whose CRC fails: named, and set aside only with --from-checkpoint', async () => {
    // The run finished: drop the final model so it resumes from the newest checkpoint (step 12).
    const copy = join(folder, 'damaged');
    mkdirSync(join(copy, 'checkpoints'), { recursive: true });
    for (const name of ['run.json', 'loss.csv']) writeFileSync(join(copy, name), readFileSync(join(run, name)));
    for (const name of readdirSync(join(run, 'checkpoints'))) writeFileSync(join(copy, 'checkpoints', name), readFileSync(join(run, 'checkpoints', name)));
    const newest = join(copy, 'checkpoints', 'step-00000012.safetensors');
    const bytes = readFileSync(newest);
    bytes[bytes.length - 5]! ^= 0x10; // one bit in the tensor data
    writeFileSync(newest, bytes);
    const refused = await runInProcess(['train', '--resume', copy, '--quiet']);
    expect(refused.code).toBe(2);
    expect(refused.log).toContain(`--resume: checkpoint ${newest} is damaged: `);
    expect(refused.log).toMatch(/checksum does not match/);
    expect(refused.log).toContain('Pass --from-checkpoint to set it aside and resume from the previous one (step 8)');
    const resumed = await runInProcess(['train', '--resume', copy, '--from-checkpoint', '--quiet']);
    expect(resumed.code).toBe(0);
    expect(resumed.log).toContain(`set aside as ${newest}.damaged`);
    expect(resumed.log).toContain('resuming');
    expect(resumed.log).toContain('from step 8');
    // Retrained from step 8, the run ends with the same weights as the undamaged one.
    expect(readFileSync(join(copy, 'model.safetensors')).equals(readFileSync(join(run, 'model.safetensors')))).toBe(true);
  });

  it('flags that would change the run', async () => {
    const result = await runInProcess(['train', '--resume', run, '--steps', '20']);
    expect(result.code).toBe(2);
    expect(result.log).toContain("--resume takes every setting from the run's run.json; drop --steps");
  });
});
