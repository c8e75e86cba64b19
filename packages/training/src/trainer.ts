import {
  DiffusionError,
  checkBackend,
  checkShape,
  describeValue,
  createRandomSource,
  invalidOption,
  randomNormalTensor,
  type ConditionalDenoiser,
  type RandomSource,
} from '@diffusion/core';
import { Tensor, all, concat, grad, reshape, tensor1d, isFinite as isFiniteTensor, keep, mean, ones, square, tidy, variable, variableGrads, type Scalar, type Variable } from '@tensorflow/tfjs-core';
import { applyAdamStep, createAdamState, disposeAdamState } from './adam-optimizer';
import { dropLabels, readLabels } from './class-conditioning';
import { emaDecayAt } from './ema-decay';
import { applyEmaUpdate } from './ema-update';
import { maximumGradientNorm, momentOverflowError } from './divergence-guard';
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
  /**
   * One Adam step on a batch `[batch, …sampleShape]` of data (not disposed); a class-conditional
   * backbone needs the batch's labels (`[batch]` integers in [0, K), a tensor or an array), of which
   * the trainer drops a share `pUncond` to the null class K.
   */
  step(batchX0: Tensor, labels?: Tensor | ArrayLike<number>): StepResult;
  /** Runs `steps` steps, yielding to the event loop between them. */
  train(options: TrainOptions): Promise<TrainResult>;
  /**
   * The loss estimator on a batch with times and noise from `random`; changes no state. With
   * `labels` the conditional loss (no dropout), without them a class-conditional model's loss is
   * that of the null class.
   */
  estimateLoss(batchX0: Tensor, random: RandomSource, labels?: Tensor | ArrayLike<number>): LossEstimate;
  /**
   * The network as a sigma-space denoiser D(x; sigma, condition?), live or EMA weights (default
   * live); a class-conditional model takes int32 labels `[batch]` in `0 … K` (K, or none: the null class).
   */
  denoiser(options?: { readonly ema?: boolean }): ConditionalDenoiser;
  /** Shorthand for `denoiser({ ema: true })`. */
  emaDenoiser(): ConditionalDenoiser;
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
    // A block body: tidy keeps (and so leaks) a returned tensor.
    tidy(() => {
      grad((x: Tensor) => mean(square(x)))(ones([1]));
    });
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
  checkBackend('createTrainer');
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
    random: { data: root.fork('data'), time: root.fork('time'), noise: root.fork('noise'), condition: root.fork('condition') },
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

  /** A batch as given to `step` or drawn by `train`: a tensor, or `{ x, labels }`; labels are checked against the backbone. */
  function readBatch(field: string, given: unknown, labels: unknown, labelsField: string): { batchX0: Tensor; labels: Int32Array | undefined } {
    const labelled = typeof given === 'object' && given !== null && !(given instanceof Tensor) && 'x' in given;
    const batchX0 = checkBatch(labelled ? `${field}.x` : field, labelled ? (given as { x: unknown }).x : given);
    const labelValues = readLabels(labelled ? `${field}.labels` : labelsField, labelled ? (given as { labels?: unknown }).labels : labels, batchX0.shape[0]!, config.classes);
    return { batchX0, labels: labelValues };
  }

  function step(given: unknown, field = 'step.batchX0', givenLabels?: unknown): StepResult {
    const { batchX0, labels } = readBatch(field, given, givenLabels, 'step.labels');
    const stepIndex = core.completed;
    // Label dropout (Ho & Salimans 2022): a share pUncond of the labels becomes the null class K.
    const conditionLabels = labels === undefined ? undefined : dropLabels(labels, config.classes!, core.random.condition);
    const times = drawTimes(batchX0.shape[0]!, core.random.time);
    const levels = batchLevels(times, schedule, parameterisation, weighting, timeDensity);
    const lr = learningRateAt(stepIndex, { ...config.optimizer, ...config });
    const noise = randomNormalTensor(core.random.noise, batchX0.shape);
    let terms: Tensor | undefined;
    let values = new Float64Array(0);
    let loss = Number.NaN;
    let gradNorm = Number.NaN;
    let gradientScale = 1;
    let applied = false;
    try {
      tidy(() => {
        const { value, grads } = variableGrads(() => {
          const condition = conditionLabels === undefined ? undefined : tensor1d(conditionLabels, 'int32');
          terms = keep(lossTerms(backbone, parameterisation, batchX0, noise, levels, condition));
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
        gradientScale = clippingFactor(gradNorm, config.gradientClipNorm);
        if (gradNorm * gradientScale >= maximumGradientNorm) return;
        // Clipping is folded into the update (no scaled copies of the gradients).
        applyAdamStep(weights, gradients, core.adam, config.optimizer, lr, stepIndex + 1, { gradientScale, fused });
        applyEmaUpdate(core.ema, weights, emaDecayAt(stepIndex, config.ema), fused);
        applied = true;
      });
    } finally {
      terms?.dispose();
      noise.dispose();
    }
    if (!applied) {
      checkFiniteData(field, batchX0, stepIndex + 1);
      if (Number.isFinite(loss) && Number.isFinite(gradNorm)) throw momentOverflowError(stepIndex + 1, gradNorm, gradientScale, loss);
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
    step: (batchX0, labels) => step(batchX0, 'step.batchX0', labels),
    async train(trainOptions) {
      const { data, ...given } = checkTrainOptions(trainOptions);
      if (config.classes !== undefined && typeof data !== 'function' && typeof data.sampleLabelled !== 'function') {
        throw invalidOption('train.data', data, 'a labelled dataset (with sampleLabelled) or a function (step) => { x, labels }: the backbone is class-conditional', 'invalid-argument');
      }
      const drawBatch = typeof data === 'function' ? data : config.classes === undefined ? () => data.sample(config.batchSize, core.random.data) : () => data.sampleLabelled!(config.batchSize, core.random.data);
      const checkpoint = config.checkpoint;
      const saveCheckpoint = checkpoint === undefined ? undefined : () => trainer.saveCheckpoint(checkpoint.path);
      return runTraining((batch) => step(batch, 'train.data'), saveCheckpoint, {
        ...given,
        drawBatch,
        firstStep: core.completed,
        ...(checkpoint === undefined ? {} : { checkpointEverySteps: checkpoint.everySteps }),
      });
    },
    estimateLoss(batchX0, random, labels) {
      checkBatch('estimateLoss.batchX0', batchX0);
      const batch = batchX0.shape[0]!;
      const labelValues = config.classes === undefined || labels !== undefined ? readLabels('estimateLoss.labels', labels, batch, config.classes) : new Int32Array(batch).fill(config.classes.numClasses);
      const times = drawTimes(batch, random);
      const levels = batchLevels(times, schedule, parameterisation, weighting, timeDensity);
      const termsTensor = tidy(() => lossTerms(backbone, parameterisation, batchX0, randomNormalTensor(random, batchX0.shape), levels, labelValues === undefined ? undefined : tensor1d(labelValues, 'int32')));
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
