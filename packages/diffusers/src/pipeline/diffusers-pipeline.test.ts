import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiffusionError } from '@diffusion/core';
import { createEpsParameterisation } from '@diffusion/parameterisations';
import { createDpmpp2mSampler, createEulerSampler, createHeunSampler } from '@diffusion/samplers';
import { createLinearSchedule, fromDiffusersConfig } from '@diffusion/schedules';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { flowAnalyticNetwork, vpAnalyticNetwork } from '../__fixtures__/analytic-network';
import { readDiffusersSchedulerConfig } from '../scheduler/read-diffusers-scheduler-config';
import { createUnet2DModel } from '../unet2d-model';
import type { Unet2DModel } from '../unet2d-model';
import { createDiffusersPipeline } from './diffusers-pipeline';
import { loadDiffusersPipeline } from './load-diffusers-pipeline';
import { saveDiffusersPipeline } from './save-diffusers-pipeline';

/** A stand-in backbone over the analytic network (fast), class-conditional when `classes` is given. */
function analyticBackbone(network: (x: tf.Tensor, t: number) => tf.Tensor, classes: number | null = null): Unet2DModel {
  return {
    name: 'diffusers-unet-2d',
    config: { num_class_embeds: classes },
    apply: (x: tf.Tensor, timesteps: tf.Tensor, labels?: tf.Tensor) => {
      const output = network(x, timesteps.dataSync()[0]!);
      if (labels === undefined) return output;
      return tf.tidy(() => tf.add(output, tf.mul(tf.reshape(tf.cast(labels, 'float32'), [-1, 1, 1, 1]), 0.01)));
    },
    dispose: () => undefined,
  } as unknown as Unet2DModel;
}

const noiseOf = (scale = 1) => tf.tidy(() => tf.mul(tf.randomNormal([2, 3, 2, 2], 0, 1, 'float32', 5), scale));

function expectError(run: () => unknown, pieces: string[]): void {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DiffusionError);
    for (const piece of pieces) expect((error as Error).message).toContain(piece);
    return;
  }
  throw new Error('expected a DiffusionError');
}

describe('createDiffusersPipeline', () => {
  it('runs diffusers\' loop natively and our samplers in its place, with the same start convention', () => {
    const scheduler = readDiffusersSchedulerConfig({ _class_name: 'EulerDiscreteScheduler' });
    const pipeline = createDiffusersPipeline(analyticBackbone(vpAnalyticNetwork('epsilon')), scheduler);
    const noise = noiseOf(scheduler.setTimesteps(8).initNoiseSigma);
    const before = tf.memory().numTensors;
    const native = pipeline.sample({ noise, steps: 8 });
    const ours = pipeline.sample({ noise, steps: 8, sampler: createEulerSampler() });
    const others = [createHeunSampler(), createDpmpp2mSampler()].map((sampler) => pipeline.sample({ noise, steps: 40, sampler }));
    expect(tf.memory().numTensors).toBe(before + 4);
    // The Euler config's loop is our Euler sampler on its ladder: the same numbers.
    expect(tf.max(tf.abs(tf.sub(native, ours))).dataSync()[0]).toBeLessThan(1e-6);
    // Two second-order solvers of the same ODE at 40 steps agree (a sanity check; the loop vectors are the exact test).
    expect(tf.max(tf.abs(tf.sub(others[0]!, others[1]!))).dataSync()[0]! / tf.max(tf.abs(others[0]!)).dataSync()[0]!).toBeLessThan(0.05);
    tf.dispose([noise, native, ours, ...others]);
  });

  it('runs our samplers on a given ladder and refuses a flow ladder that starts at infinite sigma', () => {
    const scheduler = readDiffusersSchedulerConfig({ _class_name: 'FlowMatchEulerDiscreteScheduler', shift: 3 });
    const pipeline = createDiffusersPipeline(analyticBackbone(flowAnalyticNetwork), scheduler);
    const noise = noiseOf();
    expectError(() => pipeline.sample({ noise, steps: 6, sampler: createEulerSampler() }), ['sample.ladder[0]', 'Infinity']);
    const ladder = scheduler.ladder(7).subarray(1);
    const sample = pipeline.sample({ noise, sampler: createEulerSampler(), ladder });
    expect(sample.shape).toEqual(noise.shape);
    tf.dispose([noise, sample]);
  });

  it('checks class labels against the model, naming the field', () => {
    const scheduler = readDiffusersSchedulerConfig({ _class_name: 'DDIMScheduler', clip_sample: false });
    const unconditional = createDiffusersPipeline(analyticBackbone(vpAnalyticNetwork('epsilon')), scheduler);
    const conditional = createDiffusersPipeline(analyticBackbone(vpAnalyticNetwork('epsilon'), 10), scheduler);
    const noise = noiseOf();
    expectError(() => unconditional.sample({ noise, steps: 3, classLabels: [1, 2] }), ['sample.classLabels', 'unconditional']);
    expectError(() => conditional.sample({ noise, steps: 3 }), ['sample.classLabels', 'num_class_embeds is 10']);
    expectError(() => conditional.sample({ noise, steps: 3, classLabels: [1, 10] }), ['sample.classLabels[1]', 'got 10', '[0, 10)']);
    expectError(() => conditional.sample({ noise, steps: 3, classLabels: [1] }), ['sample.classLabels', '2 class labels']);
    expectError(() => conditional.denoiser(noise, 1), ['pipeline.denoiser', 'denoiserFor']);
    const sample = conditional.sample({ noise, steps: 3, classLabels: [1, 9] });
    const x0 = conditional.denoiserFor([1, 9])(noise, 2);
    tf.dispose([noise, sample, x0]);
  });
});

