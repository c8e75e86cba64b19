import { createMlpBackbone } from '@diffusion/backbones';
import { createRandomSource, type Backbone, type Denoiser, type RandomSource, type Registry } from '@diffusion/core';
import { createTrainer, type Trainer } from '@diffusion/training';
import type { PlaygroundDataset } from './playground-datasets';
import { naturalWeighting } from './playground-registry';
import type { Settings } from './playground-settings';

/** A network and its trainer, built from checked settings. */
export interface PlaygroundModel {
  readonly backbone: Backbone;
  readonly trainer: Trainer;
  readonly data: PlaygroundDataset;
  /** The sigma-space denoiser of the live or EMA weights. */
  denoiser(ema: boolean): Denoiser;
  /** Frees the network, the EMA weights and the optimiser state. */
  dispose(): void;
}

/** Builds the MLP backbone and the trainer that the settings name (throws the packages' DiffusionError on a bad combination). */
export function createPlaygroundModel(settings: Settings, registry: Registry, data: PlaygroundDataset): PlaygroundModel {
  const backbone = createMlpBackbone({ dimension: 2, hiddenWidths: [...settings.hiddenWidths], seed: settings.seed });
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
    });
    return {
      backbone,
      trainer,
      data,
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
 * each on a fresh batch from the data stream `random`; the caller yields to the browser between
 * chunks (`await tf.nextFrame()`), so the page stays responsive while it trains.
 */
export function trainChunk(model: PlaygroundModel, random: RandomSource, options: { budgetMs: number; maxSteps: number; now?: () => number }): TrainingChunk {
  const now = options.now ?? (() => performance.now());
  const start = now();
  const losses: number[] = [];
  const batchSize = model.trainer.options.batchSize;
  while (losses.length < options.maxSteps) {
    const batch = model.data.dataset.sample(batchSize, random);
    try {
      losses.push(model.trainer.step(batch).loss);
    } finally {
      batch.dispose();
    }
    if (now() - start >= options.budgetMs) break;
  }
  return { losses, milliseconds: now() - start };
}

/** The data stream of a run: seeded by the settings, independent of the trainer's own streams. */
export function trainingDataStream(seed: number): RandomSource {
  return createRandomSource(seed).fork('playground-data');
}
