import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiffusionError } from '@diffusion/core';
import { createEpsParameterisation } from '@diffusion/parameterisations';
import { createLaplaceSchedule, createLinearSchedule } from '@diffusion/schedules';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureFolder } from '../test/vectors';
import { writeFileAtomically } from './node-files';
import { loadDiffusersPipeline } from './pipeline/load-diffusers-pipeline';
import { saveDiffusersPipeline } from './pipeline/save-diffusers-pipeline';
import { loadUnet2DModel, saveUnet2DModel } from './unet2d-folder';

// Every bad input #13 lists, end to end through the folder readers and writers: each is a
// DiffusionError whose field names the file and the place in it, and nothing already on disk is
// half-overwritten. (The readers' finer cases: src/unet2d-config.test.ts, src/unet2d-weights.test.ts,
// @diffusion/safetensors' safetensors-format.test.ts.)

const scratch = mkdtempSync(join(tmpdir(), 'diffusers-bad-input-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const source = fixtureFolder('head-dim-null'); // a diffusers-made folder of 28 kB weights
const weightsName = 'diffusion_pytorch_model.safetensors';

let counter = 0;
/** A copy of the fixture folder (config, weights, scheduler) to damage. */
function copyOfFolder(): string {
  counter += 1;
  const folder = join(scratch, `folder-${counter}`);
  mkdirSync(join(folder, 'scheduler'), { recursive: true });
  for (const name of ['config.json', weightsName]) copyFileSync(join(source, name), join(folder, name));
  copyFileSync(join(source, 'scheduler', 'scheduler_config.json'), join(folder, 'scheduler', 'scheduler_config.json'));
  return folder;
}

async function refusal(promise: Promise<unknown>): Promise<DiffusionError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(DiffusionError);
  return error as DiffusionError;
}

interface Header { [name: string]: { dtype: string; shape: number[]; data_offsets: [number, number] } | Record<string, string> }

/** The safetensors file with its JSON header changed by `edit` (data section kept). */
function withHeader(bytes: Uint8Array, edit: (header: Header) => void): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = Number(view.getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length))) as Header;
  edit(header);
  const text = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + text.length + bytes.length - 8 - length);
  new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
  out.set(text, 8);
  out.set(bytes.subarray(8 + length), 8 + text.length);
  return out;
}

type Entry = { dtype: string; shape: number[]; data_offsets: [number, number] };
const tensorsOf = (header: Header): Array<[string, Entry]> =>
  (Object.entries(header).filter(([name]) => name !== '__metadata__') as Array<[string, Entry]>).sort((a, b) => a[1].data_offsets[0] - b[1].data_offsets[0]);

describe('bad input (#13): missing files', () => {
  it('names a missing config.json or safetensors file, for a model folder and a pipeline folder', async () => {
    const folder = copyOfFolder();
    rmSync(join(folder, weightsName));
    for (const load of [loadUnet2DModel, loadDiffusersPipeline]) {
      const error = await refusal(load(folder));
      expect(error.code).toBe('io');
      expect(error.field).toBe(`${folder}/${weightsName}`);
      expect(error.message).toMatch(/do(es)? not exist/);
    }
    rmSync(join(folder, 'config.json'));
    for (const load of [loadUnet2DModel, loadDiffusersPipeline]) expect((await refusal(load(folder))).field).toBe(`${folder}/config.json`);
    rmSync(join(folder, 'scheduler'), { recursive: true });
    expect((await refusal(loadDiffusersPipeline(folder))).field).toMatch(/scheduler_config\.json$/);
  });
});

