import {
  DiffusionError,
  describeValue,
  checkNonNegativeInteger,
  checkSigmaLadder,
  createRandomSource,
  invalidOption,
  randomNormalTensor,
  type Denoiser,
  type SampleOptions,
  type Sampler,
} from '@diffusion/core';
import { clone, keep, less, logicalAnd, notEqual, scalar, sub, sum, tidy, where, type Tensor } from '@tensorflow/tfjs-core';

// The loop every built-in sampler shares: argument checks, the default noise source, one
// `tf.tidy` per step, tensors kept across steps, the non-finite guard and `onStep`.

/** A built-in sampler: the core contract plus the exact number of denoiser calls of a run. */
export interface BuiltinSampler extends Sampler {
  /** Smallest ladder length (including the final 0) the sampler accepts. */
  readonly minimumSteps: number;
  /** Denoiser calls of a run of `steps` steps (a ladder of `steps + 1` sigmas ending in 0). */
  evaluations(steps: number): number;
}

/** Tensors a sampler keeps from one step to the next, by name (multistep history, last sample). */
export interface TensorMemory {
  /** The tensor stored under `key`, if any (borrowed). */
  get(key: string): Tensor | undefined;
  /** Stores `tensor` under `key` (kept out of the step's tidy); the previous one is disposed once unreferenced. */
  set(key: string, tensor: Tensor | undefined): void;
}

/** What a step may use besides the current sample. */
export interface StepTools {
  /** Step index, 0-based. */
  readonly index: number;
  /** Sigma at the start of the step. */
  readonly sigma: number;
  /** Sigma at the end of the step. */
  readonly sigmaNext: number;
  /** The whole (checked) ladder. */
  readonly sigmas: Float64Array;
  /** Calls the denoiser (shape-checked, counted, watched for NaN/Inf); tidied with the step. */
  denoise(x: Tensor, sigma: number): Tensor;
  /** Fresh standard normal noise of the sample's shape, from `options.noise` or the seeded source. */
  randomNormal(): Tensor;
  /** Tensors carried across steps. */
  readonly memory: TensorMemory;
}

/** What a step returns: the next sample and the denoiser output it reports to `onStep`. */
export interface StepResult {
  readonly x: Tensor;
  readonly denoised: Tensor;
}

/** One step of a sampler, run inside `tf.tidy`. */
export type SamplerStep = (x: Tensor, tools: StepTools) => StepResult;

interface SamplerSpec {
  readonly name: string;
  readonly minimumSteps: number;
}

/** What differs between built-in samplers; `defineSampler` fills in the rest. */
export interface SamplerDefinition {
  readonly name: string;
  /** JSON-serialisable options after defaults. */
  readonly options: Readonly<Record<string, unknown>>;
  readonly stochastic: boolean;
  /** Denoiser calls per step (default 1). */
  readonly evaluationsPerStep?: number;
  /** Denoiser calls of a run of `steps` steps (default `steps × evaluationsPerStep`). */
  evaluations?(steps: number): number;
}

/**
 * A built-in sampler (specification v1, ladders of at least 2 sigmas) whose `sample` runs the
 * step made by `createStep` — once per run, so a step may keep per-run state — with `runSampler`.
 */
export function defineSampler(definition: SamplerDefinition, createStep: () => SamplerStep): BuiltinSampler {
  const evaluationsPerStep = definition.evaluationsPerStep ?? 1;
  const sampler: BuiltinSampler = {
    name: definition.name,
    specificationVersion: 'v1',
    options: definition.options,
    evaluationsPerStep,
    stochastic: definition.stochastic,
    minimumSteps: 2,
    evaluations: definition.evaluations ?? ((steps) => steps * evaluationsPerStep),
    sample: (denoise, noise, sigmas, sampleOptions) => runSampler(sampler, denoise, noise, sigmas, sampleOptions, createStep()),
  };
  return sampler;
}

function checkSampleOptions(field: string, options: SampleOptions | undefined): SampleOptions {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null) throw invalidOption(field, options, 'an options object');
  if (options.noise !== undefined && typeof options.noise !== 'function') throw invalidOption(`${field}.noise`, options.noise, 'a function (shape) => Tensor');
  if (options.onStep !== undefined && typeof options.onStep !== 'function') throw invalidOption(`${field}.onStep`, options.onStep, 'a function (event) => void');
  if (options.seed !== undefined) checkNonNegativeInteger(`${field}.seed`, options.seed);
  return options;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((size, axis) => size === b[axis]);
}

/**
 * Runs a sampler's `step` down the ladder (the loop of k-diffusion's samplers). Does not dispose
 * `noise`; returns a new tensor the caller owns. Non-finite denoiser output is tracked on the
 * device (a few scalar kernels per call) and read once at the end: one sync per run, not per step.
 */