describe('saveDiffusersPipeline and loadDiffusersPipeline', () => {
  const tinyConfig = {
    sample_size: 8, in_channels: 1, out_channels: 1, block_out_channels: [8, 16], layers_per_block: 1, norm_num_groups: 4,
    down_block_types: ['DownBlock2D', 'AttnDownBlock2D'], up_block_types: ['AttnUpBlock2D', 'UpBlock2D'], attention_head_dim: null, num_class_embeds: 3,
  };

  it('writes config.json, the weights, scheduler/scheduler_config.json and model_index.json that load back the same', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'diffusers-pipeline-'));
    try {
      const backbone = createUnet2DModel(tinyConfig, { seed: 3 });
      const schedule = createLinearSchedule();
      await saveDiffusersPipeline(folder, { backbone, schedule, parameterisation: createEpsParameterisation(), sampler: createDpmpp2mSampler() });
      for (const file of ['config.json', 'diffusion_pytorch_model.safetensors', 'scheduler/scheduler_config.json', 'model_index.json']) expect(existsSync(join(folder, file)), file).toBe(true);
      const index = JSON.parse(readFileSync(join(folder, 'model_index.json'), 'utf8'));
      expect(index).toMatchObject({ _class_name: 'DDPMPipeline', scheduler: ['diffusers', 'DPMSolverMultistepScheduler'], unet: ['diffusers', 'UNet2DModel'] });
      const pipeline = await loadDiffusersPipeline(folder);
      expect(pipeline.scheduler.className).toBe('DPMSolverMultistepScheduler');
      expect(Array.from(pipeline.scheduler.setup.kind === 'discrete' ? pipeline.scheduler.setup.alphasCumprod : [])).toEqual(Array.from(schedule.alphasCumprod));
      expect(pipeline.scheduler.samplerFor(10)).toMatchObject({ exact: true, sampler: { name: 'dpmpp-2m' } });
      const x = tf.randomNormal([1, 8, 8, 1], 0, 1, 'float32', 1);
      const t = tf.tensor1d([500]);
      const labels = tf.tensor1d([2], 'int32');
      const [a, b] = [backbone.apply(x, t, labels), pipeline.backbone.apply(x, t, labels)];
      expect(tf.max(tf.abs(tf.sub(a!, b!))).dataSync()[0]).toBe(0);
      tf.dispose([x, t, labels, a!, b!]);
      backbone.dispose();
      pipeline.dispose();
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }, 120_000);

  it('names the file and the field of a missing or unusable component', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'diffusers-pipeline-'));
    try {
      await expect(loadDiffusersPipeline(folder)).rejects.toThrow(/scheduler_config\.json: the scheduler config .* does not exist/);
      writeFileSync(join(folder, 'model_index.json'), JSON.stringify({ _class_name: 'StableDiffusionPipeline', unet: ['diffusers', 'UNet2DConditionModel'], scheduler: ['diffusers', 'PNDMScheduler'] }));
      await expect(loadDiffusersPipeline(folder)).rejects.toThrow(/model_index\.json: unet: got "UNet2DConditionModel"; expected "UNet2DModel"/);
      writeFileSync(join(folder, 'model_index.json'), JSON.stringify({ _class_name: 'DDPMPipeline', unet: ['diffusers', 'UNet2DModel'], scheduler: ['diffusers', 'DDPMScheduler'] }));
      mkdirSync(join(folder, 'scheduler'));
      writeFileSync(join(folder, 'scheduler', 'scheduler_config.json'), '{"_class_name": "DDPMScheduler", "variance_type": "fixed_large_log"}');
      await expect(loadDiffusersPipeline(folder)).rejects.toThrow(/scheduler_config\.json: DDPMScheduler\.variance_type: got "fixed_large_log"/);
      writeFileSync(join(folder, 'scheduler', 'scheduler_config.json'), '{"_class_name": "DDPMScheduler", "lambda_min_clipped": -Infinity}');
      await expect(loadDiffusersPipeline(folder)).rejects.toThrow(/config\.json: the model config \(config\.json\) does not exist/);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('reads Python JSON tokens (-Infinity) as diffusers writes them', () => {
    const scheduler = readDiffusersSchedulerConfig('{"_class_name": "DPMSolverMultistepScheduler", "lambda_min_clipped": -Infinity, "variance_type": null}');
    expect(scheduler.setup.config.lambda_min_clipped).toBe(-Infinity);
    expect(() => readDiffusersSchedulerConfig('{"_class_name": ', 'x.json')).toThrow(/x\.json: not valid JSON/);
    expect(fromDiffusersConfig(scheduler.setup.config as Record<string, unknown>, { className: 'DPMSolverMultistepScheduler' }).className).toBe('DPMSolverMultistepScheduler');
  });
});
