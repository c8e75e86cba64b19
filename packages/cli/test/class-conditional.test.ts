import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeSafetensors } from '@diffusion/backbones';
import { describe, expect, it } from 'vitest';
import { runRecordSchema } from '../src/run-record';
import { runInProcess, temporaryFolder, tinyPointFlags, writeImageFolder, writePointsCsv } from './cli-test-helpers';

const readRecord = (run: string) => runRecordSchema.parse(JSON.parse(readFileSync(join(run, 'run.json'), 'utf8')));
const modelConfig = (run: string) => JSON.parse(decodeSafetensors(new Uint8Array(readFileSync(join(run, 'model.safetensors')))).metadata.config!) as Record<string, unknown>;

describe('class-conditional training from labelled data', () => {
  it('a CSV --label-column trains a class-conditional MLP with label dropout 0.1 by default, recorded in run.json', async () => {
    const folder = temporaryFolder('conditional-points');
    const data = writePointsCsv(folder);
    const run = join(folder, 'run');
    const trained = await runInProcess(['train', '--data', data, '--columns', 'x,y', '--label-column', 'kind', '--out', run, '--steps', '4', ...tinyPointFlags]);
    expect(trained.log).toContain('class-conditional on 2 classes (label dropout 0.1)');
    expect(trained.code).toBe(0);
    const record = readRecord(run);
    expect(record.settings.pUncond).toBe(0.1);
    expect(record.data.classNames).toEqual(['a', 'b']);
    expect(modelConfig(run).numClasses).toBe(2);
  });

  it('image subfolders train a class-conditional U-Net and diffusers UNet2DModel (num_class_embeds K + 1) with --p-uncond', async () => {
    const folder = temporaryFolder('conditional-images');
    const images = writeImageFolder(folder, 3);
    const unet = join(folder, 'unet');
    expect((await runInProcess(['train', '--data', images, '--out', unet, '--steps', '2', '--batch', '4', '--p-uncond', '0.25', '--backend', 'cpu', '--backbone', 'unet{"baseChannels":8,"channelMultipliers":[1,2],"attentionResolutions":[],"groups":4}', '--quiet'])).code).toBe(0);
    expect(readRecord(unet).settings.pUncond).toBe(0.25);
    expect(modelConfig(unet).numClasses).toBe(2);
    const diffusers = join(folder, 'diffusers');
    const backbone = 'diffusers-unet{"block_out_channels":[8,16],"down_block_types":["DownBlock2D","AttnDownBlock2D"],"up_block_types":["AttnUpBlock2D","UpBlock2D"],"norm_num_groups":4,"attention_head_dim":8}';
    expect((await runInProcess(['train', '--data', images, '--out', diffusers, '--steps', '2', '--batch', '4', '--backend', 'cpu', '--backbone', backbone, '--quiet'])).code).toBe(0);
    expect((modelConfig(diffusers).model as Record<string, unknown>).num_class_embeds).toBe(3);
    expect(readRecord(diffusers).settings.pUncond).toBe(0.1);
  });

  it('--unconditional ignores the labels; --p-uncond outside [0, 1), without labels or with --unconditional is refused naming the flag and value (exit 2)', async () => {
    const folder = temporaryFolder('conditional-refused');
    const data = writePointsCsv(folder);
    const plain = join(folder, 'plain');
    expect((await runInProcess(['train', '--data', data, '--columns', 'x,y', '--label-column', 'kind', '--unconditional', '--out', plain, '--steps', '2', ...tinyPointFlags])).code).toBe(0);
    expect(readRecord(plain).settings.pUncond).toBeUndefined();
    expect(modelConfig(plain).numClasses).toBeUndefined();
    for (const value of ['1', '-0.1', 'abc']) {
      const refused = await runInProcess(['train', '--data', data, '--label-column', 'kind', '--p-uncond', value, '--out', join(folder, `bad-${value}`), '--steps', '2', ...tinyPointFlags]);
      expect(refused.code).toBe(2);
    }
    const unlabelled = await runInProcess(['train', '--data', data, '--columns', 'x,y', '--p-uncond', '0.2', '--out', join(folder, 'unlabelled'), '--steps', '2', ...tinyPointFlags]);
    expect(unlabelled.code).toBe(2);
    expect(unlabelled.log).toMatch(/--p-uncond 0\.2: .*points\.csv has no labels \(give --label-column\)/);
    const both = await runInProcess(['train', '--data', data, '--columns', 'x,y', '--label-column', 'kind', '--unconditional', '--p-uncond', '0.2', '--out', join(folder, 'both'), '--steps', '2', ...tinyPointFlags]);
    expect(both.code).toBe(2);
    expect(both.log).toContain('--p-uncond 0.2: goes with class-conditional training');
    const config = join(folder, 'config.json');
    writeFileSync(config, JSON.stringify({ pUncond: 1.5 }));
    const fromConfig = await runInProcess(['train', '--data', data, '--label-column', 'kind', '--config', config, '--out', join(folder, 'config-run'), '--steps', '2', ...tinyPointFlags]);
    expect(fromConfig.code).toBe(2);
    expect(fromConfig.log).toMatch(/pUncond: /);
  });
});
