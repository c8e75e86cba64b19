import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ddimStep, ddimStepCoefficients } from './__fixtures__/vp-steps/ddim-step';
import { ddpmStep } from './__fixtures__/vp-steps/ddpm-step';
import { ddpmPosteriorCoefficients } from './__fixtures__/vp-steps/posterior-mean';
import { predictionTypes, predictOriginalSample } from './__fixtures__/vp-steps/predict-original-sample';

const maxAbs = (values: ArrayLike<number>) => Math.max(...Array.from(values, Math.abs));
const levelPairs = fc
  .tuple(fc.double({ min: 1e-3, max: 0.999, noNaN: true }), fc.double({ min: 0.01, max: 1, noNaN: true }))
  .map(([alphaBar, fraction]) => ({ alphaBar, alphaBarPrev: alphaBar + fraction * (1 - alphaBar) }));

describe('DDIM and DDPM one-step helpers', () => {
  it('DDIM with eta = 1 is the DDPM posterior step (Song et al. 2021, eq. 16), float64 (property, 1e-12)', () => {
    fc.assert(
      fc.property(levelPairs, ({ alphaBar, alphaBarPrev }) => {
        const ddim = ddimStepCoefficients(alphaBar, alphaBarPrev, 1);
        const ddpm = ddpmPosteriorCoefficients(alphaBar, alphaBarPrev);
        // DDIM: x_prev = sqrt(abarPrev) x0 + k (x_t - sqrt(abar) x0) / sqrt(1 - abar) + s z.
        const onSample = ddim.epsCoefficient / Math.sqrt(1 - alphaBar);
        const onX0 = ddim.x0Coefficient - onSample * Math.sqrt(alphaBar);
        return Math.abs(onSample - ddpm.b) < 1e-12 && Math.abs(onX0 - ddpm.a) < 1e-12 && Math.abs(ddim.standardDeviation ** 2 - ddpm.variance) < 1e-12;
      }),
      { numRuns: 300 },
    );
  });

  it('DDIM with eta = 1 and DDPM give the same tensors for every prediction type (property, float32)', () => {
    const before = tf.memory().numTensors;
    fc.assert(
      fc.property(levelPairs, fc.constantFrom(...predictionTypes), fc.integer({ min: 0, max: 1e6 }), ({ alphaBar, alphaBarPrev }, predictionType, seed) =>
        tf.tidy(() => {
          const xt = tf.randomNormal([4, 3], 0, 1, 'float32', seed);
          const output = tf.randomNormal([4, 3], 0, 1, 'float32', seed + 1);
          const noise = tf.randomNormal([4, 3], 0, 1, 'float32', seed + 2);
          const ddim = ddimStep(output, xt, { alphaBar, alphaBarPrev, predictionType, eta: 1, noise });
          const ddpm = ddpmStep(output, xt, { alphaBar, alphaBarPrev, predictionType, noise });
          const scale = 1 + 4 / Math.sqrt(alphaBar * (1 - alphaBar));
          return maxAbs(tf.sub(ddim.prevSample, ddpm.prevSample).dataSync()) < 2e-6 * scale;
        }),
      ),
      { numRuns: 60 },
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it('DDIM recomputes eps from the clamped x0 only with useClippedModelOutput', () => {
    tf.tidy(() => {
      const xt = tf.tensor1d([0.5, -3]);
      const output = tf.tensor1d([4, -0.2]);
      const options = { alphaBar: 0.3, alphaBarPrev: 0.6, predictionType: 'sample' as const, clipSample: true, clipSampleRange: 1 };
      const plain = ddimStep(output, xt, options);
      const clipped = ddimStep(output, xt, { ...options, useClippedModelOutput: true });
      const x0 = [1, -0.2];
      const epsRaw = [(0.5 - Math.sqrt(0.3) * 4) / Math.sqrt(0.7), (-3 + Math.sqrt(0.3) * 0.2) / Math.sqrt(0.7)];
      const epsClipped = [(0.5 - Math.sqrt(0.3) * 1) / Math.sqrt(0.7), epsRaw[1]!];
      const expected = (eps: number[]) => x0.map((value, index) => Math.sqrt(0.6) * value + Math.sqrt(0.4) * eps[index]!);
      expect(maxAbs(tf.sub(plain.prevSample, expected(epsRaw)).dataSync())).toBeLessThan(1e-6);
      expect(maxAbs(tf.sub(clipped.prevSample, expected(epsClipped)).dataSync())).toBeLessThan(1e-6);
      expect(Array.from(plain.predOriginalSample.dataSync())).toEqual(x0.map(Math.fround));
    });
  });

  it('rejects bad options with a DiffusionError naming the field', () => {
    const x = tf.zeros([2]);
    const base = { alphaBar: 0.5, alphaBarPrev: 0.7, predictionType: 'epsilon' as const };
    expect(() => ddimStep(x, x, { ...base, predictionType: 'eps' as never })).toThrow(expect.objectContaining({ code: 'unknown-name', field: 'ddimStep.options.predictionType' }));
    expect(() => ddimStep(x, x, { ...base, alphaBar: 0 })).toThrow(expect.objectContaining({ field: 'ddimStep.options.alphaBar' }));
    expect(() => ddimStep(x, x, { ...base, eta: 0.5 })).toThrow(expect.objectContaining({ field: 'ddimStep.options.noise' }));
    expect(() => ddimStep(x, x, { ...base, eta: -1 })).toThrow(expect.objectContaining({ field: 'ddimStepCoefficients.eta' }));
    expect(() => ddpmStep(x, x, { ...base, clipSampleRange: 0 })).toThrow(expect.objectContaining({ field: 'ddpmStep.options.clipSampleRange' }));
    expect(() => ddpmStep(x, x, { ...base, clipSample: 'yes' as never })).toThrow(expect.objectContaining({ field: 'ddpmStep.options.clipSample' }));
    expect(() => ddpmStep(x, x, { ...base, alphaBarPrev: 0.1 })).toThrow(expect.objectContaining({ field: 'ddpmPosteriorCoefficients.alphaBarPrev' }));
    expect(() => predictOriginalSample(x, x, 0.5, 'epsilon', { clip: true } as never)).toThrow(expect.objectContaining({ field: 'predictOriginalSample.options.clip' }));
    expect(() => predictOriginalSample(x, x, 1.5, 'epsilon')).toThrow(expect.objectContaining({ field: 'predictOriginalSampleCoefficients.alphaBar' }));
    x.dispose();
  });
});
