import '@tensorflow/tfjs-backend-wasm';
import { createRandomSource } from '@diffusion/core';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { biasSiluSimdModule } from './bias-silu-kernel';
import { biasSilu, ensureBiasSiluKernels, silu } from '../test/register-kernels';

const values = (seed: number, count: number, scale = 1) => Float32Array.from(createRandomSource(seed).normals(count), (value) => scale * value);

/** y = silu(z + b), dz and dbias of sum(y * w) in float64 (the reference). */
function exact(z: Float32Array, bias: Float32Array, w: Float32Array, rows: number, columns: number) {
  const y = new Float64Array(rows * columns);
  const dz = new Float64Array(rows * columns);
  const dbias = new Float64Array(columns);
  for (let index = 0; index < rows * columns; index += 1) {
    const h = z[index]! + bias[index % columns]!;
    const s = 1 / (1 + Math.exp(-h));
    y[index] = h * s;
    dz[index] = w[index]! * s * (1 + h * (1 - s));
    dbias[index % columns]! += dz[index]!;
  }
  return { y, dz, dbias };
}

/** Fused y, dz and dbias on the current backend (dy = w). */
function fused(z: Float32Array, bias: Float32Array, w: Float32Array, rows: number, columns: number) {
  return tf.tidy(() => {
    const zs = tf.tensor(z, [rows, columns]);
    const bs = tf.tensor(bias, [columns]);
    const ws = tf.tensor(w, [rows, columns]);
    const y = biasSilu(zs, bs, tf.getBackend());
    const [dz, dbias] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(biasSilu(a, b, tf.getBackend()), ws)))([zs, bs]);
    return { y: y.dataSync() as Float32Array, dz: dz!.dataSync() as Float32Array, dbias: dbias!.dataSync() as Float32Array };
  });
}

const maxAbs = (values: ArrayLike<number>) => Array.from(values).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
const maxDifference = (got: Float32Array, want: ArrayLike<number>) => got.reduce((m, v, i) => Math.max(m, Math.abs(v - want[i]!)), 0);
/**
 * dbias sums `rows` terms of dz, each within 1e-6 max|dz| (the bound on dz) plus float32 rounding
 * of the running sum: within rows 1.1e-6 max|dz|.
 */
const dbiasBound = (rows: number, dz: ArrayLike<number>) => rows * 1.1e-6 * maxAbs(dz);

/** max |got - want| / (max |want| + tiny): float32 rounding of a few operations, scaled to the data. */
const relative = (got: Float32Array, want: Float64Array) => {
  const scale = want.reduce((m, v) => Math.max(m, Math.abs(v)), 1e-30);
  return got.reduce((m, v, i) => Math.max(m, Math.abs(v - want[i]!)), 0) / scale;
};

describe.each(['cpu', 'wasm'])('fused bias + SiLU kernels (%s)', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });


  it('registers on this backend; on wasm the SIMD loops are there for widths that are a multiple of 4', () => {
    expect(ensureBiasSiluKernels(backend)).toBe(true);
    expect(biasSiluSimdModule(tf.backend()) !== undefined).toBe(backend === 'wasm');
  });

  for (const [rows, columns] of [[512, 256], [37, 12], [5, 3], [130, 4]] as const) {
    it(`matches float64 and the composed ops at [${rows}, ${columns}], no leaks`, () => {
      const z = values(1, rows * columns, 3);
      const bias = values(2, columns);
      const w = values(3, rows * columns);
      const before = tf.memory().numTensors;
      const got = fused(z, bias, w, rows, columns);
      expect(tf.memory().numTensors).toBe(before);
      const want = exact(z, bias, w, rows, columns);
      expect(relative(got.y, want.y)).toBeLessThan(1e-6);
      expect(relative(got.dz, want.dz)).toBeLessThan(1e-6);
      expect(maxDifference(got.dbias, want.dbias)).toBeLessThan(dbiasBound(rows, want.dz));
      const composed = tf.tidy(() => {
        const zs = tf.tensor(z, [rows, columns]);
        const bs = tf.tensor(bias, [columns]);
        const ws = tf.tensor(w, [rows, columns]);
        const [dz, dbias] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(silu(tf.add(a, b)), ws)))([zs, bs]);
        return { y: silu(tf.add(zs, bs)).dataSync() as Float32Array, dz: dz!.dataSync() as Float32Array, dbias: dbias!.dataSync() as Float32Array };
      });
      expect(relative(got.y, Float64Array.from(composed.y))).toBeLessThan(1e-6);
      expect(relative(got.dz, Float64Array.from(composed.dz))).toBeLessThan(1e-6);
      expect(maxDifference(got.dbias, composed.dbias)).toBeLessThan(2 * dbiasBound(rows, want.dz));
    });
  }

  it('matches float64 on random shapes and magnitudes, saturated arguments included (fast-check)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 70 }), fc.integer({ min: 1, max: 20 }), fc.constantFrom(0.1, 3, 30, 200), fc.integer({ min: 1, max: 1e6 }), (rows, quads, scale, seed) => {
        const columns = 4 * quads - (seed % 2);
        const z = values(seed, rows * columns, scale);
        const bias = values(seed + 1, columns);
        const w = values(seed + 2, rows * columns);
        const got = fused(z, bias, w, rows, columns);
        const want = exact(z, bias, w, rows, columns);
        expect(relative(got.y, want.y)).toBeLessThan(1e-6);
        expect(relative(got.dz, want.dz)).toBeLessThan(1e-6);
        expect(maxDifference(got.dbias, want.dbias)).toBeLessThan(dbiasBound(rows, want.dz));
      }),
      { numRuns: Number(process.env.RUNS ?? 80) },
    );
  });
});
