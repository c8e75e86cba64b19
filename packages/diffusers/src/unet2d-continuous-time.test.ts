import * as tf from '@tensorflow/tfjs-core';
import { decodeSafetensors, float32Values } from '@diffusion/safetensors';
import { describe, expect, it } from 'vitest';
import { unet2DModelFiles } from './unet2d-folder';
import { createUnet2DModel } from './unet2d-model';
import { withContinuousTime } from './unet2d-continuous-time';

const small = { sample_size: 8, in_channels: 1, out_channels: 1, block_out_channels: [8, 16], layers_per_block: 1, down_block_types: ['DownBlock2D', 'AttnDownBlock2D'], up_block_types: ['AttnUpBlock2D', 'UpBlock2D'], norm_num_groups: 4 };

describe('withContinuousTime', () => {
  it('feeds the model diffusers timestep t T - 1 (discrete) or t T (continuous), sharing its weights', () => {
    const model = createUnet2DModel(small, { seed: 1 });
    const x = tf.randomNormal([2, 8, 8, 1], 0, 1, 'float32', 3);
    const t = tf.tensor1d([0.5, 0.001]);
    const wrapped = withContinuousTime(model);
    expect(wrapped.variables()).toBe(model.variables());
    const before = tf.memory().numTensors;
    const outputs = [wrapped.apply(x, t), model.apply(x, tf.tensor1d([499, 0])), withContinuousTime(model, { numTrainTimesteps: 100, discrete: false }).apply(x, t), model.apply(x, tf.tensor1d([50, 0.1]))];
    expect(tf.memory().numTensors).toBe(before + 6);
    expect(Array.from(outputs[0]!.dataSync())).toEqual(Array.from(outputs[1]!.dataSync()));
    const [c, d] = [outputs[2]!.dataSync(), outputs[3]!.dataSync()];
    c.forEach((value, index) => expect(value).toBeCloseTo(d[index]!, 5));
    tf.dispose([x, t, ...outputs]);
    wrapped.dispose();
  });

  it("saves replacement weights (a trainer's EMA) instead of the model's own", () => {
    const model = createUnet2DModel(small, { seed: 1 });
    const replacement = new Map([['conv_out.bias', tf.tensor1d([0.25])]]);
    const file = decodeSafetensors(unet2DModelFiles(model, { weights: replacement }).weights);
    expect(Array.from(float32Values(file.tensors.get('conv_out.bias')!))).toEqual([0.25]);
    expect(Array.from(float32Values(file.tensors.get('conv_in.bias')!))).toEqual(Array.from(model.variables().get('conv_in.bias')!.dataSync()));
    expect(() => unet2DModelFiles(model, { weights: new Map([['conv_out.bias', tf.tensor1d([1, 2])]]) })).toThrow(/shape \[2\], expected \[1\]/);
    tf.dispose([...replacement.values()]);
    model.dispose();
  });
});
