import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { createRandomSource, randomNormalTensor } from '@diffusion/core';
import { loadDiffusersPipeline } from '@diffusion/diffusers';
import { describe, expect, it } from 'vitest';
import { buildRegistry } from '../src/components';
import { loadRunModel } from '../src/load-model';
import { createRunModel } from '../src/run-trainer';
import { readRun } from '../src/run-folder';
import { runInProcess, temporaryFolder, tinyPointFlags, writeImageFolder, writePointsCsv } from './cli-test-helpers';

/** A tiny diffusers `UNet2DModel` for 8x8 images (two blocks, attention in the second). */
export const tinyDiffusersUnet = 'diffusers-unet{"block_out_channels":[8,16],"down_block_types":["DownBlock2D","AttnDownBlock2D"],"up_block_types":["AttnUpBlock2D","UpBlock2D"],"norm_num_groups":4,"attention_head_dim":8}';

function maxAbs(values: Float32Array | Int32Array | Uint8Array): number {
  let largest = 0;
  for (const value of values) largest = Math.max(largest, Math.abs(value));
  return largest;
}

function maxAbsDifference(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}

describe('diffusion export --diffusers', () => {
  it('writes the EMA weights of a diffusers-unet run as a pipeline folder that loadDiffusersPipeline reads back to the same network', async () => {
    const folder = temporaryFolder('export');
    const images = writeImageFolder(folder);
    const run = join(folder, 'run');
    const trained = await runInProcess(['train', '--data', images, '--out', run, '--steps', '8', '--batch', '4', '--checkpoint-every', '8', '--ema-decay', '0.5', '--learning-rate', '0.01', '--backend', 'cpu', '--backbone', tinyDiffusersUnet, '--quiet']);
    expect(trained.log + trained.out).toContain('trained 8 steps');
    expect(readRun(run, '--model', true).record.settings.backbone).toBe('diffusers-unet');
    const exported = join(folder, 'exported');
    const result = await runInProcess(['export', '--model', run, '--diffusers', exported]);
    expect(result.log + result.out).toContain('exported');
    expect(result.code).toBe(0);
    for (const file of ['model_index.json', 'config.json', 'diffusion_pytorch_model.safetensors', 'scheduler/scheduler_config.json']) expect(existsSync(join(exported, file))).toBe(true);
    expect(JSON.parse(readFileSync(join(exported, 'model_index.json'), 'utf8'))).toMatchObject({ _class_name: 'DDPMPipeline', unet: ['diffusers', 'UNet2DModel'] });
    expect(JSON.parse(readFileSync(join(exported, 'config.json'), 'utf8'))).toMatchObject({ _class_name: 'UNet2DModel', sample_size: 8, in_channels: 1, out_channels: 1, block_out_channels: [8, 16], num_class_embeds: 3 });

    const before = tf.memory().numTensors;
    const pipeline = await loadDiffusersPipeline(exported);
    const registry = buildRegistry();
    // The weights are the EMA of the last checkpoint, not the live ones (which differ after 8 steps at EMA decay 0.5).
    const { record } = readRun(run, '--model', true);
    const trainerModel = createRunModel(registry, record);
    await trainerModel.trainer.loadCheckpoint(join(run, 'checkpoints', 'step-00000008.safetensors'));
    const ema = trainerModel.trainer.emaWeights();
    let liveDifference = 0;
    for (const [name, weight] of pipeline.backbone.variables()) {
      expect(ema.has(name)).toBe(true);
      expect(maxAbsDifference(weight, ema.get(name)!)).toBe(0);
      liveDifference = Math.max(liveDifference, maxAbsDifference(weight, trainerModel.backbone.variables().get(name)!));
    }
    expect(pipeline.backbone.variables().size).toBe(ema.size);
    expect(liveDifference).toBeGreaterThan(1e-4);
    trainerModel.dispose();

    // The forward of the folder read back (diffusers' timesteps) equals the run's model (time t in [0, 1]).
    const ours = await loadRunModel(registry, run, { ema: true });
    const x = randomNormalTensor(createRandomSource(5), [3, 8, 8, 1]);
    const t = tf.tensor1d([1, 0.5, 0.038]);
    const timesteps = tf.tensor1d([999, 499, 37]);
    // Two labelled classes: num_class_embeds 3, the last row the null class.
    const labels = tf.tensor1d([0, 1, 2], 'int32');
    const reference = ours.backbone.apply(x, t, labels);
    const read = pipeline.backbone.apply(x, timesteps, labels);
    const scale = maxAbs(reference.dataSync() as Float32Array);
    expect(scale).toBeGreaterThan(0);
    expect(maxAbsDifference(read, reference) / scale).toBeLessThan(1e-6);
    // No condition is the null class (the core contract), which diffusers wants spelled out.
    const nullLabels = tf.tensor1d([2, 2, 2], 'int32');
    const unconditional = ours.backbone.apply(x, t);
    const readNull = pipeline.backbone.apply(x, timesteps, nullLabels);
    expect(maxAbsDifference(readNull, unconditional) / scale).toBeLessThan(1e-6);
    tf.dispose([nullLabels, unconditional, readNull]);
    // And the sigma-space denoisers agree (the scheduler config was written for the run's schedule): sigma of timesteps 999, 499, 37.
    const { setup } = pipeline.scheduler;
    // denoiserFor keeps its labels tensor for the denoiser's lifetime: one tensor, counted below.
    const pipelineDenoiser = pipeline.denoiserFor(labels);
    expect(setup.kind).toBe('discrete');
    for (const sigma of [999, 499, 37].map((index) => (setup.kind === 'discrete' ? setup.sigmaTable[index]! : Number.NaN))) {
      const noisy = tf.mul(x, Math.sqrt(1 + sigma * sigma));
      const a = ours.denoiser(noisy, sigma, labels);
      const b = pipelineDenoiser(noisy, sigma);
      expect(maxAbsDifference(a, b) / maxAbs(a.dataSync() as Float32Array)).toBeLessThan(1e-5);
      tf.dispose([noisy, a, b]);
    }
    tf.dispose([x, t, timesteps, labels, reference, read]);
    ours.dispose();
    pipeline.dispose();
    expect(tf.memory().numTensors).toBe(before + 1);
  });

  it('refuses a run of another backbone, naming --model and the backbone (exit 2)', async () => {
    const folder = temporaryFolder('export-refused');
    const data = writePointsCsv(folder);
    const run = join(folder, 'run');
    expect((await runInProcess(['train', '--data', data, '--columns', 'x,y', '--out', run, '--steps', '3', ...tinyPointFlags])).code).toBe(0);
    const refused = await runInProcess(['export', '--model', run, '--diffusers', join(folder, 'exported')]);
    expect(refused.code).toBe(2);
    expect(refused.log).toMatch(/--model: .* was trained with backbone "mlp"; .*--backbone diffusers-unet/);
    expect(existsSync(join(folder, 'exported'))).toBe(false);
  });
});
