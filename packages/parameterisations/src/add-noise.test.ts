import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import addNoiseVectors from './__fixtures__/add-noise.json';
import { alphasCumprodOf, referenceBetas } from './__fixtures__/reference-schedules';
import { addNoise } from './add-noise';
import { createVParameterisation } from './v-parameterisation';

// Tolerances: float64 coefficients against diffusers' f64 add_noise / get_velocity, 1e-10
// relative; float32 tensors, |ours - ref| <= 1e-6 (1 + |alpha x0| + |sigma eps|) (float32 round-off).
const f64Tolerance = 1e-10;
const f32Tolerance = 1e-6;

const x0 = addNoiseVectors.x0;
const eps = addNoiseVectors.eps;

describe('addNoise and the v target against diffusers (linear, scaled_linear, squaredcos_cap_v2)', () => {
  for (const entry of addNoiseVectors.cases) {
    const alphasCumprod = alphasCumprodOf(referenceBetas(entry.schedule, entry.config.num_train_timesteps, entry.config.beta_start, entry.config.beta_end));
    const alphaOf = (timestep: number) => Math.sqrt(alphasCumprod[timestep]!);
    const sigmaOf = (timestep: number) => Math.sqrt(1 - alphasCumprod[timestep]!);

    it(`${entry.schedule}: float64 x_t = alpha x0 + sigma eps and v = alpha eps - sigma x0 match to 1e-10 relative`, () => {
      let worst = 0;
      const check = (actual: number, expected: number) => {
        worst = Math.max(worst, Math.abs(actual - expected) / Math.max(1, Math.abs(expected)));
      };
      entry.timesteps_per_row.forEach((timestep, row) => {
        x0[row]!.forEach((value, column) => {
          const noise = eps[row]![column]!;
          check(alphaOf(timestep) * value + sigmaOf(timestep) * noise, entry.f64.add_noise[row]![column]!);
          check(alphaOf(timestep) * noise - sigmaOf(timestep) * value, entry.f64.get_velocity[row]![column]!);
        });
      });
      for (const [timestep, rows] of Object.entries(entry.f64.add_noise_single_t_all_rows)) {
        rows.forEach((row, index) => row.forEach((expected, column) => check(alphaOf(Number(timestep)) * x0[index]![column]! + sigmaOf(Number(timestep)) * eps[index]![column]!, expected)));
      }
      console.info(`add_noise ${entry.schedule}: largest float64 relative error ${worst.toExponential(2)}`);
      expect(worst).toBeLessThan(f64Tolerance);
    });

    it(`${entry.schedule}: tensor addNoise and v target with per-row tensor levels match to float32 round-off`, () => {
      const before = tf.memory().numTensors;
      const clean = tf.tensor2d(x0);
      const noise = tf.tensor2d(eps);
      const alpha = tf.tensor2d(entry.timesteps_per_row.map((timestep) => [alphaOf(timestep)]));
      const sigma = tf.tensor2d(entry.timesteps_per_row.map((timestep) => [sigmaOf(timestep)]));
      const noisy = addNoise(clean, noise, { alpha, sigma });
      const velocity = createVParameterisation().target(clean, noise, { alpha, sigma });
      const single = addNoise(clean, noise, { alpha: alphaOf(100), sigma: sigmaOf(100) });
      let worst = 0;
      const measure = (tensor: tf.Tensor, expected: number[][], timestepOfRow: (row: number) => number) => {
        const values = tensor.arraySync() as number[][];
        values.forEach((row, index) =>
          row.forEach((value, column) => {
            const timestep = timestepOfRow(index);
            const scale = 1 + Math.abs(alphaOf(timestep) * x0[index]![column]!) + Math.abs(sigmaOf(timestep) * eps[index]![column]!);
            worst = Math.max(worst, Math.abs(value - expected[index]![column]!) / scale);
          }),
        );
      };
      measure(noisy, entry.f64.add_noise, (row) => entry.timesteps_per_row[row]!);
      measure(velocity, entry.f64.get_velocity, (row) => entry.timesteps_per_row[row]!);
      measure(single, entry.f64.add_noise_single_t_all_rows['100'], () => 100);
      tf.dispose([clean, noise, alpha, sigma, noisy, velocity, single]);
      console.info(`add_noise ${entry.schedule}: largest float32 scaled error ${worst.toExponential(2)}`);
      expect(worst).toBeLessThan(f32Tolerance);
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});
