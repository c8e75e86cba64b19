import * as tf from '@tensorflow/tfjs-core';
import { createRandomSource, randomNormalTensor, type Denoiser, type Registry } from '@diffusion/core';
import { natsToBitsPerDim, nllBoundFromDenoiser } from '@diffusion/metrics';
import { isDiscreteSchedule } from '@diffusion/parameterisations';
import { createTrainer } from '@diffusion/training';
import { timeDensityByName, weightingByName } from './components';
import type { CompareConfig } from './config';
import { createImageSetup } from './image-setup';
import { ladderFor, sigmaRange } from './ladders';
import { createPointSetup } from './point-setup';
import { lossProfile, profileSigmas } from './profile';
import type { ProgressBars } from './progress';
import type { ReportVisuals, TrajectoryPicture } from './report/html';
import type { RunResult, SampleResult } from './results';
import { runSampler, stepsForBudget } from './sampling';
import type { Picture, SampleQuality } from './setup';

/** What the experiment reports to its caller while it runs. */
export interface ExperimentHooks {
  readonly log: (line: string) => void;
  readonly progress: ProgressBars;
  readonly signal: AbortSignal;
  /** Called after every finished run, so an interrupted experiment still leaves a report. */
  readonly onRunFinished?: (runs: readonly RunResult[], visuals: ReportVisuals) => void;
}

/** Everything an experiment produced. */
export interface ExperimentOutcome {
  readonly runs: RunResult[];
  readonly visuals: ReportVisuals;
  readonly complete: boolean;
  readonly dataNll?: number;
  readonly exactNllBound?: number;
  readonly nllUnit: string;
  readonly referenceQuality?: SampleQuality;
}

/** Exponential moving average of the losses, downsampled to at most `points` (step, loss) pairs. */
export function smoothCurve(losses: Float64Array, points = 200): Array<[number, number]> {
  const curve: Array<[number, number]> = [];
  const stride = Math.max(1, Math.floor(losses.length / points));
  let average = Number.NaN;
  losses.forEach((loss, index) => {
    average = Number.isNaN(average) ? loss : 0.97 * average + 0.03 * loss;
    if ((index + 1) % stride === 0 || index === losses.length - 1) curve.push([index + 1, average]);
  });
  return curve;
}

/** The weights of a loss on a grid of log-SNR: equal signatures mean identical training. */
function lossSignature(weighting: { weight(logSnr: number): number }): string {
  return Array.from({ length: 41 }, (_, index) => weighting.weight(-20 + index).toPrecision(12)).join(',');
}

/**
 * Trains one backbone per (parameterisation, weighting) from the same initial weights on the same
 * seeded batches, then samples each with every sampler at every NFE from the same initial noise.
 */
