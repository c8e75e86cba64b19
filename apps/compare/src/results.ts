import type { CompareConfig } from './config';
import type { GuidanceResult } from './guidance/guidance-results';
import type { SamplerRecord } from './sampler-specs';

/** How a `tuned` ladder was found (`ladder: "tuned"`; see `tuneLadder` of @diffusion/ladder-tuning). */
export interface LadderTuning {
  /** The tuned ladder (falling VE sigmas ending in 0): `parseLadder` reads it back. */
  readonly ladder: readonly number[];
  /** The standard ladder the search started from (the best on the tuning noise). */
  readonly start: string;
  readonly objective: string;
  /** Where the tuning data came from (never the evaluation set). */
  readonly data: string;
  /** The objective of every standard ladder on the tuning noise. */
  readonly candidates: Readonly<Record<string, number>>;
  /** The objective on the tuning noise, start and tuned. */
  readonly tuningLoss: { readonly start: number; readonly tuned: number };
  /**
   * The objective on independent check noises (means over them, the paired difference tuned − start
   * and its standard error, every pass); the start is kept unless the tuned ladder is lower by more
   * than `margin` standard errors.
   */
  readonly checkLoss: { readonly start: number; readonly tuned: number; readonly difference: number; readonly standardError: number; readonly margin: number; readonly runs: { readonly start: readonly number[]; readonly tuned: readonly number[] } };
  readonly accepted: boolean;
  /** Sampling passes of `tuningSamples` and the denoiser calls they made. */
  readonly samplerRuns: number;
  readonly denoiserCalls: number;
  readonly seconds: number;
}

/** The probability-flow ODE NLL of held-out data (`odeLogLikelihood` of @diffusion/metrics; see stages/ode-nll-stage.ts). */
export interface OdeNll {
  /** In `CompareResults.nllUnit`: nats per point, or bits per dimension of the dequantised 8-bit data with its 7-bit offset. */
  readonly value: number;
  /** Over the points (plus probe noise with Hutchinson), same unit. */
  readonly standardError: number;
  /** Right-hand-side evaluations of the Dormand-Prince solve (each one model forward and backward pass per divergence direction). */
  readonly nfe: number;
  readonly steps: number;
  readonly rejectedSteps: number;
  /** Held-out examples measured (the first of the held-out set). */
  readonly points: number;
  readonly rtol: number;
  readonly atol: number;
  readonly divergence: 'exact' | 'hutchinson';
  /** Rademacher probes per example (Hutchinson). */
  readonly probes?: number;
  /** The range of integration: the schedule's training range. */
  readonly sigmaMin: number;
  readonly sigmaMax: number;
  /** The true NLL of the same points, when the data distribution is known (mixtures), nats per point. */
  readonly dataNll?: number;
  /** Uniformly dequantised 8-bit data (score_sde's bits/dim). */
  readonly dequantised?: boolean;
  readonly seconds: number;
}

/** Sample quality of one (model, sampler, NFE) cell. */
export interface SampleResult {
  readonly sampler: string;
  /** The ladder of the cell, with `ladder: "tuned"` (which measures several); absent otherwise (the config's). */
  readonly ladder?: string;
  readonly nfe: number;
  readonly steps: number;
  /** Sliced Wasserstein-1 to the data (exact mixture CDF when the dataset is a mixture); 2-D data. */
  readonly slicedWasserstein?: number;
  /** Unbiased MMD² (RBF, median-heuristic bandwidth) to held-out data; 2-D data. */
  readonly mmd?: number;
  /** Fréchet distance of classifier features (MNIST only). */
  readonly frechetDistance?: number;
  /** Mean classifier confidence (MNIST only). */
  readonly classifierConfidence?: number;
  readonly seconds: number;
  /** The tuning of a `tuned` cell. */
  readonly tuning?: LadderTuning;
}

/** One per-time loss bin: mean eps-MSE of held-out points at times whose log-SNR falls in the bin. */
export interface ProfileBin {
  readonly logSnr: number;
  readonly epsMse: number;
  /** Bayes-optimal eps-MSE at that level (exact denoiser), when the data is a known mixture. */
  readonly bayesEpsMse?: number;
}

/** Everything measured for one trained model. */
export interface RunResult {
  readonly id: string;
  readonly parameterisation: string;
  /** `natural` or the name of the weighting held fixed across runs. */
  readonly weighting: string;
  readonly trainSeconds: number;
  readonly finalLoss: number;
  /** (step, loss) pairs, smoothed by an exponential moving average. */
  readonly lossCurve: ReadonlyArray<readonly [number, number]>;
  readonly profile: readonly ProfileBin[];
  readonly samples: readonly SampleResult[];
  /** `--guidance`: every sampler, NFE, guider and scale on balanced requested labels (the `samples` rows are the unconditional model). */
  readonly guidance?: readonly GuidanceResult[];
  /** Negative ELBO on held-out data, in `CompareResults.nllUnit` (nats per point for 2-D data, bits per dimension for images). */
  readonly nllBound?: number;
  /** The model's exact NLL of held-out data through the probability-flow ODE, same unit (absent with `odeNll: false`). */
  readonly odeNll?: OdeNll;
  readonly parameterCount: number;
  /** Set when this run trains exactly the same model as another (eps with `uniform` = eps natural): its figures are that run's. */
  readonly sameAs?: string;
}

/** The whole report's data: written as results.json next to report.html. */
export interface CompareResults {
  readonly tool: 'diffusion-compare';
  readonly version: 1;
  readonly config: CompareConfig;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly complete: boolean;
  readonly backend: string;
  /** Every sampler of the run as `{ label, name, options, plugin }` (options after defaults): enough to build it again. */
  readonly samplers?: readonly SamplerRecord[];
  /** True NLL of held-out data under the data distribution, when known (mixture), nats per point. */
  readonly dataNll?: number;
  /** The NLL bound of the exact denoiser on the same points: the best any model can reach with this chain. */
  readonly exactNllBound?: number;
  /** The ODE NLL of the exact denoiser on the same points: the true NLL up to the solver's tolerance. */
  readonly exactOdeNll?: OdeNll;
  /** Unit of every NLL figure. */
  readonly nllUnit: string;
  /** The same quality metrics for held-out real data (MNIST: held-out vs train digits). */
  readonly referenceQuality?: { readonly frechetDistance?: number; readonly classifierConfidence?: number; readonly slicedWasserstein?: number };
  readonly wallClockSeconds: number;
  readonly runs: readonly RunResult[];
  /** When `complete` is false: the ids of the planned runs that did not finish (never started, or stopped part-way), in run order. */
  readonly notRun?: readonly string[];
  /** Where an interrupt (Ctrl-C) stopped the run: the stage and the run it was working on. */
  readonly interrupted?: { readonly stage: string; readonly run?: string };
}
