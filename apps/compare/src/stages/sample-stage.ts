import type { Denoiser } from '@diffusion/core';
import { sigmaLadderByName } from '@diffusion/schedules';
import type { SampleResult } from '../results';
import { runSampler, stepsForBudget } from '../sampling';
import type { ExperimentContext } from './experiment-context';

/**
 * The sample stage: every sampler at every NFE budget from the same initial noise, measured; the
 * first sampler's trajectory at the largest budget and one picture per run go to the report.
 */
export function sampleStage(context: ExperimentContext, id: string, denoise: Denoiser): SampleResult[] {
  const { config, registry, schedule, setup, samples, trajectories } = context;
  const maxNfe = Math.max(...config.nfe);
  const results: SampleResult[] = [];
  for (const samplerName of config.samplers) {
    const sampler = registry.samplers.get(samplerName);
    for (const nfe of config.nfe) {
      const steps = stepsForBudget(sampler, nfe);
      const sigmas = sigmaLadderByName(schedule, config.ladder, steps);
      const recordTrajectory = samplerName === config.samplers[0] && nfe === maxNfe;
      const started = performance.now();
      const run = runSampler(sampler, denoise, context.sampleNoise, sigmas, { seed: config.seed, ...(recordTrajectory ? { frames: 6, picture: setup.picture } : {}) });
      const seconds = (performance.now() - started) / 1000;
      if (recordTrajectory) trajectories.set(id, { label: `${samplerName}, ${run.evaluations} NFE, ${config.ladder} ladder`, frames: run.trajectory });
      if (nfe === maxNfe && (samples.get(id) === undefined || samplerName === config.samplers[0])) samples.set(id, { label: `${samplerName} at ${run.evaluations} NFE`, ...setup.picture(run.x) });
      const quality = setup.evaluate(run.x);
      run.x.dispose();
      results.push({ sampler: samplerName, nfe: run.evaluations, steps, ...quality, seconds });
    }
  }
  return results;
}