export async function runExperiment(config: CompareConfig, registry: Registry, hooks: ExperimentHooks): Promise<ExperimentOutcome> {
  const schedule = registry.schedules.get(config.schedule);
  const random = createRandomSource(config.seed);
  const setup = config.dataset === 'mnist' ? await createImageSetup(config, random) : createPointSetup(config, random);
  const profileNoise = randomNormalTensor(random.fork('profile-noise'), setup.heldOut.shape);
  const sampleNoise = randomNormalTensor(random.fork('sample-noise'), [config.samples, ...setup.sampleShape]);
  const { sigmaMin, sigmaMax } = sigmaRange(schedule);
  const sigmasOfProfile = profileSigmas(sigmaMin, sigmaMax, config.profileBins);
  // The negative ELBO of the discrete chain on the held-out data, the same x_t draws for every
  // model; stratified timesteps keep it unbiased and quick.
  const boundOf = (denoiser: Denoiser): number | undefined => {
    if (!isDiscreteSchedule(schedule)) return undefined;
    const bound = nllBoundFromDenoiser({ denoiser, schedule, data: setup.heldOut, random: random.fork('nll-bound'), timesteps: setup.decoder === 'gaussian' ? 100 : 20, decoder: setup.decoder });
    return setup.nllUnit === 'bits per dimension' ? natsToBitsPerDim(bound.total, setup.dimension) : bound.total;
  };
  const exactNllBound = setup.exactDenoiser === undefined ? undefined : boundOf(setup.exactDenoiser);
  const runs: RunResult[] = [];
  const samples = new Map<string, Picture & { label: string }>();
  const trajectories = new Map<string, TrajectoryPicture>();
  const visuals: ReportVisuals = { ...(setup.dataPoints === undefined ? {} : { data: setup.dataPoints }), samples, trajectories };
  const maxNfe = Math.max(...config.nfe);
  const trainedRuns = new Map<string, RunResult>();
  let complete = true;
  try {
    for (const parameterisationName of config.parameterisations) {
      for (const weightingName of config.weightings) {
        if (hooks.signal.aborted) {
          complete = false;
          break;
        }
        const id = `${parameterisationName}-${weightingName}`;
        const parameterisation = registry.parameterisations.get(parameterisationName);
        const weighting = weightingByName(weightingName, schedule);
        // A weighting equal to the parameterisation's natural one (eps with `uniform`) trains the very
        // same model: reuse that run instead of training it twice.
        const signature = `${parameterisationName}:${lossSignature(weighting ?? { weight: (logSnr) => parameterisation.naturalWeight(logSnr) })}`;
        const twin = trainedRuns.get(signature);
        if (twin !== undefined) {
          runs.push({ ...twin, id, weighting: weightingName, sameAs: twin.id });
          for (const map of [samples, trajectories] as Array<Map<string, unknown>>) if (map.has(twin.id)) map.set(id, map.get(twin.id));
          hooks.onRunFinished?.(runs, visuals);
          continue;
        }
        const backbone = setup.createBackbone();
        const trainer = createTrainer({
          backbone,
          schedule,
          parameterisation,
          ...(weighting === undefined ? {} : { weighting }),
          timeDensity: timeDensityByName(config.timeDensity, schedule),
          optimizer: { learningRate: config.learningRate },
          warmupSteps: Math.min(100, Math.floor(config.steps / 10)),
          decay: 'cosine',
          totalSteps: config.steps,
          gradientClipNorm: 1,
          ema: { decay: config.emaDecay },
          batchSize: config.batch,
          seed: config.seed,
        });
        try {
          const onProgress = hooks.progress.start(`${parameterisationName} · ${weightingName}`, config.steps);
          const started = performance.now();
          const trained = await trainer.train({ data: setup.dataset, steps: config.steps, onProgress, signal: hooks.signal });
          const trainSeconds = (performance.now() - started) / 1000;
          if (trained.steps < config.steps) {
            complete = false;
            break;
          }
          const denoise = trainer.denoiser({ ema: true });
          const profile = lossProfile(denoise, setup.heldOut, profileNoise, sigmasOfProfile, setup.exactDenoiser);
          const nllBound = boundOf(denoise);
          const sampleResults: SampleResult[] = [];
          for (const samplerName of config.samplers) {
            const sampler = registry.samplers.get(samplerName);
            for (const nfe of config.nfe) {
              const steps = stepsForBudget(sampler, nfe);
              const sigmas = ladderFor(schedule, config.ladder, steps);
              const recordTrajectory = samplerName === config.samplers[0] && nfe === maxNfe;
              const sampleStart = performance.now();
              const run = runSampler(sampler, denoise, sampleNoise, sigmas, { seed: config.seed, ...(recordTrajectory ? { frames: 6, picture: setup.picture } : {}) });
              const seconds = (performance.now() - sampleStart) / 1000;
              if (recordTrajectory) trajectories.set(id, { label: `${samplerName}, ${run.evaluations} NFE, ${config.ladder} ladder`, frames: run.trajectory });
              if (nfe === maxNfe && (samples.get(id) === undefined || samplerName === config.samplers[0])) samples.set(id, { label: `${samplerName} at ${run.evaluations} NFE`, ...setup.picture(run.x) });
              const quality = setup.evaluate(run.x);
              run.x.dispose();
              sampleResults.push({ sampler: samplerName, nfe: run.evaluations, steps, ...quality, seconds });
            }
          }
          const lossCurve = smoothCurve(trained.losses);
          const result: RunResult = {
            id,
            parameterisation: parameterisationName,
            weighting: weightingName,
            trainSeconds,
            finalLoss: lossCurve.at(-1)?.[1] ?? Number.NaN,
            lossCurve,
            profile,
            samples: sampleResults,
            parameterCount: backbone.parameterCount,
            ...(nllBound === undefined ? {} : { nllBound }),
          };
          runs.push(result);
          trainedRuns.set(signature, result);
          hooks.onRunFinished?.(runs, visuals);
        } finally {
          trainer.dispose();
          backbone.dispose();
        }
      }
      if (!complete) break;
    }
  } finally {
    hooks.progress.stop();
    profileNoise.dispose();
    sampleNoise.dispose();
    setup.dispose();
  }
  return {
    runs,
    visuals,
    complete,
    nllUnit: setup.nllUnit,
    ...(setup.dataNll === undefined ? {} : { dataNll: setup.dataNll }),
    ...(exactNllBound === undefined ? {} : { exactNllBound }),
    ...(setup.referenceQuality === undefined ? {} : { referenceQuality: setup.referenceQuality }),
  };
}
