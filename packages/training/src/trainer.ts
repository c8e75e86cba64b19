import {
  DiffusionError,
  checkShape,
  describeValue,
  createRandomSource,
  invalidOption,
  randomNormalTensor,
  type Denoiser,
  type RandomSource,
} from '@diffusion/core';
import { Tensor, all, concat, grad, reshape, isFinite as isFiniteTensor, keep, mean, ones, square, tidy, variable, variableGrads, type Scalar, type Variable } from '@tensorflow/tfjs-core';
import { applyAdamStep, createAdamState, disposeAdamState } from './adam-optimizer';
import { emaDecayAt } from './ema-decay';
import { applyEmaUpdate } from './ema-update';
import { clippingFactor, globalGradientNorm } from './gradient-clipping';
import { learningRateAt } from './learning-rate-schedule';
import { restoreTrainerState, snapshotTrainer } from './trainer-state';
import { createTrainedDenoiser } from './trainer-denoiser';
import { checkTrainerOptions, type TrainerConfig, type TrainerOptions } from './trainer-options';
import type { StepResult, TrainerCore } from './trainer-core';
import { checkTrainOptions, runTraining, type TrainOptions, type TrainResult } from './trainer-train';
import { batchLevels, lossTerms } from './training-loss';
import { createDefaultTimeDensity } from './uniform-time-density';

/** The loss estimator on one batch without any update. */
export interface LossEstimate {
  /** Batch mean of the terms. */
  readonly loss: number;
  /** Times drawn for the batch. */
  readonly times: Float64Array;
  /** Per-example terms `w / (naturalWeight · density) · mean (target - output)^2`. */
  readonly terms: Float64Array;
}

/** A training run over one backbone. */
export interface Trainer {
  /** JSON-serialisable hyper-parameters after defaults. */
  readonly options: TrainerConfig;
  /** Completed optimisation steps. */
  readonly completedSteps: number;
  /** One Adam step on a batch `[batch, …sampleShape]` of data (not disposed). */
  step(batchX0: Tensor): StepResult;
  /** Runs `steps` steps, yielding to the event loop between them. */
  train(options: TrainOptions): Promise<TrainResult>;
  /** The loss estimator on a batch with times and noise from `random`; changes no state. */
  estimateLoss(batchX0: Tensor, random: RandomSource): LossEstimate;
  /** The network as a sigma-space denoiser D(x; sigma), live or EMA weights (default live). */
  denoiser(options?: { readonly ema?: boolean }): Denoiser;
  /** Shorthand for `denoiser({ ema: true })`. */
  emaDenoiser(): Denoiser;
  /** The EMA weights by the backbone's variable names; owned by the trainer. */
  emaWeights(): ReadonlyMap<string, Variable>;
  /** Every piece of state in one safetensors file (weights, EMA, Adam moments, step, random streams, config). */
  serializeCheckpoint(): Uint8Array;
  /** Restores a checkpoint made by a trainer of the same configuration. */
  restoreCheckpoint(bytes: Uint8Array): void;
  /** Writes `serializeCheckpoint()` atomically to a file (Node only). */
  saveCheckpoint(path: string): Promise<void>;
  /** Reads and restores a checkpoint file (Node only). */
  loadCheckpoint(path: string): Promise<void>;
  /** Frees the EMA weights and optimiser moments (not the backbone). */
  dispose(): void;
}

/** tfjs-core registers gradient functions only on demand; fail early with the fix when they are absent. */
function checkGradientsRegistered(): void {
  try {
    tidy(() => grad((x: Tensor) => mean(square(x)))(ones([1])));
  } catch (error) {
    throw new DiffusionError(
      'invalid-argument',
      'createTrainer: tfjs gradient functions are not registered. Import "@tensorflow/tfjs" or "@tensorflow/tfjs-layers" once (they register them), or in a bundler `import "@tensorflow/tfjs-core/dist/register_all_gradients"`, before creating a trainer.',
      { field: 'tfjs gradients', allowed: 'registered tfjs gradients', cause: error },
    );
  }
}

