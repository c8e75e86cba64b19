import { add, div, mul, scalar, sqrt, square, sub, tidy, variable, zerosLike, type Tensor, type Variable } from '@tensorflow/tfjs-core';
import { adamKernelName, adamKernelUpdate, fitsAdamKernel, hasFusedKernel } from './fused-update-kernels';

/** Hyper-parameters of Adam with decoupled weight decay. */
export interface AdamOptions {
  /** Exponential decay of the first-moment estimate, in [0, 1). */
  readonly beta1: number;
  /** Exponential decay of the second-moment estimate, in [0, 1). */
  readonly beta2: number;
  /** Added to the square root of the second moment (PyTorch placement), > 0. */
  readonly epsilon: number;
  /** Decoupled weight decay per unit learning rate (AdamW), >= 0. */
  readonly weightDecay: number;
}

/** Adam's state: one first and one second moment per trainable variable, by the variable's name. */
export interface AdamState {
  /** First moments m, same shapes as the weights; owned by the state. */
  readonly firstMoments: ReadonlyMap<string, Variable>;
  /** Second moments v, same shapes as the weights; owned by the state. */
  readonly secondMoments: ReadonlyMap<string, Variable>;
}

/** How {@link applyAdamStep} runs. */
export interface AdamStepSettings {
  /** Multiplies every gradient first, e.g. the gradient-clipping factor; default 1. */
  readonly gradientScale?: number;
  /**
   * Use the one-kernel update (`DiffusionAdamWUpdate`) on the cpu and wasm backends (on wasm
   * without SIMD, the threaded build, only for weights of at most 4096 elements); same float32
   * results as the composed ops; default true. Other backends always use the composed ops.
   */
  readonly fused?: boolean;
}

/** Zero moments for each weight (Kingma & Ba 2015, Algorithm 1 initialisation). */
export function createAdamState(weights: ReadonlyMap<string, Variable>): AdamState {
  const firstMoments = new Map<string, Variable>();
  const secondMoments = new Map<string, Variable>();
  for (const [name, weight] of weights) {
    firstMoments.set(name, tidy(() => variable(zerosLike(weight), false)));
    secondMoments.set(name, tidy(() => variable(zerosLike(weight), false)));
  }
  return { firstMoments, secondMoments };
}

/**
 * One Adam step with decoupled weight decay (Kingma & Ba 2015, Algorithm 1; Loshchilov & Hutter
 * 2019, AdamW Algorithm 2): `w <- w - lr (m_hat / (sqrt(v_hat) + epsilon) + weightDecay w)`.
 * `step` is the 1-based count used in the bias corrections. Gradients are not disposed.
 * On cpu and wasm each weight is updated by one fused kernel (see `settings.fused`).
 */
export function applyAdamStep(
  weights: ReadonlyMap<string, Variable>,
  gradients: ReadonlyMap<string, Tensor>,
  state: AdamState,
  options: AdamOptions,
  learningRate: number,
  step: number,
  settings: AdamStepSettings = {},
): void {
  // Bias corrections in float64, crossing into float32 once per step.
  const firstCorrection = 1 - options.beta1 ** step;
  const secondCorrection = 1 - options.beta2 ** step;
  const gradientScale = settings.gradientScale ?? 1;
  const attrs = {
    beta1: options.beta1,
    beta2: options.beta2,
    epsilon: options.epsilon,
    stepSize: learningRate / firstCorrection,
    secondScale: 1 / Math.sqrt(secondCorrection),
    decay: options.weightDecay === 0 ? 1 : 1 - learningRate * options.weightDecay,
    gradientScale,
  };
  const fusedKernel = (settings.fused ?? true) && hasFusedKernel(adamKernelName);
  tidy(() => {
    const constants = new Map<string, Tensor>();
    // The composed path's float32 scalars, made on first use (none when every weight takes the kernel).
    const constant = (key: keyof typeof attrs | 'oneMinusBeta1' | 'oneMinusBeta2') => {
      let value = constants.get(key);
      if (value === undefined) {
        value = scalar(key === 'oneMinusBeta1' ? 1 - options.beta1 : key === 'oneMinusBeta2' ? 1 - options.beta2 : attrs[key]);
        constants.set(key, value);
      }
      return value;
    };
    for (const [name, weight] of weights) {
      const given = gradients.get(name);
      if (given === undefined) continue;
      const firstMoment = state.firstMoments.get(name)!;
      const secondMoment = state.secondMoments.get(name)!;
      if (fusedKernel && fitsAdamKernel(weight, given, firstMoment, secondMoment)) {
        const [nextWeight, nextFirst, nextSecond] = adamKernelUpdate(weight, given, firstMoment, secondMoment, attrs);
        firstMoment.assign(nextFirst);
        secondMoment.assign(nextSecond);
        weight.assign(nextWeight);
        continue;
      }
      const gradient = gradientScale === 1 ? given : mul(given, constant('gradientScale'));
      const nextFirst = add(mul(firstMoment, constant('beta1')), mul(gradient, constant('oneMinusBeta1')));
      const nextSecond = add(mul(secondMoment, constant('beta2')), mul(square(gradient), constant('oneMinusBeta2')));
      firstMoment.assign(nextFirst);
      secondMoment.assign(nextSecond);
      // m_hat / (sqrt(v_hat) + eps) = (m / c1) / (sqrt(v) / sqrt(c2) + eps).
      const update = div(mul(nextFirst, constant('stepSize')), add(mul(sqrt(nextSecond), constant('secondScale')), constant('epsilon')));
      const decayed = options.weightDecay === 0 ? weight : mul(weight, constant('decay'));
      weight.assign(sub(decayed, update));
    }
  });
}

/** Frees the moments. */
export function disposeAdamState(state: AdamState): void {
  for (const moment of state.firstMoments.values()) moment.dispose();
  for (const moment of state.secondMoments.values()) moment.dispose();
}
