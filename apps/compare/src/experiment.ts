import type { Denoiser, LossWeighting, Parameterisation, Registry } from '@diffusion/core';
import { weightingByName } from './components';
import type { CompareConfig } from './config';
import type { ProgressBars } from './progress';
import type { ReportVisuals } from './report/html';
import type { OdeNll, RunResult } from './results';
import type { ResumeStore } from './resume-store';
import type { SampleQuality } from './setup';
import { InterruptedError, throwIfInterrupted } from './interrupt';
import { createStageTracker, type StagePosition, type StageTracker } from './stage-log';
import { evaluateStage, nllBoundOf } from './stages/evaluate-stage';
import { odeNllOf } from './stages/ode-nll-stage';
import { createExperimentContext, disposeExperimentContext, type ExperimentContext } from './stages/experiment-context';
import { guidanceStage } from './stages/guidance-stage';
import { sampleStage } from './stages/sample-stage';
import { disposeTrainedModel, trainStage } from './stages/train-stage';

/** What the experiment reports to its caller while it runs. */
export interface ExperimentHooks {
  readonly log: (line: string) => void;
  readonly progress: ProgressBars;
  readonly signal: AbortSignal;
  /** Called after every finished run, so an interrupted experiment still leaves a report. */
  readonly onRunFinished?: (runs: readonly RunResult[], visuals: ReportVisuals) => void;
  /** Where runs checkpoint, and finished runs are kept, for `--resume` (none: no checkpoints). */
  readonly resume?: ResumeStore;
}

/** Everything an experiment produced. */
export interface ExperimentOutcome {
  readonly runs: RunResult[];
  readonly visuals: ReportVisuals;
  readonly complete: boolean;
  readonly dataNll?: number;
  readonly exactNllBound?: number;
  readonly exactOdeNll?: OdeNll;
  readonly nllUnit: string;
  readonly referenceQuality?: SampleQuality;
  /** Where the run stood when an interrupt stopped it (absent when none came). */
  readonly interrupted?: StagePosition;
}

