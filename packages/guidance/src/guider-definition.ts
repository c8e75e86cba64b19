import { DiffusionError, checkNonNegative, checkShape, invalidOption, type GuidanceDenoisers, type GuidedDenoiser, type Guider } from '@diffusion/core';
import { Tensor, tidy } from '@tensorflow/tfjs-core';

/** What a guider's combination step sees besides the two predictions. */
export interface GuiderContext<State> {
  /** The noisy input `x = x0 + sigma n` (borrowed). */
  readonly x: Tensor;
  /** Its noise level. */
  readonly sigma: number;
  /** The guider's state for this run (APG's momentum), from `createState`. */
  readonly state: State;
}

/** Float64 predictions of `rows` samples of `sampleSize` values each, row-major. */
export interface Float64GuiderContext<State> {
  /** The noisy input, row-major `rows x sampleSize`. */
  readonly x: Float64Array;
  /** Its noise level. */
  readonly sigma: number;
  /** Values per sample (the product of the sample shape). */
  readonly sampleSize: number;
  /** The guider's float64 state for this run. */
  readonly state: State;
}

/** Plain-JS float64 denoisers on row-major arrays, for the exact test bed and live 2-D use. */
export interface Float64GuidanceDenoisers {
  /** Values per sample (the product of the sample shape). */
  readonly sampleSize: number;
  /** `D_c` on a row-major `rows x sampleSize` array. */
  readonly conditional: (x: Float64Array, sigma: number) => Float64Array;
  /** `D_u` on a row-major `rows x sampleSize` array. */
  readonly unconditional: (x: Float64Array, sigma: number) => Float64Array;
}

/** The parts of a guider that differ from one guider to the next. */
export interface GuiderDefinition<State, Float64State> {
  /** Stable kebab-case name. */
  readonly name: string;
  /** The checked options, JSON-serialisable. */
  readonly options: Readonly<Record<string, unknown>>;
  /** Whether to guide at `sigma`; elsewhere the guided denoiser returns `D_c` at one evaluation. Default: at every sigma. */
  readonly guides?: (sigma: number) => boolean;
  /** Fresh tensor state of a run, and the function freeing it. */
  readonly state?: { readonly create: () => State; readonly dispose: (state: State) => void; readonly reset?: (state: State) => void };
  /** Fresh float64 state of a run (made again when sigma rises: a new run). */
  readonly float64State?: () => Float64State;
  /** The guided x0 estimate from `D_c` and `D_u` (float32 tensors, called inside `tf.tidy`). */
  readonly combine: (conditional: Tensor, unconditional: Tensor, context: GuiderContext<State>) => Tensor;
  /** The same in float64 on row-major arrays; returns a new array. */
  readonly combineFloat64: (conditional: Float64Array, unconditional: Float64Array, context: Float64GuiderContext<Float64State>) => Float64Array;
}

/** A guider of this package: the core contract plus a float64 path. */
export interface BuiltinGuider extends Guider {
  /** The guided denoiser in float64 plain JS (same formulas as `guide`), for one run. */
  guideFloat64(denoisers: Float64GuidanceDenoisers): (x: Float64Array, sigma: number) => Float64Array;
}

function checkFunction(field: string, value: unknown): void {
  if (typeof value !== 'function') throw invalidOption(field, value, 'a function', 'invalid-argument');
}

/** Checks a denoiser's output: a tensor of exactly the shape of `x`. */
function checkPrediction(field: string, prediction: unknown, x: Tensor): Tensor {
  if (!(prediction instanceof Tensor)) throw invalidOption(field, prediction, 'a tensor', 'invalid-argument');
  return checkShape(field, prediction, x.shape);
}

/**
 * Builds a guider from its combination step: checks the denoisers once, calls `D_c` and `D_u` (or
 * the batched `paired`) once each per evaluation where the guider guides and `D_c` alone elsewhere,
 * checks that both predictions have the shape of `x`, runs the combination in `tf.tidy`, and keeps
 * the per-run state (reset when sigma rises, i.e. a new run starts; freed by `dispose`).
 */
export function defineGuider<State = undefined, Float64State = undefined>(definition: GuiderDefinition<State, Float64State>): BuiltinGuider {
  const { name, options, combine, combineFloat64 } = definition;
  const guides = definition.guides ?? (() => true);
  return {
    name,
    specificationVersion: 'v1',
    options,
    evaluations: (sigma) => (guides(sigma) ? 2 : 1),
    guide(denoisers: GuidanceDenoisers): GuidedDenoiser {
      if (typeof denoisers !== 'object' || denoisers === null) throw invalidOption(`${name}.guide.denoisers`, denoisers, 'an object { conditional, unconditional, paired? }', 'invalid-argument');
      checkFunction(`${name}.guide.conditional`, denoisers.conditional);
      checkFunction(`${name}.guide.unconditional`, denoisers.unconditional);
      if (denoisers.paired !== undefined) checkFunction(`${name}.guide.paired`, denoisers.paired);
      const { conditional, unconditional, paired } = denoisers;
      let state = definition.state?.create() as State;
      let previousSigma = Infinity;
      let disposed = false;
      const guided = (x: Tensor, sigma: number): Tensor => {
        if (disposed) throw new DiffusionError('invalid-argument', `${name}: the guided denoiser was called after dispose().`, { field: `${name}.guide`, allowed: 'a denoiser that is not disposed' });
        if (!(x instanceof Tensor)) throw invalidOption(`${name}.x`, x, 'a tensor', 'invalid-argument');
        checkNonNegative(`${name}.sigma`, sigma);
        if (sigma > previousSigma) definition.state?.reset?.(state);
        previousSigma = sigma;
        if (!guides(sigma)) return tidy(() => checkPrediction(`${name}.conditional output`, conditional(x, sigma), x).clone());
        return tidy(() => {
          let predictionConditional: Tensor;
          let predictionUnconditional: Tensor;
          if (paired !== undefined) {
            const both = paired(x, sigma);
            predictionConditional = checkPrediction(`${name}.paired output.conditional`, both?.conditional, x);
            predictionUnconditional = checkPrediction(`${name}.paired output.unconditional`, both?.unconditional, x);
          } else {
            predictionConditional = checkPrediction(`${name}.conditional output`, conditional(x, sigma), x);
            predictionUnconditional = checkPrediction(`${name}.unconditional output`, unconditional(x, sigma), x);
          }
          return combine(predictionConditional, predictionUnconditional, { x, sigma, state });
        });
      };
      return Object.assign(guided, {
        dispose() {
          if (!disposed) definition.state?.dispose(state);
          disposed = true;
          state = undefined as State;
        },
      });
    },
    guideFloat64(denoisers) {
      const { sampleSize } = denoisers;
      let state = definition.float64State?.() as Float64State;
      let previousSigma = Infinity;
      return (x, sigma) => {
        checkNonNegative(`${name}.sigma`, sigma);
        if (sigma > previousSigma) state = definition.float64State?.() as Float64State;
        previousSigma = sigma;
        const predictionConditional = denoisers.conditional(x, sigma);
        if (!guides(sigma)) return Float64Array.from(predictionConditional);
        const predictionUnconditional = denoisers.unconditional(x, sigma);
        if (predictionConditional.length !== x.length || predictionUnconditional.length !== x.length) {
          throw invalidOption(`${name}.unconditional output`, predictionUnconditional.length, `${x.length} values (the length of x and of the conditional output)`, 'shape-mismatch');
        }
        return combineFloat64(predictionConditional, predictionUnconditional, { x, sigma, sampleSize, state });
      };
    },
  };
}
