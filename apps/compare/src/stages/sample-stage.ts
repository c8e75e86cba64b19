import type { Denoiser } from '@diffusion/core';
import { ConfigError } from '../config';
import { sigmaLadderByName } from '@diffusion/schedules';
import type { LadderTuning, SampleResult } from '../results';
import { budgetedRuns, runSampler } from '../sampling';
import type { ExperimentContext } from './experiment-context';
import { tuneLaddersFor, tuningSamplesOf } from './ladder-tuning-stage';

/**
 * The sample stage: every sampler at every NFE budget from the same initial noise, measured; the
 * first sampler's trajectory at the largest budget and one picture per run go to the report.
 * With `ladder: "tuned"` each sampler and NFE first gets a ladder tuned on the setup's tuning data,
 * and the tuned ladder and the standard ones it started from are all measured, side by side.
 */
export function sampleStage(context: ExperimentContext, id: string, denoise: Denoiser): SampleResult[] {
  const { config, registry, schedule, setup, samples, trajectories } = context;
  const maxNfe = Math.max(...config.nfe);
  const results: SampleResult[] = [];
  const tuned = config.ladder === 'tuned';
  if (tuned && setup.ladderTuningData === undefined) throw new ConfigError('ladder "tuned": this data has no metric to tune against (image folders: 28x28 grey digits only)');
  const tuningSamples = tuned ? tuningSamplesOf(context) : 0;
  const tuningData = tuned ? setup.ladderTuningData!(setup.sampleShape.length > 1 ? Math.max(256, tuningSamples) : Math.max(10_000, tuningSamples)) : undefined;
  try {
    for (const samplerName of config.samplers) {
      const sampler = registry.samplers.get(samplerName);
      // An adaptive sampler (dpm-adaptive) picks its own steps from its tolerance between the ladder's ends:
      // it runs once, on the standard ladder, and its row records the NFE it spent, not a budget.
      const adaptive = sampler.adaptive === true;
      for (const { nfe, steps } of budgetedRuns(sampler, config.nfe)) {
        let ladders: Record<string, Float64Array>;
        let tuning: LadderTuning | undefined;
        if (adaptive) {
          const standard = config.ladder === 'tuned' ? 'trailing' : config.ladder;
          ladders = { [standard]: sigmaLadderByName(schedule, standard, steps) };
        } else if (tuningData === undefined) {
          ladders = { [config.ladder]: sigmaLadderByName(schedule, config.ladder as Exclude<typeof config.ladder, 'tuned'>, steps) };
        } else {
          ({ ladders, tuning } = tuneLaddersFor(context, denoise, sampler, steps, tuningData));
        }
        for (const [ladder, sigmas] of Object.entries(ladders)) {
          const shown = ladder === config.ladder;
          const recordTrajectory = shown && samplerName === config.samplers[0] && nfe === maxNfe;
          const started = performance.now();
          const run = runSampler(sampler, denoise, context.sampleNoise, sigmas, { seed: config.seed, ...(recordTrajectory ? { frames: 6, picture: setup.picture } : {}) });
          const seconds = (performance.now() - started) / 1000;
          if (recordTrajectory) trajectories.set(id, { label: `${samplerName}, ${run.evaluations} NFE, ${ladder} ladder`, frames: run.trajectory });
          if (shown && nfe === maxNfe && (samples.get(id) === undefined || samplerName === config.samplers[0])) samples.set(id, { label: `${samplerName} at ${run.evaluations} NFE${tuned ? ', tuned ladder' : ''}`, ...setup.picture(run.x) });
          const quality = setup.evaluate(run.x);
          run.x.dispose();
          results.push({ sampler: samplerName, ...(tuned ? { ladder } : {}), nfe: run.evaluations, steps, ...quality, seconds, ...(ladder === 'tuned' && tuning !== undefined ? { tuning } : {}) });
        }
      }
    }
  } finally {
    tuningData?.heldOut.dispose();
  }
  return results;
}
