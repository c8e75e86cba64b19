import type { Backbone, Registry } from '@diffusion/core';
import { createTrainer, type Trainer } from '@diffusion/training';
import { createBackbone, modelParts } from './components';
import type { RunRecord } from './run-record';

/** A run's backbone and trainer, built from its record (the same for a start, a resume and sampling a checkpoint). */
export interface RunModel {
  readonly backbone: Backbone;
  readonly trainer: Trainer;
  dispose(): void;
}

/** Builds the backbone and trainer a run's settings describe. */
export function createRunModel(registry: Registry, record: RunRecord): RunModel {
  const { settings } = record;
  const parts = modelParts(registry, settings);
  const backbone = createBackbone(registry, settings, record.data);
  try {
    const trainer = createTrainer({
      backbone,
      schedule: parts.schedule,
      parameterisation: parts.parameterisation,
      ...(parts.weighting === undefined ? {} : { weighting: parts.weighting }),
      timeDensity: parts.timeDensity,
      optimizer: { learningRate: settings.learningRate },
      warmupSteps: settings.warmupSteps,
      decay: settings.decay,
      totalSteps: settings.steps,
      ...(settings.gradientClipNorm === null ? {} : { gradientClipNorm: settings.gradientClipNorm }),
      ema: { decay: settings.emaDecay },
      batchSize: settings.batch,
      seed: settings.seed,
      ...(settings.pUncond === undefined ? {} : { pUncond: settings.pUncond }),
    });
    return {
      backbone,
      trainer,
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
