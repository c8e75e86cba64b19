import type { Backbone, LossWeighting, Parameterisation } from '@diffusion/core';
import { createTrainer, type Trainer } from '@diffusion/training';
import { timeDensityByName } from '../components';
import type { ExperimentHooks } from '../experiment';
import type { ExperimentContext } from './experiment-context';
import { trainResumably } from './resumable-training';

/** A trained model, owned by the caller (`disposeTrainedModel`). */
export interface TrainedModel {
  readonly backbone: Backbone;
  readonly trainer: Trainer;
  /** Loss of every step. */
  readonly losses: Float64Array;
  readonly trainSeconds: number;
}

/** Frees the trainer's state and the backbone's weights. */
export function disposeTrainedModel(model: TrainedModel): void {
  model.trainer.dispose();
  model.backbone.dispose();
}

/**
 * The train stage: a fresh backbone (the same initial weights for every run) trained on the
 * run's seeded batches; `undefined` when interrupted before the last step (nothing left to free).
 */
export async function trainStage(
  context: ExperimentContext,
  run: { readonly id: string; readonly label: string; readonly parameterisation: Parameterisation; readonly weighting: LossWeighting | undefined },
  hooks: ExperimentHooks,
): Promise<TrainedModel | undefined> {
  const { config, schedule, setup } = context;
  const backbone = setup.createBackbone();
  let trainer: Trainer | undefined;
  try {
    trainer = createTrainer({
      backbone,
      schedule,
      parameterisation: run.parameterisation,
      ...(run.weighting === undefined ? {} : { weighting: run.weighting }),
      timeDensity: timeDensityByName(config.timeDensity, schedule),
      optimizer: { learningRate: config.learningRate },
      warmupSteps: Math.min(100, Math.floor(config.steps / 10)),
      decay: 'cosine',
      totalSteps: config.steps,
      gradientClipNorm: 1,
      ema: { decay: config.emaDecay },
      batchSize: config.batch,
      seed: config.seed,
      ...(config.pUncond === undefined ? {} : { pUncond: config.pUncond }),
    });
    const onProgress = hooks.progress.start(run.label, config.steps);
    const started = performance.now();
    const trained = await trainResumably(trainer, { data: setup.dataset, steps: config.steps, onProgress, signal: hooks.signal, every: config.checkpointEvery }, hooks.resume === undefined ? undefined : { store: hooks.resume, id: run.id });
    const trainSeconds = (performance.now() - started) / 1000;
    if (trained.steps === config.steps) {
      await setup.saveTrained?.(backbone, run.label, trainer.emaWeights());
      return { backbone, trainer, losses: trained.losses, trainSeconds };
    }
  } catch (error) {
    trainer?.dispose();
    backbone.dispose();
    throw error;
  }
  trainer.dispose();
  backbone.dispose();
  return undefined;
}
