import type { RandomSource, TimeDensity } from '@diffusion/core';
import type { Variable } from '@tensorflow/tfjs-core';
import type { AdamState } from './adam-optimizer';
import type { TrainerConfig, TrainerOptions } from './trainer-options';

/** What one optimisation step reports. */
export interface StepResult {
  /** Number of completed steps after this one (1-based index of this step). */
  readonly step: number;
  /** Batch mean of the weighted loss terms (float32 value). */
  readonly loss: number;
  /** Global L2 norm of the gradient before clipping. */
  readonly gradNorm: number;
  /** Learning rate used by this step. */
  readonly lr: number;
}

/** Training state shared by the trainer's parts (the step, the checkpoint codec). */
export interface TrainerCore {
  readonly config: TrainerConfig;
  readonly options: TrainerOptions;
  readonly timeDensity: TimeDensity;
  readonly weights: ReadonlyMap<string, Variable>;
  readonly ema: ReadonlyMap<string, Variable>;
  readonly adam: AdamState;
  completed: number;
  /** The seeded streams: batches, times, noise, and the label dropout (`condition`). */
  random: { data: RandomSource; time: RandomSource; noise: RandomSource; condition: RandomSource };
}
