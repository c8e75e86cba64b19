import {
  DiffusionError,
  checkBackend,
  checkNonNegativeInteger,
  checkSigmaLadder,
  createBrownianNoise,
  createRandomSource,
  describeValue,
  invalidOption,
  randomNormalTensor,
  type Denoiser,
  type NoiseInterval,
  type SampleOptions,
} from '@diffusion/core';
import { clone, keep, tidy, type Tensor } from '@tensorflow/tfjs-core';
import { createNonFiniteGuard } from './non-finite-guard';
import { isTensor, reachableTensors } from './run-state';
import type { RunStart, SamplerStep, StepContext } from './sampler-definition';

/** What the loop needs to know about the sampler it runs. */
export interface LoopSpec {
  /** The sampler's name, for error messages (`<name>.sample.…`). */
  readonly name: string;
  /** Smallest ladder length accepted. */
  readonly minimumSteps: number;
  /** Default noise: core's seeded stream (`'independent'`, also when absent) or a Brownian tree with the seed. */
  readonly noiseSource?: 'independent' | 'brownian-tree';
  /** Own steps: the ladder the loop walks, made from the caller's checked ladder. */
  placeSteps?(sigmas: Float64Array): Float64Array;
  /** Adaptive: a step may stop short of `context.sigmaNext` and return the sigma it reached. */
  readonly adaptive?: boolean;
}

function checkSampleOptions(field: string, options: SampleOptions | undefined): SampleOptions {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null) throw invalidOption(field, options, 'an options object');
  if (options.noise !== undefined && typeof options.noise !== 'function') throw invalidOption(`${field}.noise`, options.noise, 'a function (shape, interval) => Tensor');
  if (options.onStep !== undefined && typeof options.onStep !== 'function') throw invalidOption(`${field}.onStep`, options.onStep, 'a function (event) => void');
  if (options.seed !== undefined) checkNonNegativeInteger(`${field}.seed`, options.seed);
  return options;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((size, axis) => size === b[axis]);
}

/**
 * Runs `step` down the ladder (the loop of k-diffusion's samplers) with the run's typed state
 * from `makeState`. Does not dispose `noise`; returns a new tensor the caller owns. Tensors
 * reachable from the state after a step are kept for the next one and disposed once unreachable
 * (and all at the end, also when the run throws). Non-finite denoiser output is tracked on the
 * device and read once at the end: one sync per run, not per step.
 */
