import type { Denoiser, Parameterisation, Sampler } from '@diffusion/core';
import { DiffusionError, checkPositiveInteger, checkSigmaLadder, describeValue, invalidOption } from '@diffusion/core';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { createDiffusersDenoiser } from '../scheduler/diffusers-denoiser';
import { diffusersNamedLadder, type DiffusersLadderName } from './named-ladders';
import type { DiffusersStepEvent } from '../scheduler/loop-context';
import type { DiffusersNetwork } from '../scheduler/model-output';
import type { DiffusersScheduler } from '../scheduler/read-diffusers-scheduler-config';
import { keepsVpSamples, runDiffusersLoop } from '../scheduler/run-diffusers-loop';
import type { Unet2DModel } from '../unet2d-model';

/** Options of `pipeline.sample`. */
export interface DiffusersSampleOptions {
  /** NHWC starting noise at diffusers' scale: its `randn` times the scheduler's `init_noise_sigma`. Not disposed. */
  readonly noise: Tensor;
  /** `num_inference_steps` (with a `ladder`, default its length - 1). */
  readonly steps?: number;
  /** One of our samplers to run instead of diffusers' loop (on the scheduler's ladder, or `ladder`). */
  readonly sampler?: Sampler;
  /** int32 class labels `[batch]` (a tensor or numbers) for a class-conditional model (`num_class_embeds`). */
  readonly classLabels?: Tensor | ArrayLike<number>;
  /**
   * A falling VE sigma ladder ending in 0 for `sampler` (e.g. `karrasSigmas(…)`), or a named one
   * (`'ays-stable-diffusion-1.5'`, `'ays-stable-diffusion-xl'`: diffusers' AYS timesteps on this
   * folder's schedule, `steps` steps, default 10); default the scheduler's own for `steps`.
   */
  readonly ladder?: ArrayLike<number> | DiffusersLadderName;
  /** DDIM's eta; default 0. */
  readonly eta?: number;
  /** DDIM's use_clipped_model_output; default false. */
  readonly useClippedModelOutput?: boolean;
  /** Fresh standard normals for stochastic steps (diffusers' order); the sampler owns what it returns. Default: seeded with `seed`. */
  readonly randomNormal?: (shape: readonly number[]) => Tensor;
  /** Seed of the default noise source; default 0. */
  readonly seed?: number;
  /** After each step of diffusers' loop (not with a `sampler`; use the sampler's own `onStep` through `sampleOptions` there). */
  readonly onStep?: (event: DiffusersStepEvent) => void;
}

/** A diffusers pipeline in this toolkit's terms. */
export interface DiffusersPipeline {
  /** The network: `apply(x NHWC, diffusers' timesteps, int32 class labels)`. */
  readonly backbone: Unet2DModel;
  /** The scheduler config, mapped onto schedule, parameterisation, sampler and ladder. */
  readonly scheduler: DiffusersScheduler;
  /** What the network predicts. */
  readonly parameterisation: Parameterisation;
  /** The sigma-space denoiser D(x; sigma) over the network (unconditional models; see `denoiserFor`). */
  readonly denoiser: Denoiser;
  /** The denoiser for given class labels (class-conditional models). */
  denoiserFor(classLabels?: Tensor | ArrayLike<number>): Denoiser;
  /** Samples: diffusers' loop for the scheduler's class, or `sampler`. Returns the final sample (NHWC; the caller owns it). */
  sample(options: DiffusersSampleOptions): Tensor;
  /** Frees the network's weights. */
  dispose(): void;
}

/** Checks class labels against the model: required by a class-conditional model, refused by an unconditional one. */
function checkLabels(backbone: Unet2DModel, labels: Tensor | ArrayLike<number> | undefined, batch: number | undefined, field: string): Tensor | undefined {
  const classes = backbone.config.num_class_embeds;
  if (classes === null) {
    if (labels !== undefined) throw invalidOption(field, labels instanceof tf.Tensor ? labels.shape : labels, 'no class labels: this UNet2DModel is unconditional (num_class_embeds is null)');
    return undefined;
  }
  if (labels === undefined) throw invalidOption(field, undefined, `int32 class labels in [0, ${classes}) for this class-conditional model (num_class_embeds is ${classes})`);
  const values = Array.from(labels instanceof tf.Tensor ? labels.dataSync() : labels);
  if (batch !== undefined && values.length !== batch) throw invalidOption(field, values, `${batch} class labels, one per sample`, 'shape-mismatch');
  values.forEach((label, index) => {
    if (!Number.isInteger(label) || label < 0 || label >= classes) throw invalidOption(`${field}[${index}]`, label, `an integer class label in [0, ${classes}) (num_class_embeds is ${classes})`);
  });
  return tf.tensor1d(values, 'int32');
}

