import { DiffusionError } from '@diffusion/core';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixtureFolder } from '../test/vectors';
import { readUnet2DModelConfig } from './unet2d-config';
import { planUnet2DModel } from './unet2d-plan';

const tiny = JSON.parse(readFileSync(`${fixtureFolder('unet2d-tiny')}/config.json`, 'utf8')) as Record<string, unknown>;
const cifar = JSON.parse(readFileSync(`${fixtureFolder('ddpm-cifar10-family')}/config.json`, 'utf8')) as Record<string, unknown>;

function refusal(config: unknown): DiffusionError {
  try {
    planUnet2DModel(readUnet2DModelConfig(config, 'unet/config.json'), 'unet/config.json');
  } catch (error) {
    expect(error).toBeInstanceOf(DiffusionError);
    return error as DiffusionError;
  }
  throw new Error('expected a DiffusionError');
}

describe('readUnet2DModelConfig', () => {
  it('fills in diffusers v0.31.0 defaults for absent keys: attention_head_dim 8, add_attention, default time shift', () => {
    expect(cifar.attention_head_dim).toBeUndefined();
    const config = readUnet2DModelConfig(cifar);
    expect(config.attention_head_dim).toBe(8);
    expect(config.add_attention).toBe(true);
    expect(config.resnet_time_scale_shift).toBe('default');
    expect(config.mid_block_type).toBe('UNetMidBlock2D');
    expect(config.sample_size).toEqual([16, 16]);
    expect(readUnet2DModelConfig({ ...tiny, attention_head_dim: null }).attention_head_dim).toBeNull();
    // null: one head of the block's full width; absent: heads of width 8.
    expect(planUnet2DModel(readUnet2DModelConfig({ ...tiny, attention_head_dim: null })).down[1]!.attentions[0]!.heads).toBe(1);
    expect(planUnet2DModel(readUnet2DModelConfig(tiny)).down[1]!.attentions[0]!.heads).toBe(8);
  });

  it('lays out the skip widths of the up path as diffusers does', () => {
    const plan = planUnet2DModel(readUnet2DModelConfig(cifar));
    expect(plan.up.map((block) => block.resnets.map((resnet) => resnet.inChannels))).toEqual([[32, 32, 32], [32, 32, 32], [32, 32, 24], [24, 16, 16]]);
    expect(plan.up.map((block) => block.resample)).toEqual(['up_blocks.0.upsamplers.0.conv', 'up_blocks.1.upsamplers.0.conv', 'up_blocks.2.upsamplers.0.conv', null]);
    expect(plan.middle!.attention!.groups).toBe(4);
    expect(planUnet2DModel(readUnet2DModelConfig({ ...cifar, resnet_time_scale_shift: 'scale_shift' })).middle!.attention!.groups).toBeNull();
  });

  it('refuses every value it cannot honour, naming the file, the key and the value', () => {
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ time_embedding_type: 'fourier' }, 'time_embedding_type', /"fourier".*Gaussian Fourier/],
      [{ time_embedding_type: 'learned' }, 'time_embedding_type', /"learned"/],
      [{ down_block_types: ['CrossAttnDownBlock2D', 'AttnDownBlock2D'] }, 'down_block_types[0]', /CrossAttnDownBlock2D/],
      [{ up_block_types: ['AttnUpBlock2D', 'SkipUpBlock2D'] }, 'up_block_types[1]', /SkipUpBlock2D/],
      [{ act_fn: 'gelu' }, 'act_fn', /"gelu"/],
      [{ mid_block_type: 'UNetMidBlock2DCrossAttn' }, 'mid_block_type', /UNetMidBlock2DCrossAttn/],
      [{ class_embed_type: 'timestep' }, 'class_embed_type', /"timestep"/],
      [{ downsample_type: 'resnet' }, 'downsample_type', /"resnet"/],
      [{ upsample_type: 'resnet' }, 'upsample_type', /"resnet"/],
      [{ resnet_time_scale_shift: 'spatial' }, 'resnet_time_scale_shift', /"spatial"/],
      [{ downsample_padding: 2 }, 'downsample_padding', /got 2/],
      [{ norm_num_groups: 5 }, 'norm_num_groups', /divisor of every normalised width/],
      [{ attn_norm_num_groups: 3 }, 'attn_norm_num_groups', /middle attention's width 64/],
      [{ attention_head_dim: 65 }, 'attention_head_dim', /at most the width/],
      [{ sample_size: 15 }, 'sample_size', /a multiple of 2/],
      [{ sample_size: null }, 'sample_size', /positive integer or \[height, width\]/],
      [{ up_block_types: ['UpBlock2D'] }, 'up_block_types', /as many up blocks/],
      [{ block_out_channels: [32] }, 'block_out_channels', /one width per down block/],
      [{ cross_attention_dim: 768 }, 'cross_attention_dim', /no such key/],
      [{ _class_name: 'UNet2DConditionModel' }, '_class_name', /UNet2DConditionModel/],
      [{ dropout: 1 }, 'dropout', /\[0, 1\)/],
      [{ norm_eps: 0 }, 'norm_eps', /positive/],
      [{ num_class_embeds: 0 }, 'num_class_embeds', /integer >= 1/],
      [{ flip_sin_to_cos: 'yes' }, 'flip_sin_to_cos', /true or false/],
      [{ freq_shift: 16 }, 'freq_shift', /other than 16/],
    ];
    for (const [change, key, message] of cases) {
      const error = refusal({ ...tiny, ...change });
      expect(error.field, key).toBe(`unet/config.json: ${key}`);
      expect(error.message, key).toMatch(message);
      expect(error.message.startsWith(`unet/config.json: ${key}: got `)).toBe(true);
    }
    expect(refusal([1]).field).toBe('unet/config.json: (root)');
  });

  it('ignores underscore keys and accepts the UNetRes prefix and the swish alias as diffusers does', () => {
    const config = readUnet2DModelConfig({ ...tiny, _name_or_path: 'x', act_fn: 'swish', down_block_types: ['UNetResDownBlock2D', 'AttnDownBlock2D'] });
    expect(config.down_block_types).toEqual(['DownBlock2D', 'AttnDownBlock2D']);
    expect(config.act_fn).toBe('swish');
    expect(readUnet2DModelConfig({ ...tiny, sample_size: [16, 32] }).sample_size).toEqual([16, 32]);
  });
});
