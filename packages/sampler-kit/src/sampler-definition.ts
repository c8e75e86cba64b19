import { DiffusionError, checkNonNegativeInteger, checkOneOf, checkPositiveInteger, invalidOption, type NoiseInterval, type Sampler } from '@diffusion/core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { runSampler } from './sampler-loop';

/** JSON-serialisable sampler options (after defaults). */
export type SamplerOptionsRecord = Readonly<Record<string, unknown>>;

/**
 * A sampler made with {@link defineSampler}: the core `Sampler` contract with the optional parts
 * filled in (`minimumSteps`, the exact NFE `evaluations(steps)`) and its options typed.
 */
export interface KitSampler<Options extends SamplerOptionsRecord = SamplerOptionsRecord> extends Sampler {
  /** Every option after defaults, as JSON: `createXxx(JSON.parse(JSON.stringify(options)))` rebuilds the sampler. */
  readonly options: Options;
  /** Smallest ladder length (including the final 0) the sampler accepts. */
  readonly minimumSteps: number;
  /** Denoiser calls of a run of `steps` steps (a ladder of `steps + 1` sigmas ending in 0). */
  evaluations(steps: number): number;
}

/** What a step may use besides the current sample. */
export interface StepContext {
  /** Step index, 0-based. */
  readonly index: number;
  /** Sigma at the start of the step. */
  readonly sigma: number;
  /** Sigma at the end of the step (0 on the last step). */
  readonly sigmaNext: number;
  /** The whole checked ladder (falling, ending in 0). */
  readonly sigmas: Float64Array;
  /** Number of steps of the run, `sigmas.length - 1`. */
  readonly steps: number;
  /** Denoiser calls made so far in this run (NFE), this step's included. */
  readonly evaluations: number;
  /** Calls the denoiser: shape-checked, counted, watched for NaN/Inf; the result is tidied with the step. */
  denoise(x: Tensor, sigma: number): Tensor;
  /**
   * Fresh standard normals of the sample's shape for the move `interval` (default this step,
   * `sigma -> sigmaNext`), from `options.noise` or the sampler's `noiseSource` with `options.seed`
   * (core's seeded stream, or core's Brownian noise); disposed after the step.
   */
  randomNormal(interval?: NoiseInterval): Tensor;
}

/** What a step returns: the next sample and the denoiser output it reports to `onStep`. */
export interface StepResult {
  /** The sample at `sigmaNext`. */
  readonly x: Tensor;
  /** The step's denoiser output (the `denoised` of `onStep`). */
  readonly denoised: Tensor;
  /**
   * Adaptive samplers only: the sigma the step reached, at least `context.sigmaNext` and below
   * `context.sigma` (default `context.sigmaNext`); the loop steps again from there.
   */
  readonly sigmaNext?: number;
}

/**
 * One step of a sampler, run inside `tf.tidy`. `state` is the run's own typed state: assign
 * tensors to it (fields, arrays, plain objects) and the kit keeps them for the next step, disposes
 * each one once nothing in `state` refers to it, and disposes the rest at the end of the run.
 */
export type SamplerStep<State> = (x: Tensor, context: StepContext, state: State) => StepResult;

/** What a run's state is made from. */
export interface RunStart {
  /** The ladder the loop walks: the caller's, or the one `placeSteps` made from it. */
  readonly sigmas: Float64Array;
  /** The caller's checked ladder. */
  readonly requested: Float64Array;
  /** Shape of the sample. */
  readonly shape: readonly number[];
}

/** What differs between samplers; {@link defineSampler} fills in the rest. */
export interface SamplerDefinition<Options extends SamplerOptionsRecord, State extends object> {
  /** Stable kebab-case name, e.g. `'ipndm'`. */
  readonly name: string;
  /** JSON-serialisable options after defaults. */
  readonly options: Options;
  /** Whether the sampler injects fresh noise (through `context.randomNormal`). */
  readonly stochastic: boolean;
  /** Order of accuracy of the deterministic update (the error after n steps falls like n^-order); `@diffusion/testing` measures it. */
  readonly order?: number | undefined;
  /**
   * Default noise when the caller injects none: `'independent'` (default, core's seeded stream) or
   * `'brownian-tree'` (core's `createBrownianNoise({ seed })`, k-diffusion's SDE samplers).
   */
  readonly noiseSource?: 'independent' | 'brownian-tree';
  /** Denoiser calls per step (default 1). */
  readonly evaluationsPerStep?: number;
  /** Denoiser calls of a run of `steps` steps (default `steps × evaluationsPerStep`). */
  evaluations?(steps: number): number;
  /** Smallest ladder length the sampler accepts, the final 0 included (default 2: one step). */
  readonly minimumSteps?: number;
  /**
   * Own steps (core's `ownSteps`): the falling ladder ending in 0 that the loop walks, made from the
   * caller's checked ladder (k-diffusion's `dpm_fast`: steps uniform in log sigma over its range).
   */
  placeSteps?(sigmas: Float64Array): Float64Array;
  /**
   * Adaptive (core's `adaptive`, implies own steps): a step may stop short of `context.sigmaNext` and
   * returns the sigma it reached (`StepResult.sigmaNext`); the loop steps from there until 0, so the
   * NFE is known only after the run (the `evaluations` of the last `onStep` event).
   */
  readonly adaptive?: boolean;
  /** The state of one run, made afresh at its start (default `{}`): history, counters, per-run coefficients. */
  state?(run: RunStart): State;
  /** One step. */
  readonly step: SamplerStep<State>;
}

