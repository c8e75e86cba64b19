import type * as tf from '@tensorflow/tfjs-core';
import type { Backbone, Denoiser } from '@diffusion/core';
import type { Dataset } from '@diffusion/data';
import type { ClassEvaluation } from './guidance/class-evaluation';

/** Sample-quality figures of one batch of samples (which ones depend on the data). */
export interface SampleQuality {
  readonly slicedWasserstein?: number;
  readonly mmd?: number;
  readonly frechetDistance?: number;
  readonly classifierConfidence?: number;
}

/** A picture for the report: a point cloud (2-D data) or a PNG data URI (images). */
export interface Picture {
  readonly points?: ReadonlyArray<readonly [number, number]>;
  readonly imagePng?: string;
}

/** What `--ladder tuned` tunes against: data that is never the evaluation set, and how to compare samples to it. */
export interface LadderTuningData {
  /** Points or images `[m, ...sampleShape]`; the caller disposes them. */
  readonly heldOut: tf.Tensor;
  /** The default objective for this data. */
  readonly objective: 'sliced-wasserstein' | 'mmd' | 'frechet';
  /** Maps samples to feature rows (images: the digit classifier's features). */
  readonly features?: (samples: tf.Tensor) => Float64Array;
  /** Where the data come from, for the report. */
  readonly source: string;
}

/** Everything that depends on the kind of data: points with an MLP, or images with a U-Net. */
export interface ExperimentSetup {
  /** Training batches. */
  readonly dataset: Dataset;
  /** Held-out data `[n, …sampleShape]` for the loss profile and the NLL bound (owned by the setup). */
  readonly heldOut: tf.Tensor;
  /** Held-out points shown under the samples (2-D data). */
  readonly dataPoints?: ReadonlyArray<readonly [number, number]>;
  /** Shape of one sample. */
  readonly sampleShape: readonly number[];
  /** Exact denoiser of the data, when known (mixtures). */
  readonly exactDenoiser?: Denoiser;
  /** True NLL of the held-out data, when known (nats per point). */
  readonly dataNll?: number;
  /** True NLL of the first `count` held-out points, when known (nats per point): what the ODE NLL of those points approaches. */
  dataNllOf?(count: number): number;
  /** Decoder of the NLL bound: Gaussian for continuous data, discretised Gaussian for 8-bit images. */
  readonly decoder: 'gaussian' | 'discretized-gaussian';
  /** How the NLL bound is reported. */
  readonly nllUnit: 'nats per point' | 'bits per dimension';
  /** Dimensions per sample (for bits per dimension). */
  readonly dimension: number;
  /** The quality of held-out real data on the same metric (images: Fréchet distance of held-out vs train digits). */
  readonly referenceQuality?: SampleQuality;
  /** `--guidance`: the data's classes and their measures; the backbone then takes class labels. Absent: the data has no labels. */
  readonly classes?: ClassEvaluation;
  /** A fresh backbone with the run's seed: the same initial weights for every run. */
  createBackbone(): Backbone;
  /** Saves a trained backbone (and its EMA weights) where the user can take it elsewhere, if the setup does that. */
  saveTrained?(backbone: Backbone, label: string, emaWeights: ReadonlyMap<string, tf.Tensor>): Promise<void>;
  /** `count` examples to tune ladders on, disjoint from every set `evaluate` measures against. */
  ladderTuningData?(count: number): LadderTuningData;
  /** Measures a batch of samples. */
  evaluate(samples: tf.Tensor): SampleQuality;
  /** The report's picture of a batch of samples. */
  picture(samples: tf.Tensor): Picture;
  /** Frees what the setup holds. */
  dispose(): void;
}
