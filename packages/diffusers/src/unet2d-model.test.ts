import { DiffusionError } from '@diffusion/core';
import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixtureFolder, nchwValues, nhwcFromNchw, readVectors, relativeMaxError } from '../test/vectors';
import { createUnet2DModelFromFiles } from './unet2d-folder';
import { createUnet2DModel } from './unet2d-model';

const small = { sample_size: 8, in_channels: 3, out_channels: 3, block_out_channels: [8, 16], layers_per_block: 1, down_block_types: ['DownBlock2D', 'AttnDownBlock2D'], up_block_types: ['AttnUpBlock2D', 'UpBlock2D'], norm_num_groups: 4 };

function thrown(body: () => unknown): DiffusionError {
  try {
    body();
  } catch (error) {
    expect(error).toBeInstanceOf(DiffusionError);
    return error as DiffusionError;
  }
  throw new Error('expected a DiffusionError');
}

/** The forward error against diffusers when one config key is read wrongly (same weights). */
function errorWith(name: string, change: Record<string, unknown>): number {
  const folder = fixtureFolder(name);
  const config = { ...JSON.parse(readFileSync(`${folder}/config.json`, 'utf8')), ...change };
  const model = createUnet2DModelFromFiles(config, new Uint8Array(readFileSync(`${folder}/diffusion_pytorch_model.safetensors`)));
  const vectors = readVectors(name);
  const x = nhwcFromNchw(vectors.input.x, vectors.input.shape);
  const t = tf.tensor1d(vectors.input.timesteps);
  const labels = vectors.input.class_labels === null ? undefined : tf.tensor1d(vectors.input.class_labels, 'int32');
  const output = model.apply(x, t, labels);
  const error = relativeMaxError(nchwValues(output), vectors.output.sample);
  tf.dispose([x, t, output, ...(labels === undefined ? [] : [labels])]);
  model.dispose();
  return error;
}