export function runSampler<State extends object>(
  spec: LoopSpec,
  denoise: Denoiser,
  noise: Tensor,
  sigmasInput: Float64Array,
  sampleOptions: SampleOptions | undefined,
  step: SamplerStep<State>,
  makeState?: (run: RunStart) => State,
): Tensor {
  const field = `${spec.name}.sample`;
  if (typeof denoise !== 'function') throw invalidOption(`${field}.denoise`, denoise, 'a function (x, sigma) => Tensor');
  if (!isTensor(noise) || noise.isDisposed) throw invalidOption(`${field}.noise`, noise, 'a live tensor holding the starting sample at sigmas[0]');
  const requested = checkSigmaLadder(`${field}.sigmas`, sigmasInput, spec.minimumSteps);
  const sigmas = spec.placeSteps === undefined ? requested : checkSigmaLadder(`${spec.name}.placeSteps`, spec.placeSteps(requested), 2);
  const options = checkSampleOptions(`${field}.options`, sampleOptions);
  checkBackend(field);
  const shape = noise.shape;
  let source: ReturnType<typeof createRandomSource> | undefined;
  const drawNoise: (wanted: readonly number[], interval: NoiseInterval) => Tensor =
    options.noise ?? (spec.noiseSource === 'brownian-tree' ? createBrownianNoise({ seed: options.seed ?? 0 }) : (wanted) => randomNormalTensor((source ??= createRandomSource(options.seed ?? 0)), wanted));
  const state = makeState === undefined ? ({} as State) : makeState({ sigmas, requested, shape });
  if (typeof state !== 'object' || state === null) throw invalidOption(`${spec.name}.state`, state, 'an object (the run state)');

  const guard = createNonFiniteGuard();
  let held = new Set<Tensor>(); // tensors the state refers to, kept across steps
  let drawn: Tensor[] = [];
  let x = noise;
  const release = (tensor: Tensor) => {
    if (tensor !== noise && !held.has(tensor) && !tensor.isDisposed) tensor.dispose();
  };
  try {
    // `rung` is the ladder entry the run stands on; an adaptive step may stop between rungs.
    let sigma = sigmas[0]!;
    let rung = 0;
    for (let index = 0; sigma > 0; index += 1) {
      const sigmaNext = sigmas[rung + 1]!;
      const context: StepContext = {
        index,
        sigma,
        sigmaNext,
        sigmas,
        steps: sigmas.length - 1,
        get evaluations() {
          return guard.calls;
        },
        denoise(input, level) {
          const raw = denoise(input, level);
          if (!isTensor(raw)) {
            throw new DiffusionError('invalid-argument', `${field}: the denoiser returned ${describeValue(raw)} at step ${index} (sigma ${level}); expected a tensor.`, { field: `${field}.denoise`, value: raw, allowed: 'a tensor' });
          }
          // The contract has the denoiser return a new tensor; an identity denoiser gets one here.
          const denoised = raw === input ? clone(raw) : raw;
          if (!sameShape(denoised.shape, input.shape)) {
            throw new DiffusionError('shape-mismatch', `${field}: the denoiser returned shape [${denoised.shape.join(', ')}] for an input of shape [${input.shape.join(', ')}] at step ${index} (sigma ${level}).`, { field: `${field}.denoise`, value: denoised.shape, allowed: `shape [${input.shape.join(', ')}]` });
          }
          guard.watch(denoised, { index, sigma: level });
          return denoised;
        },
        randomNormal(interval) {
          const fresh = drawNoise(shape, interval ?? { sigma, sigmaNext });
          const tensor = isTensor(fresh);
          if (tensor) drawn.push(fresh); // owned by the sampler: disposed after the step
          if (!tensor || !sameShape(fresh.shape, shape)) {
            throw new DiffusionError('shape-mismatch', `${field}.options.noise: got ${tensor ? `a tensor of shape [${fresh.shape.join(', ')}]` : describeValue(fresh)} at step ${index}; expected a tensor of shape [${shape.join(', ')}].`, { field: `${field}.options.noise`, value: tensor ? fresh.shape : fresh, allowed: `shape [${shape.join(', ')}]` });
          }
          return fresh;
        },
      };
      const previous = x;
      const before = held;
      const result = tidy(() => {
        const out = step(previous, context, state);
        if (!isTensor(out?.x) || !isTensor(out?.denoised)) {
          throw new DiffusionError('invalid-argument', `${field}: step ${index} returned ${describeValue(out)}; expected { x, denoised } tensors.`, { field: `${spec.name}.step`, value: out, allowed: '{ x: Tensor, denoised: Tensor }' });
        }
        held = reachableTensors(state);
        held.delete(noise); // the caller's: never kept or disposed here
        for (const tensor of held) keep(tensor);
        // The loop owns x: a copy when the step hands back a tensor owned elsewhere.
        const next = out.x === out.denoised || out.x === previous || out.x === noise || held.has(out.x) ? clone(out.x) : out.x;
        return { x: next, denoised: out.denoised, reached: out.sigmaNext };
      });
      // State tensors dropped this step are disposed, unless the step handed them back.
      for (const tensor of before) if (tensor !== result.x && tensor !== result.denoised) release(tensor);
      for (const tensor of drawn) release(tensor);
      drawn = [];
      x = result.x;
      if (previous !== x) release(previous);
      let reached = sigmaNext;
      if (spec.adaptive === true && result.reached !== undefined) {
        reached = result.reached;
        if (!(reached >= sigmaNext && reached < sigma)) {
          release(result.denoised);
          throw new DiffusionError('invalid-argument', `${field}: adaptive step ${index} from sigma ${sigma} reached sigma ${describeValue(reached)}; expected a sigma in [${sigmaNext}, ${sigma}).`, { field: `${spec.name}.step`, value: reached, allowed: `[${sigmaNext}, ${sigma})` });
        }
      }
      try {
        options.onStep?.({ index, sigma, sigmaNext: reached, x, denoised: result.denoised, evaluations: guard.calls });
      } finally {
        release(result.denoised);
      }
      sigma = reached;
      if (reached === sigmaNext) rung += 1;
    }
    const bad = guard.firstBad();
    if (bad !== undefined) {
      throw new DiffusionError('non-finite', `${field}: the denoiser returned NaN or Infinity at step ${bad.index} (sigma ${bad.sigma}, denoiser call ${bad.call}).`, { field: `${field}.denoise`, value: { step: bad.index, sigma: bad.sigma }, allowed: 'finite denoiser outputs' });
    }
    const output = x;
    x = noise;
    return output;
  } finally {
    for (const tensor of drawn) release(tensor);
    if (x !== noise && !held.has(x) && !x.isDisposed) x.dispose();
    const kept = held;
    held = new Set();
    for (const tensor of kept) if (tensor !== noise && !tensor.isDisposed) tensor.dispose();
    guard.dispose();
  }
}
