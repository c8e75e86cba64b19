import type { ConditionalDenoiser, Guider, Sampler } from '@diffusion/core';
import { nearestComponentFraction } from './playground-class-metrics';
import type { PlaygroundDataset } from './playground-datasets';
import { allClasses, createPlaygroundGuidance, samplingLabels, type GuidanceSettings } from './playground-guidance';
import { runSampling, sampleDistance, type SampleDistance, type SamplingRun } from './playground-sampling';

/** What a sampling run needs of a model: its data, its classes and its denoiser (a trained network, or a mixture's exact one). */
export interface SampleableModel {
  readonly data: PlaygroundDataset;
  /** K for a class-conditional denoiser (null class K), undefined for an unconditional one. */
  readonly numClasses: number | undefined;
  denoiser(ema: boolean): ConditionalDenoiser;
}

/** A sampling run of the page with what was asked and what it measured. */
export interface ModelSamplingRun extends SamplingRun {
  /** The requested class of each sample (class-conditional models only). */
  readonly labels: Int32Array | undefined;
  /** The class and guidance of the run (class-conditional models only). */
  readonly guidance: GuidanceSettings | undefined;
  /** The guider that ran, undefined at scale 1 (the conditional model alone) and for unconditional models. */
  readonly guider: Guider | undefined;
  /** Sliced W1 against the data, or against the picked class. */
  readonly distance: SampleDistance;
  /** On a mixture: the share of samples nearest their requested class's component mean. */
  readonly nearestFraction: number | undefined;
}

/**
 * One sampling run of the page: the model's denoiser, guided for a class-conditional model (the
 * labels of the picked class, the guider at the picked scale; the sampler unchanged), then measured.
 * Every tensor it makes is disposed.
 */
export function sampleModel(model: SampleableModel, options: { readonly sampler: Sampler; readonly sigmas: Float64Array; readonly count: number; readonly seed: number; readonly ema: boolean; readonly guidance: GuidanceSettings | undefined }): ModelSamplingRun {
  const { sampler, sigmas, count, seed, ema } = options;
  const guidance = model.numClasses === undefined ? undefined : options.guidance;
  if (model.numClasses === undefined || guidance === undefined) {
    const run = runSampling({ sampler, denoise: model.denoiser(ema), sigmas, count, seed });
    return { ...run, labels: undefined, guidance: undefined, guider: undefined, distance: sampleDistance(run.samples, model.data, seed), nearestFraction: undefined };
  }
  const labels = samplingLabels(guidance.classChoice, count, model.data.dataset, seed);
  const guided = createPlaygroundGuidance(model.denoiser(ema), { numClasses: model.numClasses, labels, guider: guidance.guider, guidanceScale: guidance.guidanceScale });
  let run: SamplingRun;
  try {
    run = runSampling({ sampler, denoise: guided.denoise, sigmas, count, seed, evaluations: guided.evaluations });
  } finally {
    guided.dispose();
  }
  const classIndex = guidance.classChoice === allClasses ? undefined : guidance.classChoice;
  const mixture = model.data.mixture;
  return {
    ...run,
    labels,
    guidance,
    guider: guided.guider,
    distance: sampleDistance(run.samples, model.data, seed, classIndex),
    nearestFraction: mixture === undefined ? undefined : nearestComponentFraction(run.samples, labels, mixture),
  };
}
