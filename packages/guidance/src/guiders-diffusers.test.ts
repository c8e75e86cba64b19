import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createApgGuider } from './apg-guider';
import { createCfgGuider } from './cfg-guider';
import { createCfgRescaleGuider, type RescaleSpace } from './cfg-rescale-guider';
import type { BuiltinGuider } from './guider-definition';
import vectors from './__fixtures__/diffusers-guidance.json';

// Reference: scripts/diffusers-guidance-vectors.py, which runs diffusers' own code (the CFG
// guider's forward, v0.31.0's rescale_noise_cfg, the APG guider's normalized_guidance with its
// MomentumBuffer) on eps, v or x0 predictions and converts the result to a denoised estimate.
const shape = [3, ...vectors.sampleShape];
const sampleSize = vectors.sampleShape.reduce((product, size) => product * size, 1);

interface Evaluation {
  readonly sigma: number;
  readonly x: number[][];
  readonly conditional: number[][];
  readonly unconditional: number[][];
  readonly guided: number[][];
}

/** Largest |actual - expected| relative to max(1, max |expected|). */
function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let scale = 1;
  for (let index = 0; index < expected.length; index += 1) scale = Math.max(scale, Math.abs(expected[index]!));
  let largest = 0;
  for (let index = 0; index < expected.length; index += 1) largest = Math.max(largest, Math.abs(actual[index]! - expected[index]!));
  return largest / scale;
}

/** Runs one guided denoiser over a sequence of evaluations (tensors and float64) and returns the largest errors. */
function runGuider(guider: BuiltinGuider, run: readonly Evaluation[]): { float32: number; float64: number } {
  let call = 0;
  const at = (pick: 'conditional' | 'unconditional') => (): tf.Tensor => tf.tensor(run[call]![pick].flat(), shape);
  const guided = guider.guide({ conditional: at('conditional'), unconditional: at('unconditional') });
  const guidedFloat64 = guider.guideFloat64({
    sampleSize,
    conditional: () => Float64Array.from(run[call]!.conditional.flat()),
    unconditional: () => Float64Array.from(run[call]!.unconditional.flat()),
  });
  let float32 = 0;
  let float64 = 0;
  for (call = 0; call < run.length; call += 1) {
    const evaluation = run[call]!;
    const expected = evaluation.guided.flat();
    const x = tf.tensor(evaluation.x.flat(), shape);
    const output = guided(x, evaluation.sigma);
    float32 = Math.max(float32, relativeError(output.dataSync(), expected));
    float64 = Math.max(float64, relativeError(guidedFloat64(Float64Array.from(evaluation.x.flat()), evaluation.sigma), expected));
    tf.dispose([x, output]);
  }
  guided.dispose();
  return { float32, float64 };
}

describe('guiders against diffusers', () => {
  it.each(vectors.cfg.map((entry) => [entry.guidanceScale, entry.sigma, entry] as const))('CFG at w = %s, sigma = %s equals diffusers\' CFG on eps, read back as x0', (guidanceScale, _sigma, entry) => {
    const errors = runGuider(createCfgGuider({ guidanceScale }), [entry]);
    expect(errors.float32).toBeLessThan(2e-6);
    expect(errors.float64).toBeLessThan(1e-13);
  });

  it.each(vectors.cfgRescale.map((entry) => [entry.space, entry.guidanceScale, entry.guidanceRescale, entry.sigma, entry] as const))(
    'CFG rescale in %s space at w = %s, phi = %s, sigma = %s equals diffusers\' rescale_noise_cfg',
    (space, guidanceScale, guidanceRescale, _sigma, entry) => {
      const errors = runGuider(createCfgRescaleGuider({ guidanceScale, guidanceRescale, space: space as RescaleSpace }), [entry]);
      expect(errors.float32).toBeLessThan(3e-6);
      expect(errors.float64).toBeLessThan(1e-13);
    },
  );

  it.each(vectors.apg.map((entry) => [JSON.stringify(entry.options), entry] as const))('APG %s equals diffusers\' normalized_guidance over a run with its momentum buffer', (_name, entry) => {
    const errors = runGuider(createApgGuider(entry.options), entry.run);
    expect(errors.float32).toBeLessThan(3e-6);
    expect(errors.float64).toBeLessThan(1e-13);
  });
});
