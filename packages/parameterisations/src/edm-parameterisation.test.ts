import { DiffusionError } from '@diffusion/core';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addNoise } from './add-noise';
import { edmCIn, edmCNoise, edmCOut, edmCSkip, edmCoefficients } from './edm-coefficients';
import { createEdmParameterisation } from './edm-parameterisation';

const sigmas = fc.double({ min: 1e-3, max: 100, noNaN: true });
const sigmaDatas = fc.double({ min: 0.05, max: 5, noNaN: true });
const maxAbs = (values: ArrayLike<number>) => Math.max(...Array.from(values, Math.abs));

describe('edmCoefficients (Karras et al. 2022, Table 1)', () => {
  it('has c_skip = 1/2, c_out = sigmaData / sqrt 2, c_in = 1 / (sigmaData sqrt 2) at sigma = sigmaData', () => {
    const { cSkip, cOut, cIn, cNoise } = edmCoefficients(0.5);
    expect(cSkip).toBeCloseTo(0.5, 15);
    expect(cOut).toBeCloseTo(0.5 / Math.SQRT2, 15);
    expect(cIn).toBeCloseTo(1 / (0.5 * Math.SQRT2), 15);
    expect(cNoise).toBeCloseTo(Math.log(0.5) / 4, 15);
    expect([edmCSkip(2, 1), edmCOut(2, 1), edmCIn(2, 1), edmCNoise(2)]).toEqual([1 / 5, 2 / Math.sqrt(5), 1 / Math.sqrt(5), Math.log(2) / 4]);
  });

  it('gives unit-variance network inputs and training targets for data of variance sigmaData^2 (property, 1e-12)', () => {
    fc.assert(
      fc.property(sigmas, sigmaDatas, (sigma, sigmaData) => {
        const { cSkip, cOut, cIn } = edmCoefficients(sigma, sigmaData);
        // Var(c_in (x0 + sigma n)) = c_in^2 (sigmaData^2 + sigma^2) = 1 (Karras et al. 2022, App. B.6).
        const inputVariance = cIn * cIn * (sigmaData * sigmaData + sigma * sigma);
        // Var((x0 - c_skip (x0 + sigma n)) / c_out) = ((1 - c_skip)^2 sigmaData^2 + c_skip^2 sigma^2) / c_out^2 = 1 (same appendix).
        const targetVariance = ((1 - cSkip) ** 2 * sigmaData ** 2 + cSkip ** 2 * sigma ** 2) / cOut ** 2;
        return Math.abs(inputVariance - 1) < 1e-12 && Math.abs(targetVariance - 1) < 1e-12;
      }),
    );
  });

  it('rejects a bad sigma or sigmaData naming the field', () => {
    expect(() => edmCoefficients(-1)).toThrow(expect.objectContaining({ field: 'edmCoefficients.sigma' }));
    expect(() => edmCoefficients(1, 0)).toThrow(expect.objectContaining({ field: 'edmCoefficients.sigmaData' }));
    expect(() => edmCNoise(0)).toThrow(expect.objectContaining({ field: 'edmCNoise.sigma' }));
  });
});

