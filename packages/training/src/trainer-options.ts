import {
  checkBoolean,
  checkInRange,
  checkNonNegative,
  checkNonNegativeInteger,
  checkOneOf,
  checkOptions,
  checkPositive,
  checkPositiveInteger,
  invalidOption,
  type Backbone,
  type LossWeighting,
  type Parameterisation,
  type Schedule,
  type TimeDensity,
} from '@diffusion/core';
import { resolveClassConditioning, type ClassConditioning } from './class-conditioning';
import type { EmaWarmup } from './ema-decay';

/** Options of {@link createTrainer}. */
export interface TrainerOptions {
  /** The network; its variables are trained in place. The trainer does not dispose it. */
  readonly backbone: Backbone;
  /** Forward process alpha(t), sigma(t); a DiscreteSchedule is read at t = k / T. */
  readonly schedule: Schedule;
  /** What the network predicts. */
  readonly parameterisation: Parameterisation;
  /** Loss weight w(logSnr) relative to eps-MSE; default: the parameterisation's own MSE (w = naturalWeight). */
  readonly weighting?: LossWeighting;
  /** Distribution of training times; default uniform (k / T, k = 1..T, for a discrete schedule). */
  readonly timeDensity?: TimeDensity;
  /** Adam hyper-parameters. */
  readonly optimizer?: {
    /** Peak learning rate, in (0, 1]; default 1e-3. */
    readonly learningRate?: number;
    /** Default 0.9. */
    readonly beta1?: number;
    /** Default 0.999. */
    readonly beta2?: number;
    /** Default 1e-8. */
    readonly epsilon?: number;
    /** Decoupled (AdamW) weight decay, below 1 / learningRate; default 0. */
    readonly weightDecay?: number;
  };
  /** Steps of linear learning-rate warm-up; default 0. */
  readonly warmupSteps?: number;
  /** Learning rate after the warm-up; default `'constant'`. */
  readonly decay?: 'cosine' | 'constant';
  /** Planned length of the run (end of the cosine); default 10000. */
  readonly totalSteps?: number;
  /** Clip gradients to this global L2 norm; default: no clipping. */
  readonly gradientClipNorm?: number;
  /** EMA of the weights. */
  readonly ema?: {
    /** Ceiling of the decay, in [0, 1); default 0.999. */
    readonly decay?: number;
    /** Warm-up of the decay; default `'ratio'` ((1 + n) / (10 + n)). */
    readonly warmup?: EmaWarmup;
    /** Exponent of the `'power'` warm-up; default 2/3. */
    readonly power?: number;
    /** `inv_gamma` of the `'power'` warm-up; default 1. */
    readonly invGamma?: number;
  };
  /** Examples per step in `train`; default 128. */
  readonly batchSize?: number;
  /** Seed of every random stream (data, time, noise); default 0. */
  readonly seed?: number;
  /**
   * Update each weight, its Adam moments and its EMA with one fused kernel, and take the gradient
   * norm in one kernel, on the cpu and wasm backends (default true). The Adam and EMA results are
   * the same float32 numbers as the composed tfjs ops; the norm is summed in float64. Not part of
   * the checkpointed configuration.
   */
  readonly fusedKernels?: boolean;
  /**
   * Label dropout of classifier-free guidance for a class-conditional backbone: each label becomes
   * the null class K with this probability, in [0, 1) (default 0.1, Ho & Salimans 2022).
   */
  readonly pUncond?: number;
  /** Number of classes K, for a backbone that takes class labels but does not declare `numClasses`. */
  readonly numClasses?: number;
  /** Periodic checkpoints during `train` (Node only). */
  readonly checkpoint?: {
    /** File to write (atomically). */
    readonly path: string;
    /** Write after every this many completed steps (and at the end of `train`). */
    readonly everySteps: number;
  };
}

/** The JSON-serialisable hyper-parameters of a trainer, after defaults. */
export interface TrainerConfig {
  readonly optimizer: { readonly learningRate: number; readonly beta1: number; readonly beta2: number; readonly epsilon: number; readonly weightDecay: number };
  readonly warmupSteps: number;
  readonly decay: 'cosine' | 'constant';
  readonly totalSteps: number;
  readonly gradientClipNorm: number | undefined;
  readonly ema: { readonly decay: number; readonly warmup: EmaWarmup; readonly power: number; readonly invGamma: number };
  readonly batchSize: number;
  readonly seed: number;
  readonly checkpoint: { readonly path: string; readonly everySteps: number } | undefined;
  /** Class conditioning (K and `pUncond`), for a class-conditional backbone. */
  readonly classes?: ClassConditioning;
}

const topLevel = ['backbone', 'schedule', 'parameterisation', 'weighting', 'timeDensity', 'optimizer', 'warmupSteps', 'decay', 'totalSteps', 'gradientClipNorm', 'ema', 'batchSize', 'seed', 'fusedKernels', 'checkpoint', 'pUncond', 'numClasses'];

function checkPlugin(field: string, value: unknown, methods: readonly string[], kind: string): void {
  const ok = typeof value === 'object' && value !== null && methods.every((method) => typeof (value as Record<string, unknown>)[method] === 'function');
  if (!ok) throw invalidOption(field, value, `a ${kind} (an object with ${methods.join(', ')})`, 'invalid-argument');
}

/**
 * The peak learning rate, in (0, 1]. Adam's step is scale-free: each weight moves by about the
 * learning rate per step whatever the gradient's size (Kingma & Ba 2015, section 2.1, |Delta| <~ alpha).
 * Weights of these networks are O(0.01-1), so a rate above 1 moves every weight by more than its
 * whole size each step: it only ever diverges (1e6 without clipping ran at loss 4.7e34; 1e40 made
 * every weight infinite in step 1). Diffusion models train at 1e-5 to 1e-2.
 */