/** A denoiser that throws InterruptedError at the first call after Ctrl-C: sampling and evaluation stop within a step. */
function interruptible(denoise: Denoiser): Denoiser {
  return (x, sigma) => {
    throwIfInterrupted();
    return denoise(x, sigma);
  };
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

/** A run of the experiment: one (parameterisation, weighting) pair. */
interface PlannedRun {
  readonly id: string;
  readonly parameterisationName: string;
  readonly weightingName: string;
}

/** The ids of the runs a config asks for, in the order they run (`<parameterisation>-<weighting>`). */
export function plannedRunIds(config: CompareConfig): string[] {
  return plannedRuns(config).map((run) => run.id);
}

function plannedRuns(config: CompareConfig): PlannedRun[] {
  return config.parameterisations.flatMap((parameterisationName) =>
    config.weightings.map((weightingName) => ({ id: `${parameterisationName}-${weightingName}`, parameterisationName, weightingName })),
  );
}

/** Trains, evaluates and samples one run; `undefined` when interrupted during training. */
async function trainEvaluateSample(context: ExperimentContext, planned: PlannedRun, model: { parameterisation: Parameterisation; weighting: LossWeighting | undefined }, hooks: ExperimentHooks, stages: StageTracker): Promise<RunResult | undefined> {
  stages.enter('training', planned.id);
  const trained = await trainStage(context, { id: planned.id, label: `${planned.parameterisationName} · ${planned.weightingName}`, ...model }, hooks);
  if (trained === undefined) return undefined;
  try {
    const denoise = interruptible(trained.trainer.denoiser({ ema: true }));
    stages.enter('evaluating', planned.id);
    const { profile, nllBound, odeNll } = evaluateStage(context, denoise);
    stages.enter('sampling', planned.id);
    const samples = sampleStage(context, planned.id, denoise);
    const guidance = context.setup.classes === undefined ? undefined : guidanceStage(context, trained.trainer.denoiser({ ema: true }), context.guidancePictures.set(planned.id, []).get(planned.id)!);
    const lossCurve = smoothCurve(trained.losses);
    return {
      id: planned.id,
      parameterisation: planned.parameterisationName,
      weighting: planned.weightingName,
      trainSeconds: trained.trainSeconds,
      finalLoss: lossCurve.at(-1)?.[1] ?? Number.NaN,
      lossCurve,
      profile,
      samples,
      parameterCount: trained.backbone.parameterCount,
      ...(guidance === undefined ? {} : { guidance }),
      ...(nllBound === undefined ? {} : { nllBound }),
      ...(odeNll === undefined ? {} : { odeNll }),
    };
  } finally {
    disposeTrainedModel(trained);
  }
}

/**
 * Trains one backbone per (parameterisation, weighting) from the same initial weights on the same
 * seeded batches, then samples each with every sampler at every NFE from the same initial noise:
 * the train, evaluate and sample stages of `./stages`, run by run.
 */
export async function runExperiment(config: CompareConfig, registry: Registry, hooks: ExperimentHooks): Promise<ExperimentOutcome> {
  const context = await createExperimentContext(config, registry);
  const { schedule, setup, samples, trajectories, visuals } = context;
  const stages = createStageTracker();
  let exactNllBound: number | undefined;
  let exactOdeNll: OdeNll | undefined;
  const runs: RunResult[] = [];
  const trainedRuns = new Map<string, RunResult>();
  let complete = true;
  // A resumed comparison keeps the runs that finished before (results and pictures).
  const finished = hooks.resume?.loadFinished();
  for (const run of finished?.runs ?? []) runs.push(run);
  for (const [id, picture] of finished?.samples ?? []) samples.set(id, picture);
  for (const [id, picture] of finished?.trajectories ?? []) trajectories.set(id, picture);
  try {
    if (setup.exactDenoiser !== undefined) {
      stages.enter('evaluating');
      exactNllBound = nllBoundOf(context, interruptible(setup.exactDenoiser));
      exactOdeNll = odeNllOf(context, interruptible(setup.exactDenoiser));
    }
    for (const planned of plannedRuns(config)) {
      const done = runs.find((run) => run.id === planned.id);
      if (done !== undefined) {
        if (done.sameAs === undefined) trainedRuns.set(`${planned.parameterisationName}:${lossSignature(weightingByName(planned.weightingName, schedule) ?? { weight: (logSnr) => registry.parameterisations.get(planned.parameterisationName).naturalWeight(logSnr) })}`, done);
        continue;
      }
      if (hooks.signal.aborted) {
        stages.enter('training', planned.id);
        complete = false;
        break;
      }
      const parameterisation = registry.parameterisations.get(planned.parameterisationName);
      const weighting = weightingByName(planned.weightingName, schedule);
      // A weighting equal to the parameterisation's natural one (eps with `uniform`) trains the very
      // same model: reuse that run instead of training it twice.
      const signature = `${planned.parameterisationName}:${lossSignature(weighting ?? { weight: (logSnr) => parameterisation.naturalWeight(logSnr) })}`;
      const twin = trainedRuns.get(signature);
      if (twin !== undefined) {
        runs.push({ ...twin, id: planned.id, weighting: planned.weightingName, sameAs: twin.id });
        for (const map of [samples, trajectories, context.guidancePictures] as Array<Map<string, unknown>>) if (map.has(twin.id)) map.set(planned.id, map.get(twin.id));
      } else {
        const result = await trainEvaluateSample(context, planned, { parameterisation, weighting }, hooks, stages);
        if (result === undefined) {
          complete = false;
          break;
        }
        runs.push(result);
        trainedRuns.set(signature, result);
        hooks.resume?.clearProgress(planned.id);
      }
      hooks.resume?.saveFinished(runs, visuals);
      hooks.onRunFinished?.(runs, visuals);
    }
  } catch (error) {
    if (!(error instanceof InterruptedError)) throw error;
    complete = false;
  } finally {
    hooks.progress.stop();
    disposeExperimentContext(context);
  }
  return {
    runs,
    visuals,
    complete,
    nllUnit: setup.nllUnit,
    ...(setup.dataNll === undefined ? {} : { dataNll: setup.dataNll }),
    ...(exactNllBound === undefined ? {} : { exactNllBound }),
    ...(exactOdeNll === undefined ? {} : { exactOdeNll }),
    ...(setup.referenceQuality === undefined ? {} : { referenceQuality: setup.referenceQuality }),
    ...(!complete && stages.current !== undefined ? { interrupted: stages.current } : {}),
  };
}
