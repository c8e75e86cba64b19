import type { Denoiser, Sampler } from '@diffusion/core';
import { tuneLadder } from '@diffusion/ladder-tuning';
import { isDiscreteSchedule } from '@diffusion/parameterisations';
import { ConfigError, type ladderNames } from '../config';
import { sigmaLadderByName } from '@diffusion/schedules';
import type { LadderTuning } from '../results';
import type { LadderTuningData } from '../setup';
import type { ExperimentContext } from './experiment-context';

type LadderName = (typeof ladderNames)[number];

/** The standard ladders a tuned ladder starts from and is reported beside. */
export function tuningStartNames(context: ExperimentContext): LadderName[] {
  const { config, schedule } = context;
  const discrete = isDiscreteSchedule(schedule);
  const names: readonly LadderName[] = config.tuningStart ?? (discrete ? ['trailing', 'leading', 'karras', 'log-snr-uniform'] : ['karras', 'log-snr-uniform']);
  // On a continuous schedule the timestep spacings fall back to Karras: the same ladder twice.
  const spacings: readonly LadderName[] = ['trailing', 'leading', 'linspace'];
  const usable = discrete ? names : names.filter((name) => !spacings.includes(name));
  if (usable.length === 0) throw new ConfigError(`tuningStart: ${JSON.stringify(names)} are timestep spacings, which a continuous schedule (${config.schedule}) does not have; use karras, log-snr-uniform or exponential`);
  return [...new Set(usable)];
}

/** What one sampler at one NFE runs on with `ladder: "tuned"`: the standard ladders, then the tuned one. */
export interface TunedLadders {
  readonly ladders: Record<string, Float64Array>;
  readonly tuning: LadderTuning;
}

/**
 * `ladder: "tuned"` for one model, sampler and step count: `tuneLadder` (of
 * @diffusion/ladder-tuning) starts from the best standard ladder on its own tuning noise, searches
 * against the setup's tuning data (never the evaluation set), and checks on other noise; the
 * sample stage then measures the tuned ladder and every standard one on the run's evaluation noise.
 */
export function tuneLaddersFor(context: ExperimentContext, denoise: Denoiser, sampler: Sampler, steps: number, tuningData: LadderTuningData): TunedLadders {
  const { config, schedule } = context;
  const ladders: Record<string, Float64Array> = {};
  for (const name of tuningStartNames(context)) ladders[name] = sigmaLadderByName(schedule, name, steps);
  const seed = context.random.fork('ladder-tuning-noise').integers(1, 2 ** 31)[0]!;
  const result = tuneLadder({
    denoiser: denoise,
    sampler,
    start: ladders,
    heldOut: tuningData.heldOut,
    objective: config.tuningObjective ?? tuningData.objective,
    ...(tuningData.features === undefined ? {} : { features: tuningData.features }),
    samples: tuningSamplesOf(context),
    // Images: one U-Net batch at a time.
    ...(context.setup.sampleShape.length > 1 ? { batchSize: 64 } : {}),
    seed,
    checkSeed: seed + 1,
    search: { maxEvaluations: config.tuningPasses ?? (context.setup.sampleShape.length > 1 ? 24 : 60) },
  });
  ladders.tuned = result.ladder;
  return {
    ladders,
    tuning: {
      ladder: Array.from(result.ladder),
      start: result.start.name,
      objective: result.objective,
      data: tuningData.source,
      candidates: result.tuning.candidates,
      tuningLoss: { start: result.tuning.start, tuned: result.tuning.tuned },
      checkLoss: result.check,
      accepted: result.accepted,
      samplerRuns: result.samplerRuns,
      denoiserCalls: result.denoiserCalls,
      seconds: result.seconds,
    },
  };
}

/** Samples per tuning pass: the config's, else 2000 points or 128 images. */
export function tuningSamplesOf(context: ExperimentContext): number {
  return context.config.tuningSamples ?? (context.setup.sampleShape.length > 1 ? 128 : 2000);
}
