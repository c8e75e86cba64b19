import { DiffusionError } from '@diffusion/core';
import { decodeSafetensors, encodeSafetensors, float32Values, type SafetensorsEntry } from '@diffusion/safetensors';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixtureFolder } from '../test/vectors';
import { createUnet2DModel } from './unet2d-model';
import { loadUnet2DModelWeights, permuteValues, unet2DModelWeightEntries } from './unet2d-weights';

const folder = fixtureFolder('head-dim-null');
const config = JSON.parse(readFileSync(`${folder}/config.json`, 'utf8'));
const reference = decodeSafetensors(new Uint8Array(readFileSync(`${folder}/diffusion_pytorch_model.safetensors`)), 'unet/diffusion_pytorch_model.safetensors');
const entries = (): SafetensorsEntry[] => [...reference.tensors].map(([name, tensor]) => ({ name, shape: tensor.shape, values: float32Values(tensor) }));

function refusal(file: Uint8Array): DiffusionError {
  const model = createUnet2DModel(config);
  const before = Array.from(model.variables().get('conv_in.weight')!.dataSync());
  try {
    loadUnet2DModelWeights(model, decodeSafetensors(file, 'unet/diffusion_pytorch_model.safetensors'));
  } catch (error) {
    expect(error).toBeInstanceOf(DiffusionError);
    expect((error as DiffusionError).code).toBe('checkpoint');
    expect((error as DiffusionError).field).toBe('unet/diffusion_pytorch_model.safetensors');
    expect(Array.from(model.variables().get('conv_in.weight')!.dataSync())).toEqual(before);
    model.dispose();
    return error as DiffusionError;
  }
  throw new Error('expected a DiffusionError');
}

describe('UNet2DModel weights', () => {
  it('permutes axes as tf.transpose does (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }).chain((shape) => fc.tuple(fc.constant(shape), fc.shuffledSubarray([...shape.keys()], { minLength: shape.length }))), ([shape, permutation]) => {
        const size = shape.reduce((product, length) => product * length, 1);
        const values = Float32Array.from({ length: size }, (_, index) => index);
        const expected = tf.tidy(() => tf.transpose(tf.tensor(values, shape), permutation).dataSync());
        expect(Array.from(permuteValues(values, shape, permutation))).toEqual(Array.from(expected));
      }),
      { numRuns: 200 },
    );
  });

  it('transposes PyTorch layouts to tfjs and back exactly', () => {
    const model = createUnet2DModel(config);
    loadUnet2DModelWeights(model, reference);
    const convIn = reference.tensors.get('conv_in.weight')!;
    expect(convIn.shape).toEqual([8, 3, 3, 3]);
    const torch = float32Values(convIn);
    const ours = model.variables().get('conv_in.weight')!;
    expect(ours.shape).toEqual([3, 3, 3, 8]);
    // tfjs [kh, kw, in, out] at (1, 2, 0, 5) is torch [out, in, kh, kw] at (5, 0, 1, 2).
    expect(ours.arraySync() as number[][][][]).toSatisfy((array: number[][][][]) => array[1]![2]![0]![5] === torch[5 * 27 + 0 * 9 + 1 * 3 + 2]);
    const linear = float32Values(reference.tensors.get('time_embedding.linear_1.weight')!);
    expect((model.variables().get('time_embedding.linear_1.weight')!.arraySync() as number[][])[3]![7]).toBe(linear[7 * 8 + 3]);
    const back = new Map(unet2DModelWeightEntries(model).map((entry) => [entry.name, entry]));
    for (const [name, tensor] of reference.tensors) {
      expect(back.get(name)!.shape, name).toEqual(tensor.shape);
      expect(Array.from(back.get(name)!.values as Float32Array), name).toEqual(Array.from(float32Values(tensor)));
    }
    model.dispose();
  });

  it('lists missing, unexpected, wrong-shape, wrong-dtype and doubly stored tensors and changes nothing', () => {
    const all = entries();
    const missing = refusal(encodeSafetensors(all.filter((entry) => entry.name !== 'mid_block.attentions.0.to_k.bias')));
    expect(missing.message).toContain('missing: mid_block.attentions.0.to_k.bias');
    const extra = refusal(encodeSafetensors([...all, { name: 'mid_block.attentions.0.extra.weight', shape: [1], values: [1] }]));
    expect(extra.message).toContain('unexpected: mid_block.attentions.0.extra.weight');
    const reshaped = refusal(encodeSafetensors(all.map((entry) => (entry.name === 'conv_out.weight' ? { ...entry, shape: [3, 8, 9] } : entry))));
    expect(reshaped.message).toContain('wrong shape: conv_out.weight ([3, 8, 9], expected [3, 8, 3, 3])');
    const integer = refusal(encodeSafetensors(all.map((entry) => (entry.name === 'conv_out.bias' ? { ...entry, values: new Int32Array(3), dtype: 'I32' as const } : entry))));
    expect(integer.message).toContain('wrong dtype: conv_out.bias (I32');
    const twice = refusal(encodeSafetensors([...all, { ...all.find((entry) => entry.name === 'mid_block.attentions.0.to_q.weight')!, name: 'mid_block.attentions.0.query.weight' }]));
    expect(twice.message).toContain('stored twice (legacy and current name): mid_block.attentions.0.query.weight and mid_block.attentions.0.to_q.weight');
  });
});
