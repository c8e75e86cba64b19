import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { maxAbsDifference, normalTensor } from '../test/backbone-assertions';
import { createParameterStore } from './backbone-parameters';
import { createConv2dLayer } from './conv2d-layer';
import { createGroupNormLayer } from './group-norm-layer';

describe('GroupNorm and conv layers', () => {
  it('normalises each group over (H, W, C / G) with epsilon 1e-5, then applies gain and bias', () => {
    const store = createParameterStore(0);
    const norm = createGroupNormLayer(store, 'norm', 6, 3);
    store.variables.get('norm.weight')!.assign(tf.tensor1d([1, 2, 3, 4, 5, 6]));
    store.variables.get('norm.bias')!.assign(tf.tensor1d([0, 0.1, 0.2, 0.3, 0.4, 0.5]));
    const x = normalTensor(1, [2, 3, 2, 6], 2);
    const values = Array.from(x.dataSync());
    const output = norm.apply(x).dataSync();
    const expected = new Float64Array(values.length);
    for (let b = 0; b < 2; b += 1) {
      for (let g = 0; g < 3; g += 1) {
        const indices: number[] = [];
        for (let p = 0; p < 6; p += 1) for (let c = 2 * g; c < 2 * g + 2; c += 1) indices.push((b * 6 + p) * 6 + c);
        const mean = indices.reduce((a, i) => a + values[i]!, 0) / indices.length;
        const variance = indices.reduce((a, i) => a + (values[i]! - mean) ** 2, 0) / indices.length;
        for (const i of indices) expected[i] = ((values[i]! - mean) / Math.sqrt(variance + 1e-5)) * (1 + (i % 6)) + 0.1 * (i % 6);
      }
    }
    expect(maxAbsDifference(output, expected)).toBeLessThan(1e-5);
    x.dispose();
    store.dispose();
  });

  it('pads symmetrically like PyTorch padding=1 for a stride-2 3x3 conv (naive reference, tolerance 1e-5)', () => {
    const store = createParameterStore(2);
    const conv = createConv2dLayer(store, 'conv', 2, 3, 3, 2);
    const x = normalTensor(3, [1, 4, 4, 2]);
    const output = conv.apply(x);
    expect(output.shape).toEqual([1, 2, 2, 3]);
    const xs = x.arraySync() as number[][][][];
    const w = store.variables.get('conv.weight')!.arraySync() as number[][][][];
    const expected: number[] = [];
    for (let p = 0; p < 2; p += 1) for (let q = 0; q < 2; q += 1) for (let o = 0; o < 3; o += 1) {
      let sum = 0;
      for (let i = 0; i < 3; i += 1) for (let j = 0; j < 3; j += 1) for (let c = 0; c < 2; c += 1) {
        const h = 2 * p + i - 1;
        const v = 2 * q + j - 1;
        if (h >= 0 && h < 4 && v >= 0 && v < 4) sum += xs[0]![h]![v]![c]! * w[i]![j]![c]![o]!;
      }
      expected.push(sum);
    }
    expect(maxAbsDifference(output.dataSync(), expected)).toBeLessThan(1e-5);
    tf.dispose([x, output]);
    store.dispose();
  });
});
