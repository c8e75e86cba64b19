import { DiffusionError } from '@diffusion/core';
import { createEulerSampler } from '@diffusion/samplers';
import { aysLadder, createScaledLinearSchedule } from '@diffusion/schedules';
import type { DiffusersSchedulerConfig } from '@diffusion/schedules';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { nchwValues, nhwcFromNchw, vpAnalyticNetwork } from '../__fixtures__/analytic-network';
import reference from '../__fixtures__/ays-loops.json';
import { readDiffusersSchedulerConfig } from '../scheduler/read-diffusers-scheduler-config';
import type { Unet2DModel } from '../unet2d-model';
import { createDiffusersPipeline } from './diffusers-pipeline';
import { diffusersLadderNames, diffusersNamedLadder, type DiffusersLadderName } from './named-ladders';

// diffusers v0.31.0 (float64) run on the published AYS timesteps: `set_timesteps(timesteps=AysSchedules[...])`
// with Euler and DPM++ 2M on the analytic network (scripts/diffusers-reference/gen_ays.py).
interface AysCase { name: string; config: DiffusersSchedulerConfig; table: string; timesteps: number[]; sigmas: number[]; final: number[] }

const network = vpAnalyticNetwork('epsilon');
const backbone = {
  name: 'diffusers-unet-2d',
  config: { num_class_embeds: null },
  apply: (x: tf.Tensor, timesteps: tf.Tensor) => network(x, timesteps.dataSync()[0]!),
  dispose: () => undefined,
} as unknown as Unet2DModel;
const maxAbs = (values: ArrayLike<number>): number => Math.max(...Array.from(values, Math.abs));

describe('AYS ladders by name for a pipeline read from a folder', () => {
  for (const entry of reference.cases as AysCase[]) {
    it(`runs ${entry.name} as diffusers does with timesteps=AysSchedules["${entry.table}"]`, () => {
      const scheduler = readDiffusersSchedulerConfig(entry.config);
      const pipeline = createDiffusersPipeline(backbone, scheduler);
      const name = entry.name.slice(entry.name.indexOf('ays-')) as DiffusersLadderName;
      const ladder = diffusersNamedLadder(scheduler, name);
      // diffusers' sigmas at the table's timesteps (its float64 copy), then 0.
      const ladderError = maxAbs(ladder.map((sigma, index) => sigma - entry.sigmas[index]!)) / entry.sigmas[0]!;
      expect(ladderError).toBeLessThan(1e-12);
      const sampler = entry.config._class_name === 'EulerDiscreteScheduler' ? createEulerSampler() : scheduler.samplerFor(10).sampler;
      const noise = tf.tidy(() => tf.mul(nhwcFromNchw(reference.x_T, reference.meta.shape_nchw), scheduler.setTimesteps(10).initNoiseSigma));
      const sample = pipeline.sample({ noise, sampler, ladder: name });
      const ours = nchwValues(sample);
      const error = maxAbs(ours.map((value, index) => value - entry.final[index]!)) / maxAbs(entry.final);
      console.log(`${entry.name}: ladder ${ladderError.toExponential(2)} of sigma_max, sample ${error.toExponential(2)} of max|ref|`);
      expect(error).toBeLessThan(1e-4);
      tf.dispose([noise, sample]);
    });
  }

  it('interpolates the table to other step counts and refuses schedules the table does not index', () => {
    const scheduler = readDiffusersSchedulerConfig({ _class_name: 'EulerDiscreteScheduler', beta_schedule: 'scaled_linear', beta_start: 0.00085, beta_end: 0.012 });
    expect(Array.from(diffusersNamedLadder(scheduler, 'ays-stable-diffusion-xl', 20))).toEqual(Array.from(aysLadder('stable-diffusion-xl', { schedule: createScaledLinearSchedule(), steps: 20 })));
    expect(diffusersLadderNames).toEqual(['ays-stable-diffusion-1.5', 'ays-stable-diffusion-xl']);
    const short = readDiffusersSchedulerConfig({ _class_name: 'DDIMScheduler', num_train_timesteps: 500 });
    expect(() => diffusersNamedLadder(short, 'ays-stable-diffusion-1.5', 10, 'sample.ladder')).toThrow(/sample\.ladder: .*num_train_timesteps = 500/);
    expect(() => diffusersNamedLadder(scheduler, 'ays-sd3' as never)).toThrow(DiffusionError);
    const pipeline = createDiffusersPipeline(backbone, scheduler);
    const noise = tf.zeros([1, 2, 2, 1]);
    expect(() => pipeline.sample({ noise, sampler: createEulerSampler(), ladder: 'ays-stable-diffusion-1.5', steps: 0 })).toThrow(/sample\.steps/);
    const sample = pipeline.sample({ noise, sampler: createEulerSampler(), ladder: 'ays-stable-diffusion-1.5', steps: 6 });
    expect(sample.shape).toEqual([1, 2, 2, 1]);
    tf.dispose([noise, sample]);
  });
});
