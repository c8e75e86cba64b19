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

describe('sample and evaluate --class / --guidance', () => {
  const folder = temporaryFolder('guidance');
  const run = join(folder, 'run');
  let data = '';
  const shareOfClassA = (csv: string): number => {
    const rows = readFileSync(csv, 'utf8').trim().split('\n').slice(1);
    // Class a sits at x in [5, 5.5], class b at [8, 8.5]: split halfway.
    return rows.filter((row) => Number(row.split(',')[0]) < 6.75).length / rows.length;
  };

  it('--class picks a cluster, more so with cfg guidance; cfg at w = 0 is the unconditional mixture', async () => {
    data = writePointsCsv(folder, 'points.csv', 400);
    const trained = await runInProcess(['train', '--data', data, '--columns', 'x,y', '--label-column', 'kind', '--out', run, '--steps', '400', '--learning-rate', '0.01', '--backend', 'cpu', '--backbone', 'mlp{"hiddenWidths":[32,32]}', '--batch', '64', '--quiet']);
    expect(trained.code).toBe(0);
    const draw = async (name: string, extra: string[]): Promise<number> => {
      const out = join(folder, `${name}.csv`);
      const sampled = await runInProcess(['sample', '--model', run, '--sampler', 'dpmpp-2m', '--steps', '12', '--num', '400', '--seed', '2', ...extra, '--out', out]);
      expect(sampled.code).toBe(0);
      return shareOfClassA(out);
    };
    const unconditional = await draw('unconditional', []);
    const classA = await draw('class-a', ['--class', 'a']);
    const guidedA = await draw('guided-a', ['--class', 'a', '--guidance', 'cfg:3']);
    const guidedB = await draw('guided-b', ['--class', '1', '--guidance', 'apg:3{"eta":0}']);
    const weightZero = await draw('weight-zero', ['--class', 'a', '--guidance', 'cfg:0']);
    console.log(`share of samples in class a's half: unconditional ${unconditional}, --class a ${classA}, cfg:3 a ${guidedA}, apg:3 b ${guidedB}, cfg:0 a ${weightZero}`);
    expect(unconditional).toBeGreaterThan(0.25);
    expect(unconditional).toBeLessThan(0.75);
    expect(classA).toBeGreaterThan(0.8);
    expect(guidedA).toBeGreaterThanOrEqual(classA);
    expect(guidedA).toBeGreaterThan(0.9);
    expect(guidedB).toBeLessThan(0.1);
    expect(weightZero).toBeGreaterThan(0.25);
    expect(weightZero).toBeLessThan(0.75);

    const heldOut = writePointsCsv(folder, 'held-out.csv', 100, 9);
    const report = join(folder, 'evaluation.json');
    const evaluated = await runInProcess(['evaluate', '--model', run, '--data', heldOut, '--class', 'b', '--guidance', 'cfg:2', '--steps', '8', '--num', '200', '--nll-count', '30', '--out', report]);
    expect(evaluated.code).toBe(0);
    const json = JSON.parse(readFileSync(report, 'utf8'));
    expect(json.class).toEqual({ index: 1, name: 'b' });
    expect(json.guidance).toMatchObject({ guider: 'cfg', options: { guidanceScale: 2 } });
    // Held-out rows alternate a, b: 50 of class b, 30 of them in the bound.
    expect(json.heldOut.count).toBe(50);
    expect(json.nllBound.examples).toBe(30);
    // Samples of class b against held-out b: closer than the training data of both classes would be.
    expect(json.quality.slicedWasserstein).toBeLessThan(1);
  });

  it('refuses a class outside [0, K), --class on an unconditional model, a bad scale or guider, --guidance without --class (exit 2, naming flag and value)', async () => {
    const out = join(folder, 'x.csv');
    const cases: Array<[string[], RegExp]> = [
      [['--class', '2'], /--class "2": outside \[0, 2\): the model has 2 classes \(0 = "a", 1 = "b"\)/],
      [['--class', 'c'], /--class "c": not a class of the model/],
      [['--class', 'a', '--guidance', 'cfg:-1'], /--guidance 'cfg:-1': the scale "-1" is not a number >= 0/],
      [['--class', 'a', '--guidance', 'cfg:abc'], /--guidance 'cfg:abc': the scale "abc"/],
      [['--class', 'a', '--guidance', 'cfg'], /--guidance 'cfg': expected <guider>:<scale>/],
      [['--class', 'a', '--guidance', 'boost:2'], /--guidance 'boost:2': unknown guider "boost"; known: cfg, cfg-rescale, guidance-interval, apg/],
      [['--class', 'a', '--guidance', 'cfg-rescale:2{"guidanceRescale":3}'], /--guidance 'cfg-rescale:2\{"guidanceRescale":3\}': createCfgRescaleGuider\.guidanceRescale: got 3/],
      [['--guidance', 'cfg:2'], /--guidance 'cfg:2': needs --class <c>/],
    ];
    for (const [flags, message] of cases) {
      const refused = await runInProcess(['sample', '--model', run, '--num', '4', ...flags, '--out', out]);
      expect(refused.log).toMatch(message);
      expect(refused.code).toBe(2);
    }
    const evaluated = await runInProcess(['evaluate', '--model', run, '--data', data, '--class', '7']);
    expect(evaluated.code).toBe(2);
    expect(evaluated.log).toMatch(/--class "7": outside \[0, 2\)/);
    const plain = join(folder, 'plain');
    expect((await runInProcess(['train', '--data', data, '--columns', 'x,y', '--out', plain, '--steps', '2', ...tinyPointFlags])).code).toBe(0);
    const unconditional = await runInProcess(['sample', '--model', plain, '--class', '0', '--out', out]);
    expect(unconditional.code).toBe(2);
    expect(unconditional.log).toMatch(/--class "0": .*plain is an unconditional model/);
  });
});