export function runSampler(spec: SamplerSpec, denoise: Denoiser, noise: Tensor, sigmasInput: Float64Array, sampleOptions: SampleOptions | undefined, step: SamplerStep): Tensor {
  const field = `${spec.name}.sample`;
  if (typeof denoise !== 'function') throw invalidOption(`${field}.denoise`, denoise, 'a function (x, sigma) => Tensor');
  if (typeof noise !== 'object' || noise === null || !Array.isArray((noise as Tensor).shape) || noise.isDisposed) {
    throw invalidOption(`${field}.noise`, noise, 'a live tensor holding the starting sample at sigmas[0]');
  }
  const sigmas = checkSigmaLadder(`${field}.sigmas`, sigmasInput, spec.minimumSteps);
  const options = checkSampleOptions(`${field}.options`, sampleOptions);
  const shape = noise.shape;
  let source: ReturnType<typeof createRandomSource> | undefined;
  const drawNoise = options.noise ?? ((wanted: readonly number[]) => randomNormalTensor((source ??= createRandomSource(options.seed ?? 0)), wanted));

  const stored = new Map<string, Tensor>();
  const isStored = (tensor: Tensor) => [...stored.values()].includes(tensor);
  const memory: TensorMemory = {
    get: (key) => stored.get(key),
    set(key, tensor) {
      const previous = stored.get(key);
      if (tensor === undefined) stored.delete(key);
      else stored.set(key, keep(tensor));
      if (previous !== undefined && previous !== tensor && !isStored(previous)) previous.dispose();
    },
  };
  // Evaluation log: which step and sigma each denoiser call belonged to, for the error message.
  const evaluationLog: { index: number; sigma: number }[] = [];
  let firstBad: Tensor = scalar(-1, 'int32');
  let x = noise;
  let drawn: Tensor[] = [];
  try {
    for (let index = 0; index < sigmas.length - 1; index += 1) {
      const sigma = sigmas[index]!;
      const sigmaNext = sigmas[index + 1]!;
      const tools: StepTools = {
        index,
        sigma,
        sigmaNext,
        sigmas,
        memory,
        denoise(input, level) {
          const raw = denoise(input, level);
          if (typeof raw !== 'object' || raw === null || !Array.isArray(raw.shape)) {
            throw new DiffusionError('invalid-argument', `${field}: the denoiser returned ${describeValue(raw)} at step ${index} (sigma ${level}); expected a tensor.`, { field: `${field}.denoise`, value: raw, allowed: 'a tensor' });
          }
          // The contract has the denoiser return a new tensor; an identity denoiser gets one here.
          const denoised = raw === input ? clone(raw) : raw;
          if (!sameShape(denoised.shape, input.shape)) {
            throw new DiffusionError('shape-mismatch', `${field}: the denoiser returned shape [${denoised.shape.join(', ')}] for an input of shape [${input.shape.join(', ')}] at step ${index} (sigma ${level}).`, { field: `${field}.denoise`, value: denoised.shape, allowed: `shape [${input.shape.join(', ')}]` });
          }
          // NaN - NaN and Inf - Inf are NaN, so the sum is NaN exactly when an entry is not finite.
          const residual = sum(sub(denoised, denoised));
          const bad = logicalAnd(less(firstBad, 0), notEqual(residual, residual));
          const next = keep(where(bad, scalar(evaluationLog.length, 'int32'), firstBad));
          evaluationLog.push({ index, sigma: level });
          firstBad.dispose();
          firstBad = next;
          return denoised;
        },
        randomNormal() {
          const fresh = drawNoise(shape);
          const isTensor = typeof fresh === 'object' && fresh !== null && Array.isArray(fresh.shape) && typeof fresh.dispose === 'function';
          if (isTensor) drawn.push(fresh); // owned by the sampler: disposed after the step
          if (!isTensor || !sameShape(fresh.shape, shape)) {
            throw new DiffusionError('shape-mismatch', `${field}.options.noise: got ${isTensor ? `a tensor of shape [${fresh.shape.join(', ')}]` : describeValue(fresh)} at step ${index}; expected a tensor of shape [${shape.join(', ')}].`, { field: `${field}.options.noise`, value: fresh?.shape, allowed: `shape [${shape.join(', ')}]` });
          }
          return fresh;
        },
      };
      const previous = x;
      const result = tidy(() => {
        const out = step(previous, tools);
        const next = out.x === out.denoised || out.x === previous || isStored(out.x) ? clone(out.x) : out.x;
        return { x: next, denoised: out.denoised };
      });
      for (const tensor of drawn) if (!tensor.isDisposed) tensor.dispose();
      drawn = [];
      x = result.x;
      if (previous !== noise) previous.dispose();
      try {
        options.onStep?.({ index, sigma, sigmaNext, x, denoised: result.denoised });
      } finally {
        if (!isStored(result.denoised)) result.denoised.dispose();
      }
    }
    const bad = (firstBad.dataSync() as Int32Array)[0]!;
    if (bad >= 0) {
      const culprit = evaluationLog[bad]!;
      throw new DiffusionError('non-finite', `${field}: the denoiser returned NaN or Infinity at step ${culprit.index} (sigma ${culprit.sigma}, denoiser call ${bad}).`, { field: `${field}.denoise`, value: { step: culprit.index, sigma: culprit.sigma }, allowed: 'finite denoiser outputs' });
    }
    const output = x;
    x = noise;
    return output;
  } finally {
    for (const tensor of drawn) if (!tensor.isDisposed) tensor.dispose();
    if (x !== noise) x.dispose();
    for (const tensor of new Set(stored.values())) tensor.dispose();
    stored.clear();
    firstBad.dispose();
  }
}
