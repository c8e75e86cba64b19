import { createMlpBackbone } from '@diffusion/backbones';
import { createRandomSource, type Backbone, type ConditionalDenoiser, type RandomSource, type Registry } from '@diffusion/core';
import { createTrainer, type Trainer } from '@diffusion/training';
import type { PlaygroundDataset } from './playground-datasets';
import { naturalWeighting } from './playground-registry';
import type { Settings } from './playground-settings';

/** A network and its trainer, built from checked settings. */
export interface PlaygroundModel {
  readonly backbone: Backbone;
  readonly trainer: Trainer;
  readonly data: PlaygroundDataset;
  /**
   * Number of classes K when the model is class-conditional (a labelled dataset: trained with the
   * labels, dropped to the null class K with probability 0.1); undefined for unlabelled data.
   */
  readonly numClasses: number | undefined;
  /** The sigma-space denoiser of the live or EMA weights; a class-conditional one takes labels in `0 … K` (K or none: unconditional). */
  denoiser(ema: boolean): ConditionalDenoiser;
  /** Frees the network, the EMA weights and the optimiser state. */
  dispose(): void;
}

/** Label dropout of classifier-free guidance (Ho & Salimans 2022): the share of labels trained as the null class. */
export const playgroundPUncond = 0.1;

/**
 * Builds the MLP backbone and the trainer that the settings name (throws the packages'
 * DiffusionError on a bad combination). On a labelled dataset the MLP takes class labels
 * (`numClasses` = the dataset's, the component of a mixture) and the trainer drops them to the
 * null class with probability {@link playgroundPUncond}, so one network is both `D_c` and `D_u`.
 */
export function createPlaygroundModel(settings: Settings, registry: Registry, data: PlaygroundDataset): PlaygroundModel {
  const numClasses = data.dataset.sampleLabelled === undefined ? undefined : data.dataset.numClasses;
  const backbone = createMlpBackbone({ dimension: 2, hiddenWidths: [...settings.hiddenWidths], seed: settings.seed, ...(numClasses === undefined ? {} : { numClasses }) });
  try {
    const trainer = createTrainer({
      backbone,
      schedule: registry.schedules.get(settings.schedule),
      parameterisation: registry.parameterisations.get(settings.parameterisation),
      ...(settings.weighting === naturalWeighting ? {} : { weighting: registry.lossWeightings.get(settings.weighting) }),
      timeDensity: registry.timeDensities.get(settings.timeDensity),
      optimizer: { learningRate: settings.learningRate },
      batchSize: settings.batchSize,
      seed: settings.seed,
      totalSteps: Math.max(settings.trainSteps, 1),
      ema: { decay: 0.995 },
      ...(numClasses === undefined ? {} : { pUncond: playgroundPUncond }),
    });
    return {
      backbone,
      trainer,
      data,
      numClasses,
      denoiser: (ema) => trainer.denoiser({ ema }),
      dispose() {
        trainer.dispose();
        backbone.dispose();
      },
    };
  } catch (error) {
    backbone.dispose();
    throw error;
  }
}

/** What one chunk of training did. */
export interface TrainingChunk {
  /** Loss of each step of the chunk. */
  readonly losses: number[];
  /** Wall-clock milliseconds the chunk took. */
  readonly milliseconds: number;
}

/**
 * Runs optimisation steps until `budgetMs` has passed (at least one step) or `maxSteps` are done,
 * each on a fresh batch from the data stream `random` (with its labels when the model is
 * class-conditional: the same points, the labels drawn with them); the caller yields to the browser between
 * chunks (`await tf.nextFrame()`), so the page stays responsive while it trains.
 */
export function trainChunk(model: PlaygroundModel, random: RandomSource, options: { budgetMs: number; maxSteps: number; now?: () => number }): TrainingChunk {
  const now = options.now ?? (() => performance.now());
  const start = now();
  const losses: number[] = [];
  const batchSize = model.trainer.options.batchSize;
  while (losses.length < options.maxSteps) {
    const dataset = model.data.dataset;
    if (model.numClasses !== undefined && dataset.sampleLabelled !== undefined) {
      const batch = dataset.sampleLabelled(batchSize, random);
      try {
        losses.push(model.trainer.step(batch.x, batch.labels).loss);
      } finally {
        batch.x.dispose();
        batch.labels.dispose();
      }
    } else {
      const batch = dataset.sample(batchSize, random);
      try {
        losses.push(model.trainer.step(batch).loss);
      } finally {
        batch.dispose();
      }
    }
    if (now() - start >= options.budgetMs) break;
  }
  return { losses, milliseconds: now() - start };
}

/** The data stream of a run: seeded by the settings, independent of the trainer's own streams. */
export function trainingDataStream(seed: number): RandomSource {
  return createRandomSource(seed).fork('playground-data');
}
