import type { ConditionalDenoiser } from '@diffusion/core';
import { createClassGuidanceDenoisers } from '@diffusion/guidance';
import { sigmaLadderByName } from '@diffusion/schedules';
import { balancedLabels } from '../guidance/class-evaluation';
import type { GuidanceResult } from '../guidance/guidance-results';
import { createGuider, guiderCellLabel, parseGuidanceEntry } from '../guidance/guidance-specs';
import { throwIfInterrupted } from '../interrupt';
import { budgetedRuns, runSampler } from '../sampling';
import type { Picture } from '../setup';
import type { ExperimentContext } from './experiment-context';

/** Samples per class in the report's grid of each guider and scale. */
const gridColumns = 8;

/** The report's per-class pictures of one run: one per guider and scale (first sampler, largest NFE). */
export type GuidancePictures = Array<Picture & { readonly label: string }>;

/**
 * The guidance stage of `--guidance`: every sampler at every NFE with every guider at every scale,
 * from the run's sampling noise (the same for every guider and scale) and balanced requested labels
 * (sample i asks for class i mod K); `D_c` and `D_u` come from one network call on the doubled batch
 * (`createClassGuidanceDenoisers` of @diffusion/guidance). Each cell is measured by the setup's
 * class measures; pictures of the first sampler at the largest NFE go to `pictures`.
 */
export function guidanceStage(context: ExperimentContext, denoise: ConditionalDenoiser, pictures: GuidancePictures): GuidanceResult[] {
  const { config, registry, schedule, setup } = context;
  const classes = setup.classes!;
  const requests = (config.guidance ?? []).map((entry) => parseGuidanceEntry(entry, 'guidance'));
  // `ladder: "tuned"` tunes unguided ladders; guided cells run on the first standard ladder it starts from.
  const ladder = config.ladder === 'tuned' ? (config.tuningStart?.[0] ?? 'trailing') : config.ladder;
  const labels = balancedLabels(context.sampleNoise.shape[0]!, classes.numClasses);
  const interruptible: ConditionalDenoiser = (x, sigma, condition) => {
    throwIfInterrupted();
    return denoise(x, sigma, condition);
  };
  const inputs = createClassGuidanceDenoisers(interruptible, { labels, numClasses: classes.numClasses });
  const maxNfe = Math.max(...config.nfe);
  const results: GuidanceResult[] = [];
  try {
    for (const samplerName of config.samplers) {
      const sampler = registry.samplers.get(samplerName);
      for (const { nfe, steps } of budgetedRuns(sampler, config.nfe)) {
        const sigmas = sigmaLadderByName(schedule, ladder, steps);
        for (const request of requests) {
          for (const guidanceScale of request.scales) {
            const guider = createGuider(request.name, guidanceScale, request.options);
            let networkEvaluations = 0;
            const guided = guider.guide(inputs);
            const started = performance.now();
            let run: ReturnType<typeof runSampler>;
            try {
              run = runSampler(sampler, (x, sigma) => {
                networkEvaluations += guider.evaluations(sigma);
                return guided(x, sigma);
              }, context.sampleNoise, sigmas, { seed: config.seed });
            } finally {
              guided.dispose();
            }
            const seconds = (performance.now() - started) / 1000;
            try {
              const quality = classes.evaluate(run.x, labels);
              if (classes.classPicture !== undefined && samplerName === config.samplers[0] && nfe === maxNfe) {
                pictures.push({ label: `${guiderCellLabel(request)} w=${guidanceScale} · ${samplerName} at ${run.evaluations} NFE`, ...classes.classPicture(run.x, labels, gridColumns) });
              }
              results.push({ sampler: samplerName, ...(config.ladder === 'tuned' ? { ladder } : {}), nfe: run.evaluations, steps, guider: request.name, options: guider.options, guidanceScale, networkEvaluations, ...quality, seconds });
            } finally {
              run.x.dispose();
            }
          }
        }
      }
    }
  } finally {
    inputs.dispose();
  }
  return results;
}
