import type { Registry, Sampler } from '@diffusion/core';
import { allClasses, describeGuider, guidanceScaleLimits, guiderNames, type ClassChoice, type GuidanceSettings } from './playground-guidance';
import { naturalWeighting } from './playground-registry';

/** The page's inputs, by field name. */
export const settingFields = [
  'dataset',
  'schedule',
  'parameterisation',
  'weighting',
  'timeDensity',
  'hiddenWidths',
  'batchSize',
  'learningRate',
  'seed',
  'trainSteps',
  'sampler',
  'nfe',
  'sampleCount',
  'classChoice',
  'guider',
  'guidanceScale',
] as const;

/** One input of the page. */
export type SettingField = (typeof settingFields)[number];

/** The raw text of every input, as the form holds it. */
export type SettingsInput = Readonly<Record<SettingField, string>>;

/** Checked settings of a run. */
export interface Settings {
  readonly dataset: string;
  readonly schedule: string;
  readonly parameterisation: string;
  /** A registry weighting name, or `natural` (the parameterisation's own MSE). */
  readonly weighting: string;
  readonly timeDensity: string;
  readonly hiddenWidths: readonly number[];
  readonly batchSize: number;
  readonly learningRate: number;
  readonly seed: number;
  /** Total optimisation steps to train for (the run pauses there). */
  readonly trainSteps: number;
  readonly sampler: string;
  /** Budget of network evaluations for one sampling run. */
  readonly nfe: number;
  /** Points drawn per sampling run. */
  readonly sampleCount: number;
  /** Sampler steps that fit the NFE budget. */
  readonly samplerSteps: number;
  /** Class and guidance of a sampling run, when the dataset is labelled (the model class-conditional). */
  readonly guidance: GuidanceSettings | undefined;
}

/** What the settings check found: errors block a run; notes explain an adjustment. */
export type SettingsCheck =
  | { readonly ok: true; readonly settings: Settings; readonly notes: Partial<Record<SettingField, string>> }
  | { readonly ok: false; readonly errors: Partial<Record<SettingField, string>>; readonly notes: Partial<Record<SettingField, string>> };

/** Limits of the numeric inputs (inclusive); also the `min`/`max` of the page's inputs. */
export const limits = {
  batchSize: { min: 1, max: 4096 },
  seed: { min: 0, max: 2 ** 31 - 1 },
  trainSteps: { min: 1, max: 1_000_000 },
  nfe: { min: 1, max: 1000 },
  sampleCount: { min: 2, max: 5000 },
  hiddenWidth: { min: 1, max: 1024 },
  hiddenLayers: { min: 1, max: 8 },
  learningRate: { min: 1e-6, max: 1 },
} as const;

/** Parses a whole number in [min, max]; returns the number or the message for the page. */
export function parseInteger(label: string, text: string, min: number, max: number): number | string {
  const trimmed = text.trim();
  if (trimmed === '') return `${label}: enter a whole number from ${min} to ${max}.`;
  if (!/^[+-]?\d+$/.test(trimmed)) return `${label}: "${trimmed}" is not a whole number; enter one from ${min} to ${max}.`;
  const value = Number(trimmed);
  if (!Number.isSafeInteger(value) || value < min || value > max) return `${label}: ${trimmed} is out of range; enter a whole number from ${min} to ${max}.`;
  return value;
}

/** Parses a finite decimal number in [min, max]. */
export function parseNumber(label: string, text: string, min: number, max: number): number | string {
  const trimmed = text.trim();
  const value = trimmed === '' ? Number.NaN : Number(trimmed);
  if (!Number.isFinite(value)) return `${label}: "${trimmed}" is not a number; enter one from ${min} to ${max}.`;
  if (value < min || value > max) return `${label}: ${trimmed} is out of range; enter a number from ${min} to ${max}.`;
  return value;
}