/**
 * A sampler (specification v1) from its step: `sample` checks its arguments, starts the run's
 * state, runs `step` once per rung of the ladder inside `tf.tidy`, keeps and disposes the state's
 * tensors, guards against NaN/Inf denoiser outputs, calls `onStep` and counts denoiser calls (the
 * loop of k-diffusion's samplers, in sigma-space).
 */
export function defineSampler<Options extends SamplerOptionsRecord, State extends object = Record<string, never>>(definition: SamplerDefinition<Options, State>): KitSampler<Options> {
  const field = `defineSampler(${JSON.stringify(definition?.name)})`;
  if (typeof definition !== 'object' || definition === null) throw invalidOption('defineSampler', definition, 'a sampler definition object');
  if (typeof definition.name !== 'string' || !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(definition.name)) throw invalidOption('defineSampler.name', definition.name, 'a kebab-case name such as "ipndm"');
  if (typeof definition.step !== 'function') throw invalidOption(`${field}.step`, definition.step, 'a function (x, context, state) => { x, denoised }');
  if (definition.state !== undefined && typeof definition.state !== 'function') throw invalidOption(`${field}.state`, definition.state, 'a function (run) => state object');
  if (typeof definition.stochastic !== 'boolean') throw invalidOption(`${field}.stochastic`, definition.stochastic, 'true or false');
  if (definition.order !== undefined) checkPositiveInteger(`${field}.order`, definition.order);
  const evaluationsPerStep = checkPositiveInteger(`${field}.evaluationsPerStep`, definition.evaluationsPerStep ?? 1);
  const minimumSteps = checkPositiveInteger(`${field}.minimumSteps`, definition.minimumSteps ?? 2);
  if (minimumSteps < 2) throw invalidOption(`${field}.minimumSteps`, minimumSteps, 'an integer >= 2 (a ladder [sigma, 0] is one step)');
  if (definition.placeSteps !== undefined && typeof definition.placeSteps !== 'function') throw invalidOption(`${field}.placeSteps`, definition.placeSteps, 'a function (sigmas) => ladder');
  const adaptive = definition.adaptive === undefined ? false : definition.adaptive;
  if (typeof adaptive !== 'boolean') throw invalidOption(`${field}.adaptive`, definition.adaptive, 'true or false');
  const ownSteps = adaptive || definition.placeSteps !== undefined;
  const evaluations =
    definition.evaluations ??
    (adaptive
      ? () => {
          throw new DiffusionError('invalid-argument', `${definition.name}.evaluations: an adaptive sampler chooses its steps from its tolerance; its NFE is the \`evaluations\` of the last onStep event of a run.`, { field: `${definition.name}.evaluations`, value: undefined, allowed: 'the evaluations of onStep events' });
        }
      : (steps: number) => steps * evaluationsPerStep);
  const noiseSource = definition.noiseSource === undefined ? undefined : checkOneOf(`${field}.noiseSource`, definition.noiseSource, ['independent', 'brownian-tree']);
  const sampler: KitSampler<Options> = {
    name: definition.name,
    specificationVersion: 'v1',
    options: definition.options,
    evaluationsPerStep,
    stochastic: definition.stochastic,
    ...(definition.order === undefined ? {} : { order: definition.order }),
    ...(noiseSource === undefined ? {} : { noiseSource }),
    ...(ownSteps ? { ownSteps } : {}),
    ...(adaptive ? { adaptive } : {}),
    minimumSteps,
    evaluations: (steps) => evaluations(checkNonNegativeInteger(`${definition.name}.evaluations.steps`, steps)),
    sample: (denoise, noise, sigmas, sampleOptions) => runSampler({ ...sampler, ...(definition.placeSteps === undefined ? {} : { placeSteps: definition.placeSteps }) }, denoise, noise, sigmas, sampleOptions, definition.step, definition.state),
  };
  return sampler;
}
