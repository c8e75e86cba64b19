import type { Tensor } from '@tensorflow/tfjs-core';
import type { Denoiser } from './denoiser';
import type { SpecificationVersion } from './schedule';

/** What a sampler reports after each step. Tensors are valid only during the callback. */
export interface SamplerStepEvent {
  /** Step index, 0-based. */
  readonly index: number;
  /** Sigma at the start of the step. */
  readonly sigma: number;
  /** Sigma at the end of the step. */
  readonly sigmaNext: number;
  /** The sample after the step (borrowed: do not dispose; `clone` to keep). */
  readonly x: Tensor;
  /** The denoiser output used by the step (borrowed). */
  readonly denoised: Tensor;
  /**
   * Denoiser calls made so far in the run, this step's included (NFE). Optional for plugins; an
   * `adaptive` sampler reports it, and its last event's value is the NFE the run spent.
   */
  readonly evaluations?: number;
}

/** The step a noise draw is for: the sample moves from `sigma` to `sigmaNext` (a sub-step for multi-stage samplers). */
export interface NoiseInterval {
  /** Sigma where the noise is injected from. */
  readonly sigma: number;
  /** Sigma the injected noise reaches. */
  readonly sigmaNext: number;
}

/** Options of one sampling run. */
export interface SampleOptions {
  /**
   * Fresh standard-normal noise of a shape, for stochastic samplers; the caller's tensor is owned by
   * the sampler. Samplers pass the step `interval` the draw is for, so a Brownian source can return
   * the normalised increment over it (k-diffusion's `noise_sampler(sigma, sigma_next)`). Defaults to
   * the sampler's own source with `seed`: core's seeded stream, or a Brownian tree for SDE samplers.
   */
  readonly noise?: (shape: readonly number[], interval?: NoiseInterval) => Tensor;
  /** Seed of the default noise source. */
  readonly seed?: number;
  /** Called after every step. */
  readonly onStep?: (event: SamplerStepEvent) => void;
}

/** A sampler in sigma-space (k-diffusion, EDM): any process, VP or not, written as `x = x0 + sigma n`. */
export interface Sampler {
  /** Stable kebab-case name, e.g. `'dpmpp-2m'`. */
  readonly name: string;
  /** Contract version. */
  readonly specificationVersion: SpecificationVersion;
  /** JSON-serialisable options the factory was called with (after defaults). */
  readonly options: Readonly<Record<string, unknown>>;
  /** Denoiser calls per step (diffusers' `order`), for matching NFE budgets. */
  readonly evaluationsPerStep: number;
  /** Whether the sampler injects fresh noise. */
  readonly stochastic: boolean;
  /**
   * Order of accuracy the sampler claims for its deterministic update: the error after `n` steps
   * falls like `n^-order` (Euler 1, Heun and DPM-Solver++(2M) 2, …). Not diffusers' `order`, which
   * is `evaluationsPerStep`. Absent when the sampler claims none (stochastic samplers);
   * `@diffusion/testing` measures it on the Gaussian closed form.
   */
  readonly order?: number;
  /**
   * Where its noise comes from when `options.noise` is not given: `'independent'` (absent means
   * this) draws core's seeded stream `createRandomSource(seed)` in order; `'brownian-tree'` draws
   * normalised increments of a Brownian path fixed by the seed (k-diffusion's SDE samplers).
   */
  readonly noiseSource?: 'independent' | 'brownian-tree';
  /**
   * Whether the sampler places its own steps instead of stepping along the ladder: it reads only the
   * range (`sigmas[0]` and the last sigma above 0) and, unless `adaptive`, the number of steps
   * (k-diffusion's `dpm_fast`). `onStep` then reports the sampler's own steps, from `sigmas[0]` down
   * to 0. Absent means it steps along the ladder.
   */
  readonly ownSteps?: boolean;
  /**
   * Whether the sampler also chooses how many steps to take, from an error tolerance (k-diffusion's
   * `dpm_adaptive`): implies `ownSteps`; the NFE is known only after a run, from the `evaluations`
   * of its last `onStep` event, and `evaluations(steps)` does not apply.
   */
  readonly adaptive?: boolean;
  /** Smallest ladder length (including the final 0) the sampler accepts. */
  readonly minimumSteps?: number;
  /**
   * Denoiser calls of a run of `steps` steps, when it is not `steps * evaluationsPerStep`
   * (Heun's last step into sigma 0 is a plain Euler step: `2 steps - 1`).
   */
  evaluations?(steps: number): number;
  /**
   * Runs from `noise` (already scaled to `sigmas[0]`) down the falling ladder that ends in 0.
   * Does not dispose `noise`; returns a new tensor the caller owns.
   */
  sample(denoise: Denoiser, noise: Tensor, sigmas: Float64Array, options?: SampleOptions): Tensor;
}
