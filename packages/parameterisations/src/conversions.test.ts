import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import conversions from './__fixtures__/conversions.json';
import { linearAlphasCumprod } from './__fixtures__/reference-schedules';
import { ddimStep, ddimStepCoefficients } from './__fixtures__/vp-steps/ddim-step';
import { ddpmStep } from './__fixtures__/vp-steps/ddpm-step';
import { createEpsParameterisation } from './eps-parameterisation';
import { ddpmPosteriorCoefficients } from './__fixtures__/vp-steps/posterior-mean';
import type { PredictionType } from './__fixtures__/vp-steps/predict-original-sample';
import { predictEpsilonCoefficients, predictOriginalSample, predictOriginalSampleCoefficients } from './__fixtures__/vp-steps/predict-original-sample';
import { createVParameterisation } from './v-parameterisation';
import { createX0Parameterisation } from './x0-parameterisation';

// Tolerances. Plain float64 coefficients against diffusers' f64 run: 1e-10 relative. Tensor
// results (float32) against the f64 values: |ours - ref| <= 1e-6 * scale, where scale is the sum
// of the magnitudes of the terms that make the entry (float32 has 6e-8 relative round-off; the
// x0 estimate at t = 900 divides by sqrt(abar) = 0.016, so terms reach ~100 while results cancel).
const f64Tolerance = 1e-10;
const f32Tolerance = 1e-6;

interface Case {
  scheduler: string;
  config: { prediction_type: string; clip_sample: boolean; clip_sample_range: number };
  timestep: number;
  prev_timestep: number;
  variance_noise_used?: boolean;
  f64: { pred_original_sample: number[][]; prev_sample: number[][]; alpha_prod_t: number };
}

const cases = conversions.cases as Case[];
const xt = conversions.x_t;
const modelOutput = conversions.model_output;
const noise = conversions.ddpm_variance_noise;
const flat = (rows: number[][]) => rows.flat();
const alphaBarAt = (timestep: number) => (timestep >= 0 ? linearAlphasCumprod[timestep]! : 1);

/** Float64 reference of one case from our plain coefficient functions. */
function float64Step(entry: Case) {
  const type = entry.config.prediction_type as PredictionType;
  const alphaBar = alphaBarAt(entry.timestep);
  const alphaBarPrev = alphaBarAt(entry.prev_timestep);
  const x0Weights = predictOriginalSampleCoefficients(alphaBar, type);
  const epsWeights = predictEpsilonCoefficients(alphaBar, type);
  const range = entry.config.clip_sample_range;
  const x = flat(xt);
  const out = flat(modelOutput);
  const z = flat(noise);
  const x0 = x.map((value, index) => {
    const estimate = x0Weights.sampleCoefficient * value + x0Weights.outputCoefficient * out[index]!;
    return entry.config.clip_sample ? Math.min(Math.max(estimate, -range), range) : estimate;
  });
  let previous: number[];
  if (entry.scheduler === 'DDIMScheduler') {
    const step = ddimStepCoefficients(alphaBar, alphaBarPrev, 0);
    previous = x0.map((value, index) => step.x0Coefficient * value + step.epsCoefficient * (epsWeights.sampleCoefficient * x[index]! + epsWeights.outputCoefficient * out[index]!));
  } else {
    const posterior = ddpmPosteriorCoefficients(alphaBar, alphaBarPrev);
    const standardDeviation = entry.variance_noise_used ? Math.sqrt(Math.max(posterior.variance, 1e-20)) : 0;
    previous = x0.map((value, index) => posterior.a * value + posterior.b * x[index]! + standardDeviation * z[index]!);
  }
  // Magnitude scale of each entry's terms, for the float32 tolerance.
  const scale = x.map((value, index) => 1 + Math.abs(x0Weights.sampleCoefficient * value) + Math.abs(x0Weights.outputCoefficient * out[index]!));
  return { x0, previous, scale, alphaBar, alphaBarPrev, type };
}

function relativeError(actual: number[], expected: number[]): number {
  return Math.max(...actual.map((value, index) => Math.abs(value - expected[index]!) / Math.max(1, Math.abs(expected[index]!))));
}

