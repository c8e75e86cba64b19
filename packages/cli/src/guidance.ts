import { DiffusionError, type ConditionalDenoiser, type Denoiser, type Guider } from '@diffusion/core';
import { builtinGuiderFactories, createClassGuidanceDenoisers } from '@diffusion/guidance';
import { fill } from '@tensorflow/tfjs-core';
import { CliError } from './cli-error';

/** The guider names `--guidance` accepts (`@diffusion/guidance`'s built-ins). */
export const guiderNames: readonly string[] = builtinGuiderFactories().map((factory) => factory.name);

/**
 * A guider from `--guidance <guider:scale[{options}]>`, e.g. `cfg:3`, `cfg-rescale:5{"guidanceRescale":0.7}`,
 * `guidance-interval:4{"sigmaLow":0.3,"sigmaHigh":5}`, `apg:6{"eta":0,"momentum":-0.5}`. The scale is
 * diffusers' `guidance_scale` w (`D_u + w (D_c - D_u)`: 1 is the conditional model alone, 0 the
 * unconditional one). Errors name the flag and the value.
 */
export function guiderFromSpec(text: string): Guider {
  const flag = `--guidance '${text}'`;
  const match = /^([a-z][a-z0-9-]*):([^{]*)(\{[\s\S]*\})?$/i.exec(text.trim());
  if (match === null) throw new CliError(`${flag}: expected <guider>:<scale>[{options}], as in cfg:3 or 'cfg-rescale:5{"guidanceRescale":0.7}'; guiders: ${guiderNames.join(', ')}`);
  const [, name, scaleText, optionsText] = match as unknown as [string, string, string, string | undefined];
  const factory = builtinGuiderFactories().find((candidate) => candidate.name === name);
  if (factory === undefined) throw new CliError(`${flag}: unknown guider ${JSON.stringify(name)}; known: ${guiderNames.join(', ')}`);
  const scale = Number(scaleText);
  if (scaleText.trim() === '' || !Number.isFinite(scale) || scale < 0) {
    throw new CliError(`${flag}: the scale ${JSON.stringify(scaleText)} is not a number >= 0 (w of D_u + w (D_c - D_u): 1 is the conditional model alone, 0 the unconditional one)`);
  }
  let options: Record<string, unknown> = {};
  if (optionsText !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(optionsText);
    } catch (error) {
      throw new CliError(`${flag}: the options of "${name}" are not valid JSON (${(error as Error).message}): ${optionsText}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new CliError(`${flag}: the options of "${name}" must be a JSON object`);
    options = parsed as Record<string, unknown>;
    if ('guidanceScale' in options) throw new CliError(`${flag}: give the scale after the colon, not as guidanceScale in the options`);
  }
  try {
    return factory.create({ ...options, guidanceScale: scale });
  } catch (error) {
    if (error instanceof DiffusionError) throw new CliError(`${flag}: ${error.message}`);
    throw error;
  }
}

/**
 * The class index of `--class`: an integer in [0, K) or one of the run's class names. Refused on an
 * unconditional model and outside [0, K), naming the flag and the value.
 */
export function classIndexFromFlag(text: string, numClasses: number | undefined, classNames: readonly string[] | undefined, model: string): number {
  const flag = `--class ${JSON.stringify(text)}`;
  if (numClasses === undefined) throw new CliError(`${flag}: ${model} is an unconditional model (trained without labels, or with --unconditional); drop --class`);
  const names = classNames ?? [];
  const listed = Array.from({ length: numClasses }, (_, index) => (names[index] === undefined ? String(index) : `${index} = ${JSON.stringify(names[index])}`)).join(', ');
  const byName = names.indexOf(text);
  if (/^-?\d+$/.test(text.trim())) {
    const index = Number(text);
    if (index >= 0 && index < numClasses) return index;
    if (byName >= 0) return byName;
    throw new CliError(`${flag}: outside [0, ${numClasses}): the model has ${numClasses} classes (${listed})`);
  }
  if (byName >= 0) return byName;
  throw new CliError(`${flag}: not a class of the model; expected an index in [0, ${numClasses}) or a class name (${listed})`);
}

/** A denoiser for one batch, and what to free after it. */
export interface BatchDenoiser {
  readonly denoiser: Denoiser;
  dispose(): void;
}

/** What a sampling run is conditioned on. */
export interface SamplingCondition {
  /** Class of every sample; undefined: the null class (unconditional samples of a class-conditional model). */
  readonly classIndex?: number | undefined;
  /** K of the model (required with `classIndex`). */
  readonly numClasses?: number | undefined;
  /** Classifier-free guidance towards `classIndex`. */
  readonly guider?: Guider | undefined;
}

/**
 * The denoiser of one batch of `size` samples: the model as it is (no class: the null class), the
 * model given the class (`D_c`), or the guided combination of `D_c` and `D_u` (one network call on
 * the doubled batch, `createClassGuidanceDenoisers` of `@diffusion/guidance`).
 */
export function batchDenoiser(denoiser: ConditionalDenoiser, condition: SamplingCondition, size: number): BatchDenoiser {
  const { classIndex, numClasses, guider } = condition;
  if (classIndex === undefined) {
    if (guider !== undefined) throw new CliError('--guidance: needs --class <c> (guidance pushes the samples towards a class)');
    return { denoiser: (x, sigma) => denoiser(x, sigma), dispose: () => undefined };
  }
  if (guider === undefined) {
    const labels = fill([size], classIndex, 'int32');
    return { denoiser: (x, sigma) => denoiser(x, sigma, labels), dispose: () => labels.dispose() };
  }
  const inputs = createClassGuidanceDenoisers(denoiser, { labels: new Array<number>(size).fill(classIndex), numClasses: numClasses! });
  const guided = guider.guide(inputs);
  return {
    denoiser: guided,
    dispose() {
      guided.dispose();
      inputs.dispose();
    },
  };
}

/**
 * The condition of `--class` / `--guidance` for a run: K is the run's number of classes when it was
 * trained class-conditionally (`pUncond` recorded), else undefined. `--guidance` needs `--class`.
 */
export function samplingConditionOf(flags: { readonly class?: string | undefined; readonly guidance?: string | undefined }, numClasses: number | undefined, classNames: readonly string[] | undefined, model: string): SamplingCondition {
  if (flags.class === undefined) {
    if (flags.guidance !== undefined) throw new CliError(`--guidance '${flags.guidance}': needs --class <c> (guidance pushes the samples towards a class)`);
    return {};
  }
  const classIndex = classIndexFromFlag(flags.class, numClasses, classNames, model);
  return { classIndex, numClasses, ...(flags.guidance === undefined ? {} : { guider: guiderFromSpec(flags.guidance) }) };
}

/** "class 3 ("7"), cfg w = 4" for logs and reports. */
export function describeCondition(condition: SamplingCondition, classNames: readonly string[] | undefined): string {
  if (condition.classIndex === undefined) return '';
  const name = classNames?.[condition.classIndex];
  const guided = condition.guider === undefined ? '' : `, ${condition.guider.name} w = ${String((condition.guider.options as { guidanceScale?: number }).guidanceScale)}`;
  return `class ${condition.classIndex}${name === undefined ? '' : ` (${JSON.stringify(name)})`}${guided}`;
}