/** Parses hidden widths written as `64, 64, 64` (one positive integer per hidden layer). */
export function parseHiddenWidths(text: string): number[] | string {
  const parts = text.split(/[\s,x×]+/).filter((part) => part !== '');
  const { hiddenLayers, hiddenWidth } = limits;
  if (parts.length < hiddenLayers.min || parts.length > hiddenLayers.max) {
    return `Hidden widths: give ${hiddenLayers.min} to ${hiddenLayers.max} layer widths separated by commas, e.g. "64, 64, 64" (got ${parts.length}).`;
  }
  const widths: number[] = [];
  for (const part of parts) {
    const width = parseInteger('Hidden widths', part, hiddenWidth.min, hiddenWidth.max);
    if (typeof width === 'string') return width;
    widths.push(width);
  }
  return widths;
}

/** Reads the class picker: `all`, or a whole number in [0, numClasses); a message for the page otherwise. */
export function parseClassChoice(text: string, numClasses: number | undefined): ClassChoice | string {
  const trimmed = text.trim();
  if (trimmed === allClasses) return allClasses;
  if (numClasses === undefined) return `Class: "${trimmed}" cannot be picked; this dataset has no classes (only "${allClasses}").`;
  const index = parseInteger('Class', trimmed, 0, numClasses - 1);
  return typeof index === 'string' ? `${index.replace(/\.$/, '')}, or "${allClasses}".` : index;
}

/** Network evaluations of `steps` sampler steps: the sampler's own count when it declares one. */
export function evaluationsOf(sampler: Sampler, steps: number): number {
  const declared = (sampler as Sampler & { evaluations?: (steps: number) => number }).evaluations;
  return typeof declared === 'function' ? declared(steps) : steps * sampler.evaluationsPerStep;
}

/** Fewest steps a sampler runs: its minimum ladder length (with the final 0) less one, at least 1. */
export function minimumSamplerSteps(sampler: Sampler): number {
  return Math.max(1, (sampler.minimumSteps ?? 2) - 1);
}

/** The smallest NFE budget a sampler can run on. */
export function minimumNfe(sampler: Sampler): number {
  return evaluationsOf(sampler, minimumSamplerSteps(sampler));
}

/** How a sampler spends an NFE budget: the most steps whose evaluations fit it, or why none do. */
export type SamplerBudget = { readonly ok: true; readonly steps: number; readonly evaluations: number } | { readonly ok: false; readonly message: string };

/** The most steps of `sampler` whose network evaluations fit in `nfe`. */
export function samplerBudget(sampler: Sampler, nfe: number): SamplerBudget {
  if (sampler.adaptive === true) return { ok: false, message: `${sampler.name} is adaptive: it picks its own steps from its tolerance, not from an NFE budget. Pick another sampler.` };
  const fewest = minimumSamplerSteps(sampler);
  const needed = evaluationsOf(sampler, fewest);
  if (!Number.isInteger(nfe) || nfe < needed) {
    return {
      ok: false,
      message: `NFE ${nfe} is below what ${sampler.name} needs: its shortest run (${fewest} step${fewest === 1 ? '' : 's'}, ${sampler.evaluationsPerStep} evaluation${sampler.evaluationsPerStep === 1 ? '' : 's'} per step) takes ${needed} network evaluation${needed === 1 ? '' : 's'}. Raise NFE to at least ${needed}.`,
    };
  }
  let steps = fewest;
  while (evaluationsOf(sampler, steps + 1) <= nfe) steps += 1;
  return { ok: true, steps, evaluations: evaluationsOf(sampler, steps) };
}

function checkName(label: string, value: string, known: readonly string[]): string | undefined {
  return known.includes(value) ? undefined : `${label}: "${value}" is not available; choose one of ${known.join(', ')}.`;
}

/**
 * Checks every input against the registry and the limits; never throws. `numClasses` is the
 * selected dataset's (undefined for unlabelled data: no class to pick, guidance not checked).
 */