/** Builds the pipeline object over a backbone and a scheduler read from the same folder. */
export function createDiffusersPipeline(backbone: Unet2DModel, scheduler: DiffusersScheduler): DiffusersPipeline {
  const setup = scheduler.setup;
  const networkFor = (labels: Tensor | undefined): DiffusersNetwork => (x, timestep) =>
    tf.tidy(() => backbone.apply(x, tf.fill([x.shape[0]!], timestep), labels));
  const denoiserFor = (classLabels?: Tensor | ArrayLike<number>): Denoiser => {
    const labels = checkLabels(backbone, classLabels, undefined, 'denoiserFor.classLabels');
    if (labels !== undefined) tf.keep(labels);
    return createDiffusersDenoiser({ network: networkFor(labels), setup });
  };
  return {
    backbone,
    scheduler,
    parameterisation: scheduler.parameterisation,
    denoiser: backbone.config.num_class_embeds === null ? denoiserFor() : (() => {
      throw new DiffusionError('invalid-argument', 'pipeline.denoiser: this UNet2DModel is class-conditional (num_class_embeds is set); use pipeline.denoiserFor(classLabels).', { field: 'pipeline.denoiser', allowed: 'pipeline.denoiserFor(classLabels)' });
    }),
    denoiserFor,
    dispose: () => backbone.dispose(),
    sample(options) {
      if (typeof options !== 'object' || options === null) throw invalidOption('sample.options', options, 'an options object { noise, steps, sampler?, classLabels?, ladder? }');
      const { noise, sampler } = options;
      if (!(noise instanceof tf.Tensor) || noise.rank !== 4) throw invalidOption('sample.noise', noise instanceof tf.Tensor ? noise.shape : noise, 'an NHWC tensor [batch, height, width, channels] at diffusers\' scale');
      const labels = checkLabels(backbone, options.classLabels, noise.shape[0], 'sample.classLabels');
      try {
        const network = networkFor(labels);
        if (sampler === undefined) {
          if (options.ladder !== undefined) throw invalidOption('sample.ladder', options.ladder, 'no ladder without a sampler: diffusers\' loop runs on its own timesteps (pass sampler to run one of ours on a ladder)');
          const steps = checkPositiveInteger('sample.steps', options.steps);
          const { sample } = runDiffusersLoop({
            network, setup, steps, noise,
            ...(options.eta === undefined ? {} : { eta: options.eta }),
            ...(options.useClippedModelOutput === undefined ? {} : { useClippedModelOutput: options.useClippedModelOutput }),
            ...(options.randomNormal === undefined ? {} : { randomNormal: options.randomNormal }),
            ...(options.seed === undefined ? {} : { seed: options.seed }),
            ...(options.onStep === undefined ? {} : { onStep: options.onStep }),
          });
          return sample;
        }
        return sampleWithOurs(options, sampler, scheduler, network, noise);
      } finally {
        labels?.dispose();
      }
    },
  };
}

function sampleWithOurs(options: DiffusersSampleOptions, sampler: Sampler, scheduler: DiffusersScheduler, network: DiffusersNetwork, noise: Tensor): Tensor {
  if (typeof sampler !== 'object' || sampler === null || typeof sampler.sample !== 'function') throw invalidOption('sample.sampler', sampler, 'a Sampler (for example createEulerSampler())');
  const setup = scheduler.setup;
  const given = typeof options.ladder === 'string' ? diffusersNamedLadder(scheduler, options.ladder, options.steps === undefined ? 10 : checkPositiveInteger('sample.steps', options.steps), 'sample.ladder') : options.ladder;
  const steps = options.steps ?? (given === undefined ? undefined : given.length - 1);
  const run = setup.setTimesteps(checkPositiveInteger('sample.steps', steps));
  const ladder = given === undefined ? run.ladder : checkSigmaLadder('sample.ladder', given);
  if (given !== undefined && options.steps !== undefined && ladder.length !== options.steps + 1) throw invalidOption('sample.ladder', ladder.length, `a ladder of steps + 1 = ${options.steps + 1} sigmas`);
  if (!Number.isFinite(ladder[0])) {
    throw new DiffusionError('invalid-option', `sample.ladder[0]: got ${describeValue(ladder[0])}; our samplers start at a finite sigma, and ${setup.className} starts at s = 1 (sigma = Infinity in sigma-space); pass a ladder that starts below it (for example the scheduler's ladder from its second entry).`, {
      field: 'sample.ladder[0]', value: ladder[0], allowed: 'a finite sigma',
    });
  }
  // diffusers' own timestep at each of the scheduler's sigmas; other sigmas map through _sigma_to_t.
  const denoise = createDiffusersDenoiser({ network, setup, runTimesteps: { sigmas: run.ladder, timesteps: run.ladderTimesteps } });
  // noise = randn * init_noise_sigma; our samplers start at randn * sqrt(1 + sigma0^2) (the exact VE form of VP noise, and
  // of Euler's leading spacing) or randn * sigma0 (Euler-family linspace / trailing spacing, and the flow's x = s noise / (1 - s)).
  const sigma0 = ladder[0]!;
  const scalesBySigma = setup.kind === 'flow' || (!keepsVpSamples(setup) && setup.timestepSpacing !== 'leading');
  const scale = (scalesBySigma ? sigma0 : Math.sqrt(1 + sigma0 * sigma0)) / run.initNoiseSigma;
  const start = tf.mul(noise, scale);
  try {
    return sampler.sample(denoise, start, ladder, {
      ...(options.randomNormal === undefined ? {} : { noise: options.randomNormal }),
      ...(options.seed === undefined ? {} : { seed: options.seed }),
    });
  } finally {
    start.dispose();
  }
}
