import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { applyAdamStep, createAdamState, disposeAdamState } from './adam-optimizer';
import { clippingFactor, globalGradientNorm, scaleGradients } from './gradient-clipping';

/** Float64 reference of AdamW (Loshchilov & Hutter 2019, Algorithm 2; PyTorch's AdamW update order). */
function referenceAdamW(weight: number[], gradientSteps: number[][], options: { lr: number; beta1: number; beta2: number; epsilon: number; weightDecay: number }): number[] {
  const w = [...weight];
  const m = w.map(() => 0);
  const v = w.map(() => 0);
  gradientSteps.forEach((gradient, index) => {
    const step = index + 1;
    for (let k = 0; k < w.length; k += 1) {
      w[k] = w[k]! * (1 - options.lr * options.weightDecay);
      m[k] = options.beta1 * m[k]! + (1 - options.beta1) * gradient[k]!;
      v[k] = options.beta2 * v[k]! + (1 - options.beta2) * gradient[k]! ** 2;
      const mHat = m[k]! / (1 - options.beta1 ** step);
      const vHat = v[k]! / (1 - options.beta2 ** step);
      w[k] = w[k]! - (options.lr * mHat) / (Math.sqrt(vHat) + options.epsilon);
    }
  });
  return w;
}

describe('applyAdamStep', () => {
  it('matches a float64 AdamW reference over several steps', () => {
    const finite = fc.double({ min: -3, max: 3, noNaN: true });
    fc.assert(
      fc.property(fc.array(finite, { minLength: 3, maxLength: 3 }), fc.array(fc.array(finite, { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 5 }), fc.double({ min: 0, max: 0.1, noNaN: true }), (start, gradients, weightDecay) => {
        const options = { lr: 0.01, beta1: 0.9, beta2: 0.99, epsilon: 1e-3, weightDecay };
        const weights = new Map([['w', tf.variable(tf.tensor1d(start))]]);
        const state = createAdamState(weights);
        gradients.forEach((gradient, index) => {
          const tensor = tf.tensor1d(gradient);
          applyAdamStep(weights, new Map([['w', tensor]]), state, options, options.lr, index + 1);
          tensor.dispose();
        });
        const expected = referenceAdamW(start, gradients, options);
        const actual = weights.get('w')!.dataSync();
        expected.forEach((value, index) => expect(actual[index]).toBeCloseTo(value, 5));
        disposeAdamState(state);
        weights.get('w')!.dispose();
      }),
      { numRuns: 40 },
    );
  });

  it('moves each weight by about lr on the first step (m_hat / sqrt(v_hat) = sign(g))', () => {
    const weights = new Map([['w', tf.variable(tf.tensor1d([1, 1]))]]);
    const state = createAdamState(weights);
    const gradient = tf.tensor1d([1e-3, -50]);
    applyAdamStep(weights, new Map([['w', gradient]]), state, { beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0 }, 0.1, 1);
    const actual = weights.get('w')!.dataSync();
    expect(actual[0]).toBeCloseTo(0.9, 5);
    expect(actual[1]).toBeCloseTo(1.1, 5);
    gradient.dispose();
    disposeAdamState(state);
    weights.get('w')!.dispose();
  });
});

describe('gradient clipping', () => {
  it('computes the global norm over all tensors and rescales to at most maxNorm', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 5, maxLength: 5 }), fc.double({ min: 0.01, max: 20, noNaN: true }), (values, maxNorm) => {
        const gradients = new Map<string, tf.Tensor>([
          ['a', tf.tensor2d(values.slice(0, 4), [2, 2])],
          ['b', tf.tensor1d(values.slice(4))],
        ]);
        const expectedNorm = Math.hypot(...values);
        const norm = globalGradientNorm(gradients.values());
        expect(norm.dataSync()[0]).toBeCloseTo(expectedNorm, 3);
        const factor = clippingFactor(expectedNorm, maxNorm);
        expect(factor).toBeCloseTo(Math.min(1, maxNorm / (expectedNorm + 1e-6)), 12);
        const scaled = scaleGradients(gradients, factor);
        const clippedNorm = globalGradientNorm(scaled.values());
        expect(clippedNorm.dataSync()[0]!).toBeLessThanOrEqual(maxNorm * (1 + 1e-5));
        if (factor < 1) expect(clippedNorm.dataSync()[0]).toBeCloseTo(maxNorm, 3);
        tf.dispose([norm, clippedNorm, ...gradients.values(), ...(factor === 1 ? [] : scaled.values())]);
      }),
      { numRuns: 50 },
    );
    expect(clippingFactor(1e9, undefined)).toBe(1);
  });
});