export function checkSettings(input: SettingsInput, context: { readonly registry: Registry; readonly datasets: readonly string[]; readonly numClasses?: number | undefined }): SettingsCheck {
  const { registry } = context;
  const errors: Partial<Record<SettingField, string>> = {};
  const notes: Partial<Record<SettingField, string>> = {};
  const nameChecks: Array<[SettingField, string, readonly string[]]> = [
    ['dataset', 'Dataset', context.datasets],
    ['schedule', 'Schedule', registry.schedules.names()],
    ['parameterisation', 'Parameterisation', registry.parameterisations.names()],
    ['weighting', 'Loss weighting', [naturalWeighting, ...registry.lossWeightings.names()]],
    ['timeDensity', 'Time density', registry.timeDensities.names()],
    ['sampler', 'Sampler', registry.samplers.names()],
  ];
  for (const [field, label, known] of nameChecks) {
    const message = checkName(label, input[field], known);
    if (message !== undefined) errors[field] = message;
  }
  const numeric = <T>(field: SettingField, value: T | string): T | undefined => {
    if (typeof value === 'string') {
      errors[field] = value;
      return undefined;
    }
    return value;
  };
  const hiddenWidths = numeric('hiddenWidths', parseHiddenWidths(input.hiddenWidths));
  const batchSize = numeric('batchSize', parseInteger('Batch size', input.batchSize, limits.batchSize.min, limits.batchSize.max));
  const learningRate = numeric('learningRate', parseNumber('Learning rate', input.learningRate, limits.learningRate.min, limits.learningRate.max));
  const seed = numeric('seed', parseInteger('Seed', input.seed, limits.seed.min, limits.seed.max));
  const trainSteps = numeric('trainSteps', parseInteger('Training steps', input.trainSteps, limits.trainSteps.min, limits.trainSteps.max));
  const nfe = numeric('nfe', parseInteger('NFE', input.nfe, limits.nfe.min, limits.nfe.max));
  const sampleCount = numeric('sampleCount', parseInteger('Samples', input.sampleCount, limits.sampleCount.min, limits.sampleCount.max));
  const parsedClass = parseClassChoice(input.classChoice, context.numClasses);
  const classChoice = parsedClass === allClasses ? allClasses : numeric('classChoice', parsedClass);
  let guidanceScale: number | undefined;
  if (context.numClasses !== undefined) {
    const guiderMessage = checkName('Guider', input.guider, guiderNames);
    if (guiderMessage !== undefined) errors.guider = guiderMessage;
    else notes.guider = describeGuider(input.guider);
    guidanceScale = numeric('guidanceScale', parseNumber('Guidance scale', input.guidanceScale, guidanceScaleLimits.min, guidanceScaleLimits.max));
    if (guidanceScale !== undefined) {
      notes.guidanceScale =
        guidanceScale === 1 ? 'w = 1: the conditional model alone (one network evaluation per call).'
        : guidanceScale === 0 ? 'w = 0: the unconditional model (the null class), at two evaluations per call.'
        : `w = ${guidanceScale}: D_c and D_u at each guided call, two network evaluations (one batched network call on twice the points).`;
    }
  }
  let samplerSteps: number | undefined;
  if (nfe !== undefined && errors.sampler === undefined) {
    const sampler = registry.samplers.get(input.sampler);
    const budget = samplerBudget(sampler, nfe);
    if (budget.ok) {
      samplerSteps = budget.steps;
      notes.nfe = `${sampler.name}: ${budget.steps} step${budget.steps === 1 ? '' : 's'}, ${budget.evaluations} network evaluation${budget.evaluations === 1 ? '' : 's'}${budget.evaluations < nfe ? ` (${nfe - budget.evaluations} of the budget unused: ${sampler.evaluationsPerStep} per step)` : ''}.`;
    } else {
      errors.nfe = budget.message;
    }
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors, notes };
  return {
    ok: true,
    notes,
    settings: {
      dataset: input.dataset,
      schedule: input.schedule,
      parameterisation: input.parameterisation,
      weighting: input.weighting,
      timeDensity: input.timeDensity,
      hiddenWidths: hiddenWidths!,
      batchSize: batchSize!,
      learningRate: learningRate!,
      seed: seed!,
      trainSteps: trainSteps!,
      sampler: input.sampler,
      nfe: nfe!,
      sampleCount: sampleCount!,
      samplerSteps: samplerSteps!,
      guidance: context.numClasses === undefined ? undefined : { classChoice: classChoice!, guider: input.guider, guidanceScale: guidanceScale! },
    },
  };
}
