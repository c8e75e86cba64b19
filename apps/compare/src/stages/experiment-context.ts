import type * as tf from '@tensorflow/tfjs-core';
import { trainingSigmaRange } from '@diffusion/schedules';
import { createRandomSource, randomNormalTensor, type RandomSource, type Registry, type Schedule } from '@diffusion/core';
import { ConfigError, type CompareConfig } from '../config';
import { createFileSetup } from '../file-setup';
import { createImageSetup } from '../image-setup';
import { createPointSetup } from '../point-setup';
import { profileSigmas } from '../profile';
import type { ReportVisuals, TrajectoryPicture } from '../report/html';
import type { ExperimentSetup, Picture } from '../setup';
import type { GuidancePictures } from './guidance-stage';

/** What every stage of an experiment shares: the data, the fixed noises and the report's pictures. */
export interface ExperimentContext {
  readonly config: CompareConfig;
  readonly registry: Registry;
  readonly schedule: Schedule;
  readonly random: RandomSource;
  readonly setup: ExperimentSetup;
  /** Unit noise of the loss profile, one draw per held-out example (the same for every model). */
  readonly profileNoise: tf.Tensor;
  /** Unit initial noise of every sampler run (the same for every model, sampler and NFE). */
  readonly sampleNoise: tf.Tensor;
  /** Noise levels of the loss profile. */
  readonly sigmasOfProfile: readonly number[];
  /** The report's samples by run id. */
  readonly samples: Map<string, Picture & { label: string }>;
  /** The report's trajectories by run id. */
  readonly trajectories: Map<string, TrajectoryPicture>;
  /** `--guidance`: the report's per-class pictures by run id. */
  readonly guidancePictures: Map<string, GuidancePictures>;
  readonly visuals: ReportVisuals;
}

/** Builds the data setup and the fixed noises of an experiment; `disposeExperimentContext` frees them. */
export async function createExperimentContext(config: CompareConfig, registry: Registry): Promise<ExperimentContext> {
  const schedule = registry.schedules.get(config.schedule);
  const random = createRandomSource(config.seed);
  const setup = config.data !== undefined ? createFileSetup({ ...config, data: config.data }, random) : config.dataset === 'mnist' ? await createImageSetup(config, random, schedule) : createPointSetup(config, random);
  if (config.guidance !== undefined && setup.classes === undefined) {
    setup.dispose();
    throw new ConfigError(`--guidance: ${config.data ?? config.dataset} has no class labels to guide with; use a labelled dataset (mixture, eight-gaussians, two-moons, checkerboard, rings or mnist)`);
  }
  const profileNoise = randomNormalTensor(random.fork('profile-noise'), setup.heldOut.shape);
  const sampleNoise = randomNormalTensor(random.fork('sample-noise'), [config.samples, ...setup.sampleShape]);
  const { sigmaMin, sigmaMax } = trainingSigmaRange(schedule);
  const samples = new Map<string, Picture & { label: string }>();
  const trajectories = new Map<string, TrajectoryPicture>();
  const guidancePictures = new Map<string, GuidancePictures>();
  const visuals: ReportVisuals = { ...(setup.dataPoints === undefined ? {} : { data: setup.dataPoints }), samples, trajectories, ...(config.guidance === undefined ? {} : { guidance: guidancePictures }) };
  return { config, registry, schedule, random, setup, profileNoise, sampleNoise, sigmasOfProfile: profileSigmas(sigmaMin, sigmaMax, config.profileBins), samples, trajectories, guidancePictures, visuals };
}

/** Frees the noises and the setup. */
export function disposeExperimentContext(context: ExperimentContext): void {
  context.profileNoise.dispose();
  context.sampleNoise.dispose();
  context.setup.dispose();
}
