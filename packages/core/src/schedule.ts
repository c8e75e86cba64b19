/** The version tag every v1 plugin carries. */
export type SpecificationVersion = 'v1';

/**
 * A continuous-time forward process `q(x_t | x_0) = N(alpha(t) x0, sigma(t)^2 I)`, t in [0, 1]
 * (t = 0 is data, t = 1 is the noisiest level). Plain float64 JavaScript; no tensors.
 */
export interface Schedule {
  /** Stable kebab-case name, e.g. `'cosine'`. */
  readonly name: string;
  /** Contract version. */
  readonly specificationVersion: SpecificationVersion;
  /** JSON-serialisable options the factory was called with (after defaults). */
  readonly options: Readonly<Record<string, unknown>>;
  /** Signal scale of x_t given x0 (VP: sqrt(alphabar)); dimensionless. */
  alpha(t: number): number;
  /** Noise scale of x_t given x0 (VP: sqrt(1 - alphabar)); dimensionless. */
  sigma(t: number): number;
  /** log(alpha^2 / sigma^2), falling in t. */
  logSnr(t: number): number;
  /** Inverse of `logSnr`: the time at which the log-SNR equals the given value. */
  tOfLogSnr(logSnr: number): number;
}

/** Timestep spacing of a sampling run over a discrete schedule, as diffusers names them. */
export type TimestepSpacing = 'leading' | 'trailing' | 'linspace';

/**
 * A discrete forward process of T steps `x_t = lambda_t x_{t-1} + sqrt(1 - lambda_t^2) eps`,
 * t = 1..T. Arrays are indexed from 0: entry `i` is step `t = i + 1` (diffusers' timestep `i`).
 * Its continuous view maps `t in [0, 1]` to the fractional step `t * T`.
 */
export interface DiscreteSchedule extends Schedule {
  /** Number of training steps T. */
  readonly numTrainTimesteps: number;
  /** Per-step variances beta_t = 1 - lambda_t^2, length T. */
  readonly betas: Float64Array;
  /** Per-step signal factors lambda_t = sqrt(1 - beta_t), length T. */
  readonly lambdas: Float64Array;
  /** alphabar_t = prod_{s <= t} lambda_s^2, length T. */
  readonly alphasCumprod: Float64Array;
  /** The timesteps (0-based indices into the arrays, falling) a sampler with n steps visits. */
  timesteps(numInferenceSteps: number, spacing?: TimestepSpacing, stepsOffset?: number): Float64Array;
  /** Variance-exploding sigma = sqrt((1 - alphabar) / alphabar) at a (possibly fractional) 0-based timestep, linearly interpolated as diffusers and k-diffusion do. */
  sigmaAtTimestep(timestep: number): number;
  /** Inverse of `sigmaAtTimestep`: the fractional 0-based timestep of a VE sigma (interpolated in log-sigma, as k-diffusion's `sigma_to_t`). */
  timestepOfSigma(sigma: number): number;
}