function checkLearningRate(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > 1) {
    throw invalidOption('createTrainer.optimizer.learningRate', value, 'a number in (0, 1] (Adam moves each weight by about the learning rate per step; diffusion models train at 1e-5 to 1e-2)');
  }
  return value;
}

/** Checks the options of `createTrainer` and fills in defaults; throws a DiffusionError naming the field. */
export function checkTrainerOptions(options: TrainerOptions): TrainerConfig {
  const given = checkOptions('createTrainer', options, topLevel) as TrainerOptions;
  checkPlugin('createTrainer.backbone', given.backbone, ['apply', 'variables'], 'Backbone');
  if (!Array.isArray(given.backbone.sampleShape) || !given.backbone.sampleShape.every((size) => Number.isInteger(size) && size > 0)) {
    throw invalidOption('createTrainer.backbone.sampleShape', given.backbone.sampleShape, 'an array of positive integers (the shape of one sample)', 'invalid-argument');
  }
  checkPlugin('createTrainer.schedule', given.schedule, ['alpha', 'sigma', 'logSnr', 'tOfLogSnr'], 'Schedule');
  checkPlugin('createTrainer.parameterisation', given.parameterisation, ['target', 'toX0', 'naturalWeight'], 'Parameterisation');
  if (given.weighting !== undefined) checkPlugin('createTrainer.weighting', given.weighting, ['weight'], 'LossWeighting');
  if (given.timeDensity !== undefined) checkPlugin('createTrainer.timeDensity', given.timeDensity, ['sample', 'density'], 'TimeDensity');
  const optimizer = checkOptions('createTrainer.optimizer', given.optimizer, ['learningRate', 'beta1', 'beta2', 'epsilon', 'weightDecay']);
  const ema = checkOptions('createTrainer.ema', given.ema, ['decay', 'warmup', 'power', 'invGamma']);
  const checkpoint = given.checkpoint === undefined ? undefined : checkOptions('createTrainer.checkpoint', given.checkpoint, ['path', 'everySteps']);
  if (checkpoint !== undefined && (typeof checkpoint.path !== 'string' || checkpoint.path === '')) {
    throw invalidOption('createTrainer.checkpoint.path', checkpoint.path, 'a non-empty file path');
  }
  if (given.fusedKernels !== undefined) checkBoolean('createTrainer.fusedKernels', given.fusedKernels);
  const warmupSteps = checkNonNegativeInteger('createTrainer.warmupSteps', given.warmupSteps ?? 0);
  const totalSteps = checkPositiveInteger('createTrainer.totalSteps', given.totalSteps ?? 10_000);
  const decay = checkOneOf('createTrainer.decay', given.decay ?? 'constant', ['cosine', 'constant']);
  if (decay === 'cosine' && warmupSteps >= totalSteps) throw invalidOption('createTrainer.warmupSteps', warmupSteps, `fewer steps than totalSteps (${totalSteps}) with the cosine decay`);
  const classes = resolveClassConditioning(given.backbone, given.numClasses, given.pUncond);
  const learningRate = checkLearningRate(optimizer.learningRate ?? 1e-3);
  const weightDecay = checkNonNegative('createTrainer.optimizer.weightDecay', optimizer.weightDecay ?? 0);
  // AdamW multiplies each weight by 1 - lr * weightDecay per step (Loshchilov & Hutter 2019, Algorithm 2):
  // at lr * weightDecay >= 1 that factor is <= 0, flipping or zeroing every weight each step.
  if (learningRate * weightDecay >= 1) {
    throw invalidOption('createTrainer.optimizer.weightDecay', weightDecay, `a decay below 1 / learningRate = ${1 / learningRate} (each step scales the weights by 1 - learningRate * weightDecay, which must stay in (0, 1])`);
  }
  return {
    optimizer: {
      learningRate,
      beta1: checkInRange('createTrainer.optimizer.beta1', optimizer.beta1 ?? 0.9, 0, 1, '[)'),
      beta2: checkInRange('createTrainer.optimizer.beta2', optimizer.beta2 ?? 0.999, 0, 1, '[)'),
      epsilon: checkPositive('createTrainer.optimizer.epsilon', optimizer.epsilon ?? 1e-8),
      weightDecay,
    },
    warmupSteps,
    decay,
    totalSteps,
    gradientClipNorm: given.gradientClipNorm === undefined ? undefined : checkPositive('createTrainer.gradientClipNorm', given.gradientClipNorm),
    ema: {
      decay: checkInRange('createTrainer.ema.decay', ema.decay ?? 0.999, 0, 1, '[)'),
      warmup: checkOneOf('createTrainer.ema.warmup', ema.warmup ?? 'ratio', ['none', 'ratio', 'power']),
      power: checkPositive('createTrainer.ema.power', ema.power ?? 2 / 3),
      invGamma: checkPositive('createTrainer.ema.invGamma', ema.invGamma ?? 1),
    },
    batchSize: checkPositiveInteger('createTrainer.batchSize', given.batchSize ?? 128),
    seed: checkNonNegativeInteger('createTrainer.seed', given.seed ?? 0),
    checkpoint: checkpoint === undefined ? undefined : { path: checkpoint.path!, everySteps: checkPositiveInteger('createTrainer.checkpoint.everySteps', checkpoint.everySteps) },
    ...(classes === undefined ? {} : { classes }),
  };
}
