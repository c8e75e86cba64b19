import { checkOptions, checkPositiveInteger, invalidOption } from '@diffusion/core';

/** A factory call the guider must refuse, and the option its DiffusionError must name. */
export interface GuiderRejection {
  /** The options given to the factory. */
  readonly options: unknown;
  /** The `field` of the expected DiffusionError (or a part of it, e.g. `'guidanceScale'`). */
  readonly field: string;
}

/** Options of `describeGuiderConformance`. */
export interface GuiderConformanceOptions<FactoryOptions = unknown> {
  /** Title of the `describe` block; default `guider conformance: <name>`. */
  readonly title?: string;
  /** Factory options that give the conditional denoiser `D_c` exactly (`w = 1` or its equivalent). */
  readonly conditionalOptions: FactoryOptions;
  /** Factory options that give the unconditional denoiser `D_u` wherever the guider guides (`w = 0` or its equivalent). */
  readonly unconditionalOptions: FactoryOptions;
  /** Factory options of a guiding case, for the call, memory, determinism and round-trip checks. */
  readonly guidedOptions: FactoryOptions;
  /** Factory calls that must throw a DiffusionError naming the option (e.g. a NaN or negative guidance scale). */
  readonly rejections?: readonly GuiderRejection[];
  /** Sigmas the guided denoiser is evaluated at, falling; default a 12-step Karras ladder from 80 to 0.002. */
  readonly sigmas?: readonly number[];
  /** Largest error allowed for `D_u` relative to max |D_u| (a guider may compute it as `D_c - (D_c - D_u)`). Default 1e-6. */
  readonly unconditionalTolerance?: number;
  /** Timeout of each check, in milliseconds. Default 60000. */
  readonly timeout?: number;
}

/** The options after defaults. */
export interface ResolvedGuiderConformanceOptions<FactoryOptions = unknown> {
  readonly title: string | undefined;
  readonly conditionalOptions: FactoryOptions;
  readonly unconditionalOptions: FactoryOptions;
  readonly guidedOptions: FactoryOptions;
  readonly rejections: readonly GuiderRejection[];
  readonly sigmas: readonly number[];
  readonly unconditionalTolerance: number;
  readonly timeout: number;
}

const known = ['title', 'conditionalOptions', 'unconditionalOptions', 'guidedOptions', 'rejections', 'sigmas', 'unconditionalTolerance', 'timeout'];

/** Karras et al. (2022) eq. 5 sigmas from 80 to 0.002 (rho 7), without the final 0. */
function defaultSigmas(steps: number): number[] {
  const [high, low] = [80 ** (1 / 7), 0.002 ** (1 / 7)];
  return Array.from({ length: steps }, (_, index) => (high + (index / (steps - 1)) * (low - high)) ** 7);
}

/** Checks the suite's options and fills in the defaults. */
export function resolveGuiderConformanceOptions<FactoryOptions>(options: GuiderConformanceOptions<FactoryOptions>): ResolvedGuiderConformanceOptions<FactoryOptions> {
  const field = 'describeGuiderConformance';
  const given = checkOptions(field, options, known);
  for (const name of ['conditionalOptions', 'unconditionalOptions', 'guidedOptions'] as const) {
    if (!(name in given)) throw invalidOption(`${field}.${name}`, undefined, 'the factory options of that case');
  }
  const sigmas = given.sigmas === undefined ? defaultSigmas(12) : Array.from(given.sigmas);
  if (sigmas.length === 0 || !sigmas.every((sigma, index) => Number.isFinite(sigma) && sigma > 0 && (index === 0 || sigma < sigmas[index - 1]!))) {
    throw invalidOption(`${field}.sigmas`, given.sigmas, 'a falling list of positive sigmas');
  }
  const tolerance = given.unconditionalTolerance ?? 1e-6;
  if (!(tolerance >= 0)) throw invalidOption(`${field}.unconditionalTolerance`, tolerance, 'a number >= 0');
  return {
    title: given.title,
    conditionalOptions: given.conditionalOptions as FactoryOptions,
    unconditionalOptions: given.unconditionalOptions as FactoryOptions,
    guidedOptions: given.guidedOptions as FactoryOptions,
    rejections: given.rejections ?? [],
    sigmas,
    unconditionalTolerance: tolerance,
    timeout: checkPositiveInteger(`${field}.timeout`, given.timeout ?? 60_000),
  };
}
