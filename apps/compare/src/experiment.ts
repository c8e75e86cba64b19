import * as tf from '@tensorflow/tfjs-core';
import { createMlpBackbone } from '@diffusion/backbones';
import { createRandomSource, randomNormalTensor, type Denoiser, type Registry } from '@diffusion/core';
import { maximumMeanDiscrepancy, nllBoundFromDenoiser, slicedWasserstein1, slicedWasserstein1ToMixture } from '@diffusion/metrics';
import { isDiscreteSchedule } from '@diffusion/parameterisations';
import { createTrainer } from '@diffusion/training';
import { timeDensityByName, weightingByName } from './components';
import type { CompareConfig } from './config';
import { datasetByName } from './datasets';
import { ladderFor, sigmaRange } from './ladders';
import { lossProfile, profileSigmas } from './profile';
import type { ProgressBars } from './progress';
import type { ReportVisuals } from './report/html';
import type { RunResult, SampleResult } from './results';
import { runSampler, stepsForBudget, toPoints } from './sampling';

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
}

const heldOutCount = 2000;
const mmdCount = 2000;

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

/**
 * Trains one backbone per (parameterisation, weighting) from the same initial weights on the same
 * seeded batches, then samples each with every sampler at every NFE from the same initial noise.
 */
export async function runExperiment(config: CompareConfig, registry: Registry, hooks: ExperimentHooks): Promise<ExperimentOutcome> {
  if (config.dataset === 'mnist') throw new Error('mnist is handled by runImageExperiment');
  const schedule = registry.schedules.get(config.schedule);
  const data = datasetByName(config.dataset);
  const dimension = data.dataset.dimension;
  const random = createRandomSource(config.seed);
  const heldOutArray = data.dataset.sampleArray(heldOutCount, random.fork('held-out'));
  const heldOut = tf.tensor2d(Float32Array.from(heldOutArray), [heldOutCount, dimension]);
  const profileNoise = randomNormalTensor(random.fork('profile-noise'), [heldOutCount, dimension]);
  const sampleNoise = randomNormalTensor(random.fork('sample-noise'), [config.samples, dimension]);
  const reference = data.mixture === undefined ? data.dataset.sampleArray(config.samples, random.fork('reference')) : undefined;
  const { sigmaMin, sigmaMax } = sigmaRange(schedule);
  const sigmasOfProfile = profileSigmas(sigmaMin, sigmaMax, config.profileBins);
  const dataNll = data.mixture === undefined ? undefined : -averageLogDensity(data.mixture.logDensity(heldOutArray));
  // The negative ELBO of the discrete chain (nats per point) on the held-out points, the same
  // x_t draws for every model; 100 stratified timesteps per point keep it unbiased and quick.
  const boundOf = (denoiser: Denoiser): number | undefined =>
    isDiscreteSchedule(schedule) ? nllBoundFromDenoiser({ denoiser, schedule, data: heldOut, random: random.fork('nll-bound'), timesteps: 100 }).total : undefined;
  const exactNllBound = data.exactDenoiser === undefined ? undefined : boundOf(data.exactDenoiser);
  const runs: RunResult[] = [];
  const samples = new Map<string, { label: string; points: Array<[number, number]> }>();
  const trajectories = new Map<string, { label: string; frames: ReturnType<typeof runSampler>['trajectory'] }>();
  const visuals: ReportVisuals = { data: toPoints(heldOut, heldOutCount), samples, trajectories };
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
        const backbone = createMlpBackbone({ dimension, hiddenWidths: config.hiddenWidths, seed: config.seed });
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
          const trained = await trainer.train({ data: data.dataset, steps: config.steps, onProgress, signal: hooks.signal });
          const trainSeconds = (performance.now() - started) / 1000;
          if (trained.steps < config.steps) {
            complete = false;
            break;
          }
          const denoise = trainer.denoiser({ ema: true });
          const profile = lossProfile(denoise, heldOut, profileNoise, sigmasOfProfile, data.exactDenoiser);
          const nllBound = boundOf(denoise);
          const sampleResults: SampleResult[] = [];
          for (const samplerName of config.samplers) {
            const sampler = registry.samplers.get(samplerName);
            for (const nfe of config.nfe) {
              const steps = stepsForBudget(sampler, nfe);
              const sigmas = ladderFor(schedule, config.ladder, steps);
              const recordTrajectory = samplerName === config.samplers[0] && nfe === maxNfe;
              const sampleStart = performance.now();
              const run = runSampler(sampler, denoise, sampleNoise, sigmas, { seed: config.seed, ...(recordTrajectory ? { frames: 6, trajectoryPoints: 600 } : {}) });
              const values = Float64Array.from(run.x.dataSync());
              const seconds = (performance.now() - sampleStart) / 1000;
              if (recordTrajectory) trajectories.set(id, { label: `${samplerName}, ${run.evaluations} NFE, ${config.ladder} ladder`, frames: run.trajectory });
              if (nfe === maxNfe && (samples.get(id) === undefined || samplerName === config.samplers[0])) samples.set(id, { label: `${samplerName} at ${run.evaluations} NFE`, points: toPoints(run.x, 2000) });
              run.x.dispose();
              const slicedWasserstein = data.mixture === undefined ? slicedWasserstein1(values, reference!) : slicedWasserstein1ToMixture(values, data.mixture);
              const mmd = maximumMeanDiscrepancy(values.subarray(0, mmdCount * dimension), heldOutArray.subarray(0, mmdCount * dimension), { dimension });
              sampleResults.push({ sampler: samplerName, nfe: run.evaluations, steps, slicedWasserstein, mmd, seconds });
            }
          }
          const result: RunResult = {
            id,
            parameterisation: parameterisationName,
            weighting: weightingName,
            trainSeconds,
            finalLoss: smoothCurve(trained.losses).at(-1)?.[1] ?? Number.NaN,
            lossCurve: smoothCurve(trained.losses),
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
    heldOut.dispose();
    profileNoise.dispose();
    sampleNoise.dispose();
  }
  return { runs, visuals, complete, ...(dataNll === undefined ? {} : { dataNll }), ...(exactNllBound === undefined ? {} : { exactNllBound }) };
}

/** The weights of a loss on a grid of log-SNR: equal signatures mean identical training. */
function lossSignature(weighting: { weight(logSnr: number): number }): string {
  return Array.from({ length: 41 }, (_, index) => weighting.weight(-20 + index).toPrecision(12)).join(',');
}

function averageLogDensity(values: Float64Array | number[]): number {
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}