describe('createEdmParameterisation', () => {
  it('rejects a bad sigmaData with a DiffusionError naming the field, the value and what is allowed', () => {
    for (const sigmaData of [0, -0.5, Number.NaN, Number.POSITIVE_INFINITY, '0.5']) {
      let caught: unknown;
      try {
        createEdmParameterisation({ sigmaData: sigmaData as number });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(DiffusionError);
      expect(caught).toMatchObject({ code: 'invalid-option', field: 'createEdmParameterisation.sigmaData', value: sigmaData, allowed: 'a finite number > 0' });
    }
    expect(() => createEdmParameterisation({ sigmaDate: 1 } as never)).toThrow(expect.objectContaining({ field: 'createEdmParameterisation.sigmaDate' }));
    expect(() => createEdmParameterisation().noiseConditioning!(0.5, 0)).toThrow(expect.objectContaining({ field: 'edm.noiseConditioning.sigmaVe' }));
  });

  it('matches D = c_skip x + c_out F, c_in x and c_noise of the float64 helpers on a VP level (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: -8, max: 8, noNaN: true }), sigmaDatas, fc.integer({ min: 0, max: 1e6 }), (logSnr, sigmaData, seed) => {
        const before = tf.memory().numTensors;
        const alpha = Math.sqrt(1 / (1 + Math.exp(-logSnr)));
        const sigma = Math.sqrt(1 / (1 + Math.exp(logSnr)));
        const sigmaVe = sigma / alpha;
        const { cSkip, cOut, cIn, cNoise } = edmCoefficients(sigmaVe, sigmaData);
        const edm = createEdmParameterisation({ sigmaData });
        const ok = tf.tidy(() => {
          const xt = tf.randomNormal([3, 5], 0, 2, 'float32', seed);
          const output = tf.randomNormal([3, 5], 0, 1, 'float32', seed + 1);
          const xVe = tf.div(xt, alpha);
          const denoised = edm.toX0(output, xt, { alpha, sigma });
          const expected = tf.add(tf.mul(xVe, cSkip), tf.mul(output, cOut));
          const scaled = edm.scaleInput!(xt, { alpha, sigma });
          const scale = 1 + maxAbs(xVe.dataSync());
          return (
            maxAbs(tf.sub(denoised, expected).dataSync()) < 1e-6 * scale &&
            maxAbs(tf.sub(scaled, tf.mul(xVe, cIn)).dataSync()) < 1e-6 * scale * cIn &&
            Math.abs(edm.noiseConditioning!(0.3, sigmaVe) - cNoise) < 1e-15
          );
        });
        return ok && tf.memory().numTensors === before;
      }),
      { numRuns: 50 },
    );
  });

  it('gives the same target, input and x0 on a VP level and on the VE level x_t / alpha (property)', () => {
    const edm = createEdmParameterisation();
    fc.assert(
      fc.property(fc.double({ min: -8, max: 8, noNaN: true }), fc.integer({ min: 0, max: 1e6 }), (logSnr, seed) =>
        tf.tidy(() => {
          const alpha = Math.sqrt(1 / (1 + Math.exp(-logSnr)));
          const sigma = Math.sqrt(1 / (1 + Math.exp(logSnr)));
          const vp = { alpha, sigma };
          const ve = { alpha: 1, sigma: sigma / alpha };
          const x0 = tf.randomNormal([4, 2], 0, 0.5, 'float32', seed);
          const noise = tf.randomNormal([4, 2], 0, 1, 'float32', seed + 1);
          const xtVp = addNoise(x0, noise, vp);
          const xtVe = addNoise(x0, noise, ve);
          const output = tf.randomNormal([4, 2], 0, 1, 'float32', seed + 2);
          const scale = 1 + sigma / alpha;
          const close = (left: tf.Tensor, right: tf.Tensor) => maxAbs(tf.sub(left, right).dataSync()) < 2e-6 * scale;
          return (
            close(edm.target(x0, noise, vp), edm.target(x0, noise, ve)) &&
            close(edm.scaleInput!(xtVp, vp), edm.scaleInput!(xtVe, ve)) &&
            close(edm.toX0(output, xtVp, vp), edm.toX0(output, xtVe, ve))
          );
        }),
      ),
      { numRuns: 50 },
    );
  });

  it('has the target (x0 - c_skip x) / c_out, finite at sigma = 0 where it is -noise', () => {
    tf.tidy(() => {
      const edm = createEdmParameterisation({ sigmaData: 0.7 });
      const x0 = tf.tensor1d([0.3, -1.2, 2]);
      const noise = tf.tensor1d([1.1, 0.4, -0.6]);
      const { cSkip, cOut } = edmCoefficients(1.7, 0.7);
      const expected = tf.div(tf.sub(x0, tf.mul(addNoise(x0, noise, { alpha: 1, sigma: 1.7 }), cSkip)), cOut);
      expect(maxAbs(tf.sub(edm.target(x0, noise, { alpha: 1, sigma: 1.7 }), expected).dataSync())).toBeLessThan(1e-6);
      expect(Array.from(edm.target(x0, noise, { alpha: 1, sigma: 0 }).dataSync())).toEqual(Array.from(tf.neg(noise).dataSync()));
    });
  });
});