describe('bad input (#13): what UNet2DModel cannot be', () => {
  const cases: Array<[string, Record<string, unknown>, string, RegExp]> = [
    ['a block type', { down_block_types: ['DownBlock2D', 'CrossAttnDownBlock2D'] }, 'down_block_types[1]', /got "CrossAttnDownBlock2D"; expected .*DownBlock2D.*AttnDownBlock2D/],
    ['an up block type', { up_block_types: ['AttnUpBlock2D', 'SkipUpBlock2D'] }, 'up_block_types[1]', /got "SkipUpBlock2D"/],
    ['a middle block', { mid_block_type: 'UNetMidBlock2DCrossAttn' }, 'mid_block_type', /got "UNetMidBlock2DCrossAttn"/],
    ['an activation', { act_fn: 'mish' }, 'act_fn', /got "mish"; expected .*silu/],
    ['a time embedding', { time_embedding_type: 'fourier' }, 'time_embedding_type', /got "fourier"/],
  ];
  for (const [what, change, key, message] of cases) {
    it(`refuses ${what}, naming the file and the key`, async () => {
      const folder = copyOfFolder();
      const config = JSON.parse(readFileSync(join(folder, 'config.json'), 'utf8')) as Record<string, unknown>;
      writeFileSync(join(folder, 'config.json'), JSON.stringify({ ...config, ...change }));
      for (const load of [loadUnet2DModel, loadDiffusersPipeline]) {
        const error = await refusal(load(folder));
        expect(error.field).toBe(`${folder}/config.json: ${key}`);
        expect(error.message).toMatch(message);
      }
    });
  }
});

describe('bad input (#13): truncated or corrupt safetensors', () => {
  const good = new Uint8Array(readFileSync(join(source, weightsName)));
  const cases: Array<[string, (bytes: Uint8Array) => Uint8Array, (file: string) => string, RegExp]> = [
    ['a header length past the end of the file', (bytes) => {
      const out = bytes.slice();
      new DataView(out.buffer).setBigUint64(0, BigInt(out.length), true);
      return out;
    }, (file) => `${file}: header length`, /runs past the end/],
    ['a file cut short (the last tensor runs out)', (bytes) => bytes.slice(0, bytes.length - 100), (file) => new RegExp(`^${file}: ".*"\\.data_offsets$`).source, /truncated|past the end|ends at byte/],
    ['offsets that overlap', (bytes) => withHeader(bytes, (header) => {
      const [first, second] = tensorsOf(header);
      const shift = second![1].data_offsets[0] - first![1].data_offsets[0];
      second![1].data_offsets = [second![1].data_offsets[0] - Math.min(4, shift), second![1].data_offsets[1] - Math.min(4, shift)];
    }), (file) => new RegExp(`^${file}: ".*"\\.data_offsets$`).source, /overlap/],
    ['offsets that run out of the data section', (bytes) => withHeader(bytes, (header) => {
      const entries = tensorsOf(header);
      const last = entries[entries.length - 1]![1];
      last.data_offsets = [last.data_offsets[0] + 8, last.data_offsets[1] + 8];
    }), (file) => new RegExp(`^${file}: ".*"\\.data_offsets$`).source, /ends at byte|past the end|gap/],
    ['a dtype the format does not have', (bytes) => withHeader(bytes, (header) => {
      tensorsOf(header)[0]![1].dtype = 'F4';
    }), (file) => new RegExp(`^${file}: ".*"\\.dtype$`).source, /does not read|F4/],
    ['an integer dtype where weights are floats', (bytes) => withHeader(bytes, (header) => {
      tensorsOf(header)[0]![1].dtype = 'I32';
    }), (file) => new RegExp(`^${file}`).source, /I32/],
  ];
  for (const [what, damage, field, message] of cases) {
    it(`refuses ${what}, naming the file and the field`, async () => {
      const folder = copyOfFolder();
      const file = `${folder}/${weightsName}`;
      writeFileSync(file, damage(good));
      const before = tf.memory().numTensors;
      for (const load of [loadUnet2DModel, loadDiffusersPipeline]) {
        const error = await refusal(load(folder));
        expect(error.field).toMatch(new RegExp(field(file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))));
        expect(error.message).toMatch(message);
      }
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});

describe('bad input (#13): class labels', () => {
  it('refuses a label out of range, a label given to an unconditional model, and none for a conditional one', async () => {
    const conditional = await loadDiffusersPipeline(fixtureFolder('class-conditional')); // num_class_embeds 10
    const unconditional = await loadDiffusersPipeline(source);
    const noise = tf.zeros([2, 8, 8, 3]);
    const t = tf.tensor1d([10, 10]);
    const field = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        expect(error).toBeInstanceOf(DiffusionError);
        return [(error as DiffusionError).field, (error as DiffusionError).message];
      }
      throw new Error('expected a DiffusionError');
    };
    const labels = tf.tensor1d([3, 10], 'int32');
    const before = tf.memory().numTensors;
    expect(field(() => conditional.sample({ noise, steps: 2, classLabels: [3, 10] }))).toEqual(['sample.classLabels[1]', expect.stringMatching(/got 10.*\[0, 10\)/)]);
    expect(field(() => conditional.sample({ noise, steps: 2, classLabels: [3, -1] }))[0]).toBe('sample.classLabels[1]');
    expect(field(() => conditional.sample({ noise, steps: 2, classLabels: [3, 1.5] }))[0]).toBe('sample.classLabels[1]');
    expect(field(() => conditional.sample({ noise, steps: 2 }))[0]).toBe('sample.classLabels');
    expect(field(() => unconditional.sample({ noise, steps: 2, classLabels: [0, 1] }))).toEqual(['sample.classLabels', expect.stringMatching(/unconditional/)]);
    expect(field(() => conditional.backbone.apply(noise, t, labels))[0]).toMatch(/^condition/);
    expect(field(() => unconditional.backbone.apply(noise, t, labels))[0]).toMatch(/^condition/);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([noise, t, labels]);
    conditional.dispose();
    unconditional.dispose();
  });
});