/**
 * A diffusion trainer: one network, weights shared across all times, trained by stochastic
 * optimisation over random times (Sohl-Dickstein et al. 2015; Ho et al. 2020, Algorithm 1;
 * Kingma & Gao 2023, eq. 3) with Adam, warm-up and cosine decay, gradient clipping and EMA.
 */
export function createTrainer(options: TrainerOptions): Trainer {
  const config = checkTrainerOptions(options);
  checkGradientsRegistered();
  const { backbone, schedule, parameterisation, weighting } = options;
  const timeDensity = options.timeDensity ?? createDefaultTimeDensity(schedule);
  const fused = options.fusedKernels ?? true;
  const weights = backbone.variables();
  if (weights.size === 0) throw invalidOption('createTrainer.backbone', backbone.name, 'a backbone with at least one variable', 'invalid-argument');
  const root = createRandomSource(config.seed);
  const core: TrainerCore = {
    config,
    options,
    timeDensity,
    weights,
    ema: new Map([...weights].map(([name, weight]) => [name, tidy(() => variable(weight.clone(), false))])),
    adam: createAdamState(weights),
    completed: 0,
    random: { data: root.fork('data'), time: root.fork('time'), noise: root.fork('noise') },
  };

  function checkBatch(field: string, batchX0: unknown): Tensor {
    if (!(batchX0 instanceof Tensor)) throw invalidOption(field, batchX0, 'a tf.Tensor', 'invalid-argument');
    checkShape(field, batchX0, [-1, ...backbone.sampleShape]);
    if (batchX0.shape[0] === 0) throw invalidOption(`${field}.shape[0]`, 0, 'a batch of at least one example', 'shape-mismatch');
    if (batchX0.dtype !== 'float32') throw invalidOption(`${field}.dtype`, batchX0.dtype, '"float32"', 'invalid-argument');
    return batchX0;
  }

  function drawTimes(count: number, random: RandomSource): Float64Array {
    const times = timeDensity.sample(count, random);
    if (times.length !== count || !times.every((t) => t >= 0 && t <= 1)) {
      throw invalidOption('timeDensity.sample', times, `${count} times in [0, 1]`, 'invalid-argument');
    }
    return times;
  }

  function checkFiniteData(field: string, batchX0: Tensor, step: number): void {
    const finite = tidy(() => all(isFiniteTensor(batchX0)).dataSync()[0] === 1);
    if (!finite) throw new DiffusionError('non-finite', `${field}: the batch of step ${step} holds NaN or ±Infinity entries; expected finite values only.`, { field, value: { step }, allowed: 'finite values only' });
  }

  function step(given: unknown, field = 'step.batchX0'): StepResult {
    const batchX0 = checkBatch(field, given);
    const stepIndex = core.completed;
    const times = drawTimes(batchX0.shape[0]!, core.random.time);
    const levels = batchLevels(times, schedule, parameterisation, weighting, timeDensity);
    const lr = learningRateAt(stepIndex, { ...config.optimizer, ...config });
    const noise = randomNormalTensor(core.random.noise, batchX0.shape);
    let terms: Tensor | undefined;
    let values = new Float64Array(0);
    let loss = Number.NaN;
    let gradNorm = Number.NaN;
    let applied = false;
    try {
      tidy(() => {
        const { value, grads } = variableGrads(() => {
          terms = keep(lossTerms(backbone, parameterisation, batchX0, noise, levels));
          return mean(terms) as Scalar;
        }, [...weights.values()]);
        const gradients = new Map<string, Tensor>();
        for (const [name, weight] of weights) {
          const gradient = grads[weight.name];
          if (gradient) gradients.set(name, gradient);
        }
        // One read-back per step (a GPU stall on WebGL): the terms, their mean and the gradient norm.
        const summary = concat([terms!, reshape(value, [1]), reshape(globalGradientNorm(gradients.values(), fused), [1])]).dataSync();
        const batch = summary.length - 2;
        values = Float64Array.from(summary.subarray(0, batch));
        loss = summary[batch]!;
        gradNorm = summary[batch + 1]!;
        if (!Number.isFinite(loss) || !values.every(Number.isFinite) || !Number.isFinite(gradNorm)) return;
        // Clipping is folded into the update (no scaled copies of the gradients).
        applyAdamStep(weights, gradients, core.adam, config.optimizer, lr, stepIndex + 1, { gradientScale: clippingFactor(gradNorm, config.gradientClipNorm), fused });
        applyEmaUpdate(core.ema, weights, emaDecayAt(stepIndex, config.ema), fused);
        applied = true;
      });
    } finally {
      terms?.dispose();
      noise.dispose();
    }
    if (!applied) {
      checkFiniteData(field, batchX0, stepIndex + 1);
      const value = { step: stepIndex + 1, times: [...times], losses: [...values], gradNorm };
      throw new DiffusionError(
        'non-finite',
        `training: step ${stepIndex + 1} gave a non-finite loss ${loss} (gradient norm ${gradNorm}); times ${describeValue(times)}, per-example losses ${describeValue(values)} (all in the error's value). The weights were not updated.`,
        { field: 'loss', value, allowed: 'a finite loss' },
      );
    }
    core.completed = stepIndex + 1;
    // The density learns from the terms before importance correction: w ||eps - eps_hat||^2 = term * p(t).
    timeDensity.update?.(times, values.map((term, index) => term * timeDensity.density(times[index]!)));
    return { step: core.completed, loss, gradNorm, lr };
  }

  const trainer: Trainer = {
    options: config,
    get completedSteps() {
      return core.completed;
    },
    step: (batchX0) => step(batchX0),
    async train(trainOptions) {
      const { data, ...given } = checkTrainOptions(trainOptions);
      const drawBatch = typeof data === 'function' ? data : () => data.sample(config.batchSize, core.random.data);
      const checkpoint = config.checkpoint;
      const saveCheckpoint = checkpoint === undefined ? undefined : () => trainer.saveCheckpoint(checkpoint.path);
      return runTraining((batch) => step(batch, 'train.data'), saveCheckpoint, {
        ...given,
        drawBatch,
        firstStep: core.completed,
        ...(checkpoint === undefined ? {} : { checkpointEverySteps: checkpoint.everySteps }),
      });
    },
    estimateLoss(batchX0, random) {
      checkBatch('estimateLoss.batchX0', batchX0);
      const times = drawTimes(batchX0.shape[0]!, random);
      const levels = batchLevels(times, schedule, parameterisation, weighting, timeDensity);
      const termsTensor = tidy(() => lossTerms(backbone, parameterisation, batchX0, randomNormalTensor(random, batchX0.shape), levels));
      const terms = Float64Array.from(termsTensor.dataSync());
      termsTensor.dispose();
      return { loss: terms.reduce((total, term) => total + term, 0) / terms.length, times, terms };
    },
    denoiser: (denoiserOptions = {}) => createTrainedDenoiser(backbone, schedule, parameterisation, denoiserOptions.ema === true ? () => core.ema : undefined),
    emaDenoiser: () => trainer.denoiser({ ema: true }),
    emaWeights: () => core.ema,
    serializeCheckpoint: () => snapshotTrainer(core),
    restoreCheckpoint: (bytes) => restoreTrainerState(core, bytes),
    async saveCheckpoint(path) {
      const { writeFileAtomic } = await import('./checkpoint-file');
      await writeFileAtomic(path, snapshotTrainer(core));
    },
    async loadCheckpoint(path) {
      const { readCheckpointFile, restoreFromFile } = await import('./checkpoint-file');
      const bytes = await readCheckpointFile(path);
      restoreFromFile(path, () => restoreTrainerState(core, bytes));
    },
    dispose() {
      for (const average of core.ema.values()) average.dispose();
      disposeAdamState(core.adam);
    },
  };
  return trainer;
}
