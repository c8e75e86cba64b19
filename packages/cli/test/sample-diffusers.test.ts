import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { createRandomSource, randomNormalTensor } from '@diffusion/core';
import { decodeNpy } from '@diffusion/data';
import { loadDiffusersPipeline } from '@diffusion/diffusers';
import { createDdimSampler } from '@diffusion/samplers';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { packageDir, runInProcess, temporaryFolder } from './cli-test-helpers';

/** A model folder written by diffusers v0.31.0 (`UNet2DModel.save_pretrained` + a DDIMScheduler config): [16, 16, 3]. */
const tinyFolder = join(packageDir, '..', 'diffusers', 'src', '__fixtures__', 'unet2d-tiny');

describe('diffusion sample --model <diffusers folder>', () => {
  it('samples a folder written by diffusers with our sampler: the .npy is pipeline.sample on the seed\'s noise, in grey levels, at any --batch', async () => {
    const folder = temporaryFolder('sample-diffusers');
    const grid = join(folder, 'grid.png');
    const sampled = await runInProcess(['sample', '--model', tinyFolder, '--sampler', 'ddim', '--steps', '6', '--num', '3', '--seed', '4', '--backend', 'cpu', '--out', grid]);
    expect(sampled.log + sampled.out).toContain('wrote a grid of 3 images');
    expect(sampled.code).toBe(0);
    const png = PNG.sync.read(readFileSync(grid));
    // Two columns of 16-pixel images with 2-pixel gaps.
    expect([png.width, png.height]).toEqual([2 * 18 + 2, 2 * 18 + 2]);
    const npy = decodeNpy(new Uint8Array(readFileSync(join(folder, 'grid.npy'))));
    expect(npy.shape).toEqual([3, 16, 16, 3]);

    // The same draw through the library: unit noise from the seed's 'sample-noise' stream at diffusers' scale.
    const pipeline = await loadDiffusersPipeline(tinyFolder);
    const { initNoiseSigma } = pipeline.scheduler.setTimesteps(6);
    const noise = tf.tidy(() => tf.mul(randomNormalTensor(createRandomSource(4).fork('sample-noise'), [3, 16, 16, 3]), initNoiseSigma));
    const x = pipeline.sample({ noise, steps: 6, sampler: createDdimSampler(), seed: 4 });
    const expected = Array.from(x.dataSync(), (value) => (value + 1) * 127.5);
    tf.dispose([noise, x]);
    pipeline.dispose();
    const got = Array.from(npy.values);
    let largest = 0;
    for (const [index, value] of expected.entries()) largest = Math.max(largest, Math.abs(value - got[index]!));
    expect(largest).toBeLessThan(1e-3);
    // Grey levels, not [-1, 1]: a trained-to-nothing fixture still spreads over tens of levels.
    expect(Math.max(...got) - Math.min(...got)).toBeGreaterThan(10);

    const again = join(folder, 'again.png');
    expect((await runInProcess(['sample', '--model', tinyFolder, '--sampler', 'ddim', '--steps', '6', '--num', '3', '--seed', '4', '--batch', '2', '--backend', 'cpu', '--out', again])).code).toBe(0);
    const batched = decodeNpy(new Uint8Array(readFileSync(join(folder, 'again.npy'))));
    expect(Array.from(batched.values)).toEqual(got);
  });

  it('refuses run-only flags and other outputs for a diffusers folder, naming the flag (exit 2)', async () => {
    const folder = temporaryFolder('sample-diffusers-refused');
    const csv = await runInProcess(['sample', '--model', tinyFolder, '--backend', 'cpu', '--out', join(folder, 'x.csv')]);
    expect(csv.code).toBe(2);
    expect(csv.log).toMatch(/--out: .*x\.csv: a diffusers model writes a \.png grid/);
    const checkpoint = await runInProcess(['sample', '--model', tinyFolder, '--checkpoint', '5', '--backend', 'cpu', '--out', join(folder, 'x.png')]);
    expect(checkpoint.code).toBe(2);
    expect(checkpoint.log).toMatch(/--checkpoint: .* is a diffusers folder/);
  });

  it('a class-conditional folder (num_class_embeds 10) samples with --class in [0, 10); without it, or out of range, exit 2', async () => {
    const conditional = join(packageDir, '..', 'diffusers', 'src', '__fixtures__', 'class-conditional');
    const folder = temporaryFolder('sample-diffusers-class');
    const out = join(folder, 'grid.png');
    const sampled = await runInProcess(['sample', '--model', conditional, '--class', '9', '--sampler', 'euler', '--steps', '3', '--num', '2', '--backend', 'cpu', '--out', out]);
    expect(sampled.code).toBe(0);
    // Class 9 and class 3 give different samples from the same noise.
    const other = join(folder, 'other.png');
    expect((await runInProcess(['sample', '--model', conditional, '--class', '3', '--sampler', 'euler', '--steps', '3', '--num', '2', '--backend', 'cpu', '--out', other])).code).toBe(0);
    expect(Array.from(decodeNpy(new Uint8Array(readFileSync(join(folder, 'grid.npy')))).values)).not.toEqual(Array.from(decodeNpy(new Uint8Array(readFileSync(join(folder, 'other.npy')))).values));
    const missing = await runInProcess(['sample', '--model', conditional, '--backend', 'cpu', '--out', out]);
    expect(missing.code).toBe(2);
    expect(missing.log).toMatch(/--class: .* is class-conditional \(num_class_embeds 10\); give --class <c> in \[0, 10\)/);
    const outside = await runInProcess(['sample', '--model', conditional, '--class', '10', '--backend', 'cpu', '--out', out]);
    expect(outside.code).toBe(2);
    expect(outside.log).toMatch(/--class "10": outside \[0, 10\)/);
    const unconditional = await runInProcess(['sample', '--model', tinyFolder, '--class', '0', '--backend', 'cpu', '--out', out]);
    expect(unconditional.code).toBe(2);
    expect(unconditional.log).toMatch(/--class "0": .* is an unconditional model/);
  });

  it('guides a class-conditional folder against its last class row: w = 1 is --class alone, w = 0 is the null class 9', async () => {
    const conditional = join(packageDir, '..', 'diffusers', 'src', '__fixtures__', 'class-conditional');
    const folder = temporaryFolder('sample-diffusers-guided');
    const draw = async (name: string, flags: string[]): Promise<number[]> => {
      const result = await runInProcess(['sample', '--model', conditional, ...flags, '--sampler', 'euler', '--steps', '3', '--num', '3', '--batch', '2', '--backend', 'cpu', '--out', join(folder, `${name}.png`)]);
      expect(result.log + result.out).toContain('wrote a grid');
      return Array.from(decodeNpy(new Uint8Array(readFileSync(join(folder, `${name}.npy`)))).values);
    };
    const largestDifference = (a: number[], b: number[]): number => Math.max(...a.map((value, index) => Math.abs(value - b[index]!)));
    const classThree = await draw('class-3', ['--class', '3']);
    const nullClass = await draw('class-9', ['--class', '9']);
    expect(largestDifference(await draw('w1', ['--class', '3', '--guidance', 'cfg:1']), classThree)).toBeLessThan(1e-3);
    expect(largestDifference(await draw('w0', ['--class', '3', '--guidance', 'cfg:0']), nullClass)).toBeLessThan(1e-3);
    expect(largestDifference(await draw('w3', ['--class', '3', '--guidance', 'cfg:3']), classThree)).toBeGreaterThan(0.5);
    // With guidance the last row is the null class: classes are [0, 9).
    const outside = await runInProcess(['sample', '--model', conditional, '--class', '9', '--guidance', 'cfg:2', '--backend', 'cpu', '--out', join(folder, 'x.png')]);
    expect(outside.code).toBe(2);
    expect(outside.log).toMatch(/--class "9": outside \[0, 9\)/);
  });
});