describe('bad input (#13): nothing on disk is half-overwritten', () => {
  const snapshot = (folder: string): Record<string, string> => {
    const files: Record<string, string> = {};
    const walk = (path: string, prefix: string) => {
      for (const entry of readdirSync(path, { withFileTypes: true })) {
        if (entry.isDirectory()) walk(join(path, entry.name), `${prefix}${entry.name}/`);
        else files[`${prefix}${entry.name}`] = readFileSync(join(path, entry.name)).toString('base64');
      }
    };
    walk(folder, '');
    return files;
  };

  it('a failed write leaves the old file whole and no temporary file', async () => {
    const folder = join(scratch, 'atomic');
    mkdirSync(join(folder, 'target'), { recursive: true });
    writeFileSync(join(folder, 'target', 'keep'), 'old');
    // Renaming a file over a non-empty directory fails after the temporary file was written.
    const error = await refusal(writeFileAtomically(join(folder, 'target'), new Uint8Array([1, 2, 3])));
    expect(error.field).toBe(join(folder, 'target'));
    expect(error.message).toMatch(/nothing at that path was changed/);
    expect(readdirSync(folder)).toEqual(['target']);
    expect(readFileSync(join(folder, 'target', 'keep'), 'utf8')).toBe('old');
  });

  it('saving refused input writes nothing over an existing folder', async () => {
    const folder = copyOfFolder();
    const before = snapshot(folder);
    const model = await loadUnet2DModel(folder);
    // Wrong-shape EMA weights: refused while the files are made, before the first write.
    const [name, variable] = [...model.variables()][0]!;
    const wrong = tf.zeros([1, ...variable.shape]);
    await expect(saveUnet2DModel(folder, model, { weights: new Map([...model.variables(), [name, wrong]]) })).rejects.toBeInstanceOf(DiffusionError);
    // A continuous schedule has no diffusers betas: refused before the weights are written.
    await expect(saveDiffusersPipeline(folder, { backbone: model, schedule: createLaplaceSchedule(), parameterisation: createEpsParameterisation() })).rejects.toThrow(/continuous schedule/);
    expect(snapshot(folder)).toEqual(before);
    // And a good save replaces every file whole: it loads back.
    await saveDiffusersPipeline(folder, { backbone: model, schedule: createLinearSchedule(), parameterisation: createEpsParameterisation() });
    expect(readdirSync(folder).filter((entry) => entry.includes('.tmp-'))).toEqual([]);
    (await loadDiffusersPipeline(folder)).dispose();
    tf.dispose(wrong);
    model.dispose();
  });
});
