import { fromDiffusersConfig } from '@diffusion/schedules';
import type { DiffusersSchedulerConfig } from '@diffusion/schedules';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { flowAnalyticNetwork, nchwValues, nhwcFromNchw, vpAnalyticNetwork } from '../__fixtures__/analytic-network';
import reference from '../__fixtures__/scheduler-loops.json';
import { runDiffusersLoop } from './run-diffusers-loop';

// Full sampling loops of diffusers v0.31.0 (float64) on the analytic network: every scheduler
// class and the keys that change its steps. Ours runs in float32 tensors: the bound is
// 1e-4 · max|ref| (the float32 round-off of 10-20 steps is ~1e-6 of it).
const bound = 1e-4;

interface LoopCase {
  name: string;
  config: DiffusersSchedulerConfig;
  n: number;
  mu?: number;
  step: { eta?: number; use_clipped_model_output?: boolean };
  final: number[];
  noises?: number[][];
}

const shape = reference.meta.shape_nchw;
const errors: Record<string, { error: number; ranWith: string }> = {};

describe('diffusers loops against diffusers v0.31.0 (float64, analytic network)', () => {
  for (const entry of reference.cases as LoopCase[]) {
    it(`reproduces ${entry.name}, n = ${entry.n}`, () => {
      const setup = fromDiffusersConfig(entry.config, entry.mu === undefined ? {} : { mu: entry.mu });
      const learned = setup.config.variance_type === 'learned' || setup.config.variance_type === 'learned_range';
      const network = setup.kind === 'flow' ? flowAnalyticNetwork : vpAnalyticNetwork(setup.predictionType, learned);
      const run = setup.setTimesteps(entry.n);
      const start = nhwcFromNchw(reference.x_T, shape);
      const noise = tf.mul(start, run.initNoiseSigma);
      const noises = [...(entry.noises ?? [])];
      const before = tf.memory().numTensors;
      const { sample, ranWith } = runDiffusersLoop({
        network, setup, steps: entry.n, noise,
        eta: entry.step.eta ?? 0,
        useClippedModelOutput: entry.step.use_clipped_model_output ?? false,
        randomNormal: () => {
          const next = noises.shift();
          if (next === undefined) throw new Error('the loop drew more noise than diffusers did');
          return nhwcFromNchw(next, shape);
        },
      });
      const ours = nchwValues(sample);
      sample.dispose();
      expect(tf.memory().numTensors).toBe(before);
      noise.dispose();
      start.dispose();
      const scale = Math.max(...entry.final.map(Math.abs));
      const error = Math.max(...entry.final.map((value, index) => Math.abs(ours[index]! - value))) / scale;
      errors[entry.name] = { error, ranWith };
      // Our samplers skip the draw diffusers multiplies by 0 on the step into sigma 0.
      expect(noises.length, 'noises left undrawn').toBe(ranWith === 'native' ? 0 : Math.min(1, entry.noises?.length ?? 0));
      expect(error).toBeLessThan(bound);
    });
  }
  afterAll(() => {
    console.info('diffusers loops, |ours - ref| / max|ref| (ran with):\n' + Object.entries(errors).map(([name, { error, ranWith }]) => `  ${name}: ${error.toExponential(2)} (${ranWith})`).join('\n'));
  });
});
