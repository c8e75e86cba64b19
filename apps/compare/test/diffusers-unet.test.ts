import { createLinearSchedule } from '@diffusion/schedules';
import { loadUnet2DModel } from '@diffusion/diffusers';
import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config';
import { createDiffusersUnetBackbone, diffusersUnetConfig, saveTrainedDiffusersUnet } from '../src/diffusers-unet';

describe('the diffusers-unet backbone of MNIST runs', () => {
  it('merges diffusersUnet over the MNIST default and refuses what diffusers or MNIST cannot take', () => {
    const config = parseConfig({ dataset: 'mnist', backbone: 'diffusers-unet', diffusersUnet: { block_out_channels: [8, 16, 16], norm_num_groups: 4, attention_head_dim: 8, num_class_embeds: 10 } });
    expect(diffusersUnetConfig(config)).toMatchObject({ sample_size: 28, block_out_channels: [8, 16, 16], num_class_embeds: 10 });
    expect(() => diffusersUnetConfig(parseConfig({ dataset: 'mnist', backbone: 'diffusers-unet', diffusersUnet: { sample_size: 32 } }))).toThrow(/MNIST needs sample_size 28/);
    expect(() => diffusersUnetConfig(parseConfig({ dataset: 'mnist', backbone: 'diffusers-unet', diffusersUnet: { act_fn: 'gelu' } }))).toThrow(/diffusersUnet: act_fn: got "gelu"/);
    expect(() => parseConfig({ dataset: 'mnist', backbone: 'diffusers' })).toThrow();
  });

  it('feeds diffusers timesteps and saves a folder diffusers loads, with the EMA weights', async () => {
    const out = mkdtempSync(join(tmpdir(), 'compare-diffusers-'));
    const config = parseConfig({ dataset: 'mnist', backbone: 'diffusers-unet', out, diffusersUnet: { block_out_channels: [8, 16, 16], norm_num_groups: 4, attention_head_dim: 8 } });
    const backbone = createDiffusersUnetBackbone(config, createLinearSchedule({ numTrainTimesteps: 1000 }));
    expect(backbone.sampleShape).toEqual([28, 28, 1]);
    const ema = new Map([...backbone.variables()].map(([name, weight]) => [name, tf.mul(weight, 0.5)]));
    await saveTrainedDiffusersUnet(config, backbone, 'eps · natural', ema);
    const saved = await loadUnet2DModel(join(out, 'diffusers-unet', 'eps-natural'));
    expect(Array.from(saved.variables().get('conv_in.bias')!.dataSync())).toEqual(Array.from(ema.get('conv_in.bias')!.dataSync()));
    const x = tf.zeros([1, 28, 28, 1]);
    const [a, b] = [backbone.apply(x, tf.tensor1d([0.5])), backbone.model.apply(x, tf.tensor1d([499]))];
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    tf.dispose([x, a, b, ...ema.values()]);
    backbone.dispose();
    saved.dispose();
    rmSync(out, { recursive: true, force: true });
  });
});
