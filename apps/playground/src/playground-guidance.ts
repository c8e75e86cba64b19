import { createRandomSource, invalidOption, type ConditionalDenoiser, type Denoiser, type Guider } from '@diffusion/core';
import type { Dataset } from '@diffusion/data';
import { builtinGuiderFactories, createClassGuidanceDenoisers } from '@diffusion/guidance';

/** The class picker's value for "every class, in the data's own proportions". */
export const allClasses = 'all';

/** A picked class: every class, or one class index in `[0, K)`. */
export type ClassChoice = typeof allClasses | number;

/** Range of the guidance-scale slider (diffusers' `guidance_scale`: 0 = unconditional, 1 = conditional alone). */
export const guidanceScaleLimits = { min: 0, max: 8 } as const;

/** Names of the guiders the page offers: the four of `@diffusion/guidance`. */
export const guiderNames: readonly string[] = builtinGuiderFactories().map((factory) => factory.name);

const descriptions: Record<string, string> = {
  cfg: 'Classifier-free guidance (Ho & Salimans 2022): D_u + w (D_c − D_u).',
  'cfg-rescale': 'CFG rescaled to the per-sample standard deviation of the conditional prediction, mixed with phi (Lin et al. 2024, §3.4).',
  'guidance-interval': 'CFG only for sigma in (sigmaLow, sigmaHigh]; D_c alone, at one evaluation, elsewhere (Kynkäänniemi et al. 2024).',
  apg: 'Adaptive projected guidance (Sadat et al.): the part of D_c − D_u parallel to D_c weighted by eta, the norm clamped, optional momentum.',
};

/** What a guider does, with the options it runs with on the page (its defaults), for the note under the picker. */
export function describeGuider(name: string): string {
  const factory = builtinGuiderFactories().find((candidate) => candidate.name === name);
  if (factory === undefined) return '';
  const { guidanceScale: _scale, ...options } = factory.create({ guidanceScale: 2 }).options;
  return `${descriptions[name] ?? name}${Object.keys(options).length > 0 ? ` Options: ${JSON.stringify(options)}.` : ''}`;
}

/** Checked guidance of one sampling run of a class-conditional model. */
export interface GuidanceSettings {
  readonly classChoice: ClassChoice;
  /** A name of {@link guiderNames}. */
  readonly guider: string;
  /** `w` in `[0, 8]`: `D = D_u + w (D_c - D_u)`. */
  readonly guidanceScale: number;
}

/**
 * The class label of every sample of a run: all the picked class, or for "all classes" labels
 * drawn from the dataset's own class frequencies (seeded, so a run is repeatable).
 */
export function samplingLabels(classChoice: ClassChoice, count: number, dataset: Dataset, seed: number): Int32Array {
  const numClasses = dataset.numClasses;
  if (numClasses === undefined || dataset.sampleLabelledArray === undefined) {
    throw invalidOption('guidance.dataset', dataset.name, 'a labelled dataset (it has no classes to pick from)', 'invalid-argument');
  }
  if (classChoice === allClasses) return dataset.sampleLabelledArray(count, createRandomSource(seed).fork('playground-labels')).labels;
  if (!Number.isInteger(classChoice) || classChoice < 0 || classChoice >= numClasses) {
    throw invalidOption('guidance.classChoice', classChoice, `"${allClasses}" or a class index in [0, ${numClasses})`, 'invalid-argument');
  }
  return new Int32Array(count).fill(classChoice);
}

/** The guided denoiser of one run and what it costs. */
export interface PlaygroundGuidance {
  /** The denoiser the sampler runs: `D_c` alone at scale 1, else the guider over `D_c` and `D_u`. */
  readonly denoise: Denoiser;
  /** The guider, or undefined at scale 1 (every guider returns `D_c` there, so one evaluation suffices). */
  readonly guider: Guider | undefined;
  /** The requested class of each sample. */
  readonly labels: Int32Array;
  /** Network evaluations of one call at `sigma` (2 where `D_c` and `D_u` are both needed; one batched network call). */
  evaluations(sigma: number): number;
  /** Frees the label tensors and the guider's state. */
  dispose(): void;
}

/**
 * Wraps a class-conditional denoiser (null class K) in the picked guider at the picked scale, for
 * the requested labels; the sampler stays unchanged. Throws a DiffusionError naming the field for
 * an unknown guider, a scale outside [0, 8] and labels outside [0, K).
 */
export function createPlaygroundGuidance(denoiser: ConditionalDenoiser, options: { readonly numClasses: number; readonly labels: ArrayLike<number>; readonly guider: string; readonly guidanceScale: number }): PlaygroundGuidance {
  const factory = builtinGuiderFactories().find((candidate) => candidate.name === options.guider);
  if (factory === undefined) throw invalidOption('guidance.guider', options.guider, `one of ${guiderNames.join(', ')}`, 'invalid-argument');
  const { guidanceScale } = options;
  if (typeof guidanceScale !== 'number' || !Number.isFinite(guidanceScale) || guidanceScale < guidanceScaleLimits.min || guidanceScale > guidanceScaleLimits.max) {
    throw invalidOption('guidance.guidanceScale', guidanceScale, `a number in [${guidanceScaleLimits.min}, ${guidanceScaleLimits.max}] (1 = the conditional model alone, 0 = the unconditional one)`);
  }
  const guider = guidanceScale === 1 ? undefined : factory.create({ guidanceScale });
  const inputs = createClassGuidanceDenoisers(denoiser, { labels: options.labels, numClasses: options.numClasses });
  if (guider === undefined) {
    // Every built-in guider is written D_c + (w - 1)(...): at w = 1 it is D_c bit for bit.
    return { denoise: inputs.conditional, guider, labels: inputs.labels, evaluations: () => 1, dispose: () => inputs.dispose() };
  }
  const guided = guider.guide(inputs);
  return {
    denoise: guided,
    guider,
    labels: inputs.labels,
    evaluations: (sigma) => guider.evaluations(sigma),
    dispose() {
      guided.dispose();
      inputs.dispose();
    },
  };
}