describe('UNet2DModel backbone', () => {
  it('fails the reference when a trap key is read the wrong way, so the fixtures do tell the readings apart', () => {
    const traps: Array<[string, Record<string, unknown>]> = [
      ['head-dim-absent', { attention_head_dim: null }],
      ['head-dim-null', { attention_head_dim: 8 }],
      ['downsample-padding-0', { downsample_padding: 1 }],
      ['downsample-padding-1', { downsample_padding: 0 }],
      ['flip-false-shift-1', { flip_sin_to_cos: true }],
      ['flip-false-shift-1', { freq_shift: 0 }],
      ['center-input', { center_input_sample: false }],
      ['norm-eps-mid-scale', { mid_block_scale_factor: 1 }],
      ['norm-eps-mid-scale', { norm_eps: 1e-5 }],
      ['attn-norm-groups', { attn_norm_num_groups: null }],
    ];
    for (const [name, change] of traps) expect(errorWith(name, change), `${name} ${JSON.stringify(change)}`).toBeGreaterThan(1e-3);
  });

  it('takes NHWC samples, diffusers timesteps [batch], [1] or a scalar, and keeps tf.memory flat', () => {
    const model = createUnet2DModel(small, { seed: 1 });
    expect(model.sampleShape).toEqual([8, 8, 3]);
    expect(model.parameterCount).toBe([...model.variables().values()].reduce((total, weight) => total + weight.size, 0));
    const x = tf.randomNormal([2, 8, 8, 3], 0, 1, 'float32', 4);
    const [t2, t1, t0] = [tf.tensor1d([10, 10]), tf.tensor1d([10]), tf.scalar(10)];
    const before = tf.memory().numTensors;
    const outputs = [t2, t1, t0].map((t) => model.apply(x, t));
    expect(tf.memory().numTensors).toBe(before + 3);
    expect(outputs[0]!.shape).toEqual([2, 8, 8, 3]);
    expect(Array.from(outputs[1]!.dataSync())).toEqual(Array.from(outputs[0]!.dataSync()));
    expect(Array.from(outputs[2]!.dataSync())).toEqual(Array.from(outputs[0]!.dataSync()));
    // Any size with the right divisibility runs, as in diffusers.
    const wide = tf.zeros([1, 4, 12, 3]);
    const wideOutput = model.apply(wide, tf.tensor1d([3]));
    expect(wideOutput.shape).toEqual([1, 4, 12, 3]);
    expect(thrown(() => model.apply(tf.zeros([1, 8, 8, 2]), t1)).field).toBe('x');
    expect(thrown(() => model.apply(tf.zeros([1, 7, 8, 3]), t1)).field).toBe('x');
    expect(thrown(() => model.apply(x, tf.tensor1d([1, 2, 3]))).field).toBe('noiseLevel');
    expect(thrown(() => model.apply(x, t2, tf.tensor1d([0, 1], 'int32'))).message).toMatch(/no class embedding/);
    tf.dispose([x, t2, t1, t0, wide, wideOutput, ...outputs]);
    model.dispose();
    expect(thrown(() => model.apply(x, t2)).message).toMatch(/disposed/);
  });

  it('requires class labels in range when num_class_embeds is set, naming the field', () => {
    const model = createUnet2DModel({ ...small, num_class_embeds: 4 });
    expect(model.numClasses).toBe(3);
    const unconditional = createUnet2DModel(small);
    expect(unconditional.numClasses).toBeUndefined();
    unconditional.dispose();
    const x = tf.zeros([2, 8, 8, 3]);
    const t = tf.tensor1d([5, 5]);
    expect(thrown(() => model.apply(x, t)).field).toBe('condition');
    expect(thrown(() => model.apply(x, t, tf.tensor1d([0, 4], 'int32'))).field).toBe('condition[1]');
    expect(thrown(() => model.apply(x, t, tf.tensor1d([-1, 0], 'int32'))).field).toBe('condition[0]');
    expect(thrown(() => model.apply(x, t, tf.tensor1d([0.5, 0]))).field).toBe('condition[0]');
    expect(thrown(() => model.apply(x, t, tf.tensor1d([0], 'int32'))).field).toBe('condition');
    const labels = [tf.tensor1d([0, 3], 'int32'), tf.tensor1d([1, 3], 'int32')];
    const [a, b] = labels.map((label) => model.apply(x, t, label));
    const first = (output: tf.Tensor) => Array.from(output.dataSync().slice(0, 192));
    expect(first(a!)).not.toEqual(first(b!));
    expect(Array.from(a!.dataSync().slice(192))).toEqual(Array.from(b!.dataSync().slice(192)));
    tf.dispose([x, t, a!, b!, ...labels]);
    model.dispose();
  });

  it('is trainable: every weight gets a gradient, and dropout runs only in training mode', () => {
    const model = createUnet2DModel({ ...small, dropout: 0.5, num_class_embeds: 3 }, { seed: 2 });
    const x = tf.randomNormal([2, 8, 8, 3], 0, 1, 'float32', 5);
    const t = tf.tensor1d([100, 900]);
    const labels = tf.tensor1d([0, 2], 'int32');
    const { grads } = tf.variableGrads(() => tf.mean(tf.square(model.apply(x, t, labels))) as tf.Scalar, [...model.variables().values()]);
    expect(Object.keys(grads)).toHaveLength(model.variables().size);
    for (const gradient of Object.values(grads)) expect(Number.isFinite(tf.sum(tf.abs(gradient)).dataSync()[0])).toBe(true);
    const evaluation = [model.apply(x, t, labels), model.apply(x, t, labels)];
    expect(Array.from(evaluation[0]!.dataSync())).toEqual(Array.from(evaluation[1]!.dataSync()));
    model.setTraining(true);
    const trained = model.apply(x, t, labels);
    expect(Array.from(trained.dataSync())).not.toEqual(Array.from(evaluation[0]!.dataSync()));
    tf.dispose([x, t, labels, trained, ...evaluation, ...Object.values(grads)]);
    model.dispose();
  });

  it('seeds its weights: one seed, one model', () => {
    const [a, b, c] = [createUnet2DModel(small, { seed: 7 }), createUnet2DModel(small, { seed: 7 }), createUnet2DModel(small, { seed: 8 })];
    const weight = (model: typeof a) => Array.from(model.variables().get('down_blocks.1.attentions.0.to_q.weight')!.dataSync());
    expect(weight(a)).toEqual(weight(b));
    expect(weight(a)).not.toEqual(weight(c));
    [a, b, c].forEach((model) => model.dispose());
    expect(() => createUnet2DModel(small, { seed: -1 })).toThrow(/seed/);
  });
});