describe('diffusers conversions (DDIM eta 0 and DDPM fixed_small, linear betas, T = 1000)', () => {
  it('matches alpha_prod_t of every case to 1e-12 relative', () => {
    for (const entry of cases) expect(Math.abs(alphaBarAt(entry.timestep) / entry.f64.alpha_prod_t - 1)).toBeLessThan(1e-12);
  });

  it(`reproduces pred_original_sample and prev_sample in float64 from the plain coefficients (${f64Tolerance} relative)`, () => {
    let worst = 0;
    for (const entry of cases) {
      const { x0, previous } = float64Step(entry);
      worst = Math.max(worst, relativeError(x0, flat(entry.f64.pred_original_sample)), relativeError(previous, flat(entry.f64.prev_sample)));
    }
    console.info(`conversions: largest float64 relative error ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(f64Tolerance);
  });

  it(`matches the tensor x0 estimates and one-step results to float32 round-off (${f32Tolerance} x term magnitude)`, () => {
    const before = tf.memory().numTensors;
    const sample = tf.tensor2d(xt);
    const output = tf.tensor2d(modelOutput);
    const variance = tf.tensor2d(noise);
    let worstX0 = 0;
    let worstPrevious = 0;
    let worstPlain = 0;
    for (const entry of cases) {
      const { scale, alphaBar, alphaBarPrev, type } = float64Step(entry);
      const clip = { clipSample: entry.config.clip_sample, clipSampleRange: entry.config.clip_sample_range };
      const options = { alphaBar, alphaBarPrev, predictionType: type, ...clip };
      const result =
        entry.scheduler === 'DDIMScheduler'
          ? ddimStep(output, sample, options)
          : ddpmStep(output, sample, entry.variance_noise_used ? { ...options, noise: variance } : options);
      const estimate = predictOriginalSample(output, sample, alphaBar, type, clip);
      const measure = (tensor: tf.Tensor, expected: number[][]) => {
        const values = Array.from(tensor.dataSync());
        worstPlain = Math.max(worstPlain, relativeError(values, flat(expected)));
        return Math.max(...values.map((value, index) => Math.abs(value - flat(expected)[index]!) / scale[index]!));
      };
      worstX0 = Math.max(worstX0, measure(result.predOriginalSample, entry.f64.pred_original_sample), measure(estimate, entry.f64.pred_original_sample));
      worstPrevious = Math.max(worstPrevious, measure(result.prevSample, entry.f64.prev_sample));
      tf.dispose([result.prevSample, result.predOriginalSample, estimate]);
    }
    tf.dispose([sample, output, variance]);
    console.info(`conversions: largest float32 scaled error x0 ${worstX0.toExponential(2)}, prev_sample ${worstPrevious.toExponential(2)}; |error| / max(1, |ref|) ${worstPlain.toExponential(2)}`);
    expect(worstX0).toBeLessThan(f32Tolerance);
    expect(worstPrevious).toBeLessThan(f32Tolerance);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('reads eps, sample and v outputs back to the same x0 as diffusers through the parameterisations', () => {
    const parameterisations = { epsilon: createEpsParameterisation(), sample: createX0Parameterisation(), v_prediction: createVParameterisation() };
    const sample = tf.tensor2d(xt);
    const output = tf.tensor2d(modelOutput);
    let worst = 0;
    for (const entry of cases.filter((item) => !item.config.clip_sample)) {
      const { scale, alphaBar } = float64Step(entry);
      const parameterisation = parameterisations[entry.config.prediction_type as keyof typeof parameterisations];
      const x0 = parameterisation.toX0(output, sample, { alpha: Math.sqrt(alphaBar), sigma: Math.sqrt(1 - alphaBar) });
      const values = Array.from(x0.dataSync());
      const expected = flat(entry.f64.pred_original_sample);
      worst = Math.max(worst, ...values.map((value, index) => Math.abs(value - expected[index]!) / scale[index]!));
      x0.dispose();
    }
    tf.dispose([sample, output]);
    console.info(`conversions: parameterisation toX0 largest float32 scaled error ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(f32Tolerance);
  });
});
