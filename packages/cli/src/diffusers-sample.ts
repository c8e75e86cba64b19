import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { createRandomSource, randomNormalTensor, type Denoiser, type Guider, type Sampler } from '@diffusion/core';
import { loadDiffusersPipeline, type DiffusersPipeline } from '@diffusion/diffusers';
import { sigmaLadderByName, type SigmaLadderName } from '@diffusion/schedules';
import { CliError } from './cli-error';

/** Whether `--model` names a folder written by diffusers (a pipeline or model folder) rather than a run folder. */
export function isDiffusersFolder(path: string): boolean {
  if (existsSync(join(path, 'run.json'))) return false;
  return ['model_index.json', 'config.json', join('unet', 'config.json')].some((file) => existsSync(join(path, file)));
}

/** What {@link sampleDiffusersPipeline} draws. */
export interface DiffusersDrawOptions {
  readonly sampler: Sampler;
  readonly steps: number;
  /** One of our ladders on the folder's training schedule; default the scheduler's own for `steps`. */
  readonly ladder?: SigmaLadderName | undefined;
  readonly count: number;
  readonly seed: number;
  readonly batch: number;
  /** Class label of every sample (class-conditional models). */
  readonly classLabel?: number | undefined;
  /** Classifier-free guidance towards `classLabel` against the label `nullClass` (our models' last class row). */
  readonly guidance?: { readonly guider: Guider; readonly nullClass: number } | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** The sample shape `[height, width, channels]` of a pipeline's network. */
export function pipelineSampleShape(pipeline: DiffusersPipeline): [number, number, number] {
  const [height, width] = pipeline.backbone.config.sample_size;
  return [height, width, pipeline.backbone.config.in_channels];
}

/**
 * Samples a diffusers pipeline with one of our samplers (`pipeline.sample({ sampler })`: on the
 * scheduler's ladder, started at diffusers' scale). The unit noise is drawn once for all `count`
 * samples from the seed's `'sample-noise'` stream, as for run folders, so a seed gives the same
 * samples at any batch size; a stochastic sampler's own noise is seeded `seed + batch index`.
 * Returns NHWC samples row-major in the network's space ([-1, 1] for images).
 */
export async function sampleDiffusersPipeline(pipeline: DiffusersPipeline, options: DiffusersDrawOptions): Promise<Float32Array> {
  const shape = pipelineSampleShape(pipeline);
  const dimension = shape[0] * shape[1] * shape[2];
  const ladder = options.ladder === undefined ? undefined : sigmaLadderByName(pipeline.scheduler.schedule, options.ladder, options.steps);
  const { initNoiseSigma } = pipeline.scheduler.setTimesteps(options.steps);
  const values = new Float32Array(options.count * dimension);
  const noise = randomNormalTensor(createRandomSource(options.seed).fork('sample-noise'), [options.count, ...shape]);
  try {
    for (let start = 0, index = 0; start < options.count; start += options.batch, index += 1) {
      if (options.signal?.aborted === true) throw new CliError('interrupted');
      const size = Math.min(options.batch, options.count - start);
      const initial = tf.tidy(() => tf.mul(tf.slice(noise, [start, 0, 0, 0], [size, ...shape]), initNoiseSigma));
      try {
        const common = { steps: options.steps, seed: options.seed + index, ...(ladder === undefined ? {} : { ladder }) };
        if (options.guidance === undefined) {
          const x = pipeline.sample({ ...common, noise: initial, sampler: options.sampler, ...(options.classLabel === undefined ? {} : { classLabels: new Array<number>(size).fill(options.classLabel) }) });
          values.set(await x.data(), start * dimension);
          x.dispose();
        } else {
          // The pipeline runs a doubled batch [x; x] with labels [c; null]; the sampler it is given runs ours on the first half with the guided denoiser.
          const doubled = tf.concat([initial, initial]);
          const labels = [...new Array<number>(size).fill(options.classLabel!), ...new Array<number>(size).fill(options.guidance.nullClass)];
          const x = pipeline.sample({ ...common, noise: doubled, sampler: guidingSampler(options.sampler, options.guidance.guider, size), classLabels: labels });
          doubled.dispose();
          const first = tf.slice(x, 0, size);
          values.set(await first.data(), start * dimension);
          tf.dispose([x, first]);
        }
      } finally {
        initial.dispose();
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    noise.dispose();
  }
  return values;
}

/**
 * A sampler that `pipeline.sample` calls on the doubled batch (labels `[c; null]`): it runs `sampler`
 * on the first half with the guided denoiser, whose paired call is one network call on `[x; x]`
 * (Ho & Salimans 2022), and hands back the result twice to keep the pipeline's shapes.
 */
function guidingSampler(sampler: Sampler, guider: Guider, size: number): Sampler {
  return {
    ...sampler,
    sample(denoise, start, sigmas, sampleOptions) {
      const both = (x: tf.Tensor, sigma: number): tf.Tensor => tf.tidy(() => denoise(tf.concat([x, x]), sigma));
      const half = (from: number): Denoiser => (x, sigma) => tf.tidy(() => tf.slice(both(x, sigma), from, size));
      const guided = guider.guide({
        conditional: half(0),
        unconditional: half(size),
        paired: (x, sigma) => tf.tidy(() => {
          const output = both(x, sigma);
          return { conditional: tf.slice(output, 0, size), unconditional: tf.slice(output, size, size) };
        }),
      });
      const first = tf.slice(start, 0, size);
      try {
        const out = sampler.sample(guided, first, sigmas, sampleOptions);
        try {
          return tf.concat([out, out]);
        } finally {
          out.dispose();
        }
      } finally {
        first.dispose();
        guided.dispose();
      }
    },
  };
}
