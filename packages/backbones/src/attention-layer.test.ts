import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { maxAbsDifference, normalTensor } from '../test/backbone-assertions';
import { multiHeadAttention } from './attention-layer';

/** Naive float64 multi-head attention on nested arrays: softmax(q k^T / sqrt(d)) v per head. */
function naiveAttention(q: number[][][], k: number[][][], v: number[][][], heads: number): number[] {
  const out: number[] = [];
  for (let b = 0; b < q.length; b += 1) {
    const tokens = q[b]!.length;
    const width = q[b]![0]!.length;
    const d = width / heads;
    const rows = Array.from({ length: tokens }, () => new Array<number>(width).fill(0));
    for (let h = 0; h < heads; h += 1) {
      for (let i = 0; i < tokens; i += 1) {
        const scores = Array.from({ length: tokens }, (_, j) => {
          let dot = 0;
          for (let e = 0; e < d; e += 1) dot += q[b]![i]![h * d + e]! * k[b]![j]![h * d + e]!;
          return dot / Math.sqrt(d);
        });
        const max = Math.max(...scores);
        const weights = scores.map((s) => Math.exp(s - max));
        const total = weights.reduce((a, c) => a + c, 0);
        for (let j = 0; j < tokens; j += 1) for (let e = 0; e < d; e += 1) rows[i]![h * d + e]! += (weights[j]! / total) * v[b]![j]![h * d + e]!;
      }
    }
    out.push(...rows.flat());
  }
  return out;
}

describe('multiHeadAttention', () => {
  it.each([1, 2, 4])('matches a naive float64 implementation with %i heads (tolerance 1e-5)', (heads) => {
    const [q, k, v] = [normalTensor(1, [2, 5, 8]), normalTensor(2, [2, 5, 8]), normalTensor(3, [2, 5, 8])];
    const output = multiHeadAttention(q, k, v, heads);
    const expected = naiveAttention(q.arraySync() as number[][][], k.arraySync() as number[][][], v.arraySync() as number[][][], heads);
    expect(maxAbsDifference(output.dataSync(), expected)).toBeLessThan(1e-5);
    tf.dispose([q, k, v, output]);
  });
});
