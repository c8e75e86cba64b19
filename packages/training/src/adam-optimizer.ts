import { add, div, mul, scalar, sqrt, square, sub, tidy, variable, zerosLike, type Tensor, type Variable } from '@tensorflow/tfjs-core';

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
 */
export function applyAdamStep(
  weights: ReadonlyMap<string, Variable>,
  gradients: ReadonlyMap<string, Tensor>,
  state: AdamState,
  options: AdamOptions,
  learningRate: number,
  step: number,
): void {
  // Bias corrections in float64, crossing into float32 once per step.
  const firstCorrection = 1 - options.beta1 ** step;
  const secondCorrection = 1 - options.beta2 ** step;
  tidy(() => {
    const beta1 = scalar(options.beta1);
    const oneMinusBeta1 = scalar(1 - options.beta1);
    const beta2 = scalar(options.beta2);
    const oneMinusBeta2 = scalar(1 - options.beta2);
    const stepSize = scalar(learningRate / firstCorrection);
    const secondScale = scalar(1 / Math.sqrt(secondCorrection));
    const epsilon = scalar(options.epsilon);
    const decay = scalar(1 - learningRate * options.weightDecay);
    for (const [name, weight] of weights) {
      const gradient = gradients.get(name);
      if (gradient === undefined) continue;
      const firstMoment = state.firstMoments.get(name)!;
      const secondMoment = state.secondMoments.get(name)!;
      const nextFirst = add(mul(firstMoment, beta1), mul(gradient, oneMinusBeta1));
      const nextSecond = add(mul(secondMoment, beta2), mul(square(gradient), oneMinusBeta2));
      firstMoment.assign(nextFirst);
      secondMoment.assign(nextSecond);
      // m_hat / (sqrt(v_hat) + eps) = (m / c1) / (sqrt(v) / sqrt(c2) + eps).
      const update = div(mul(nextFirst, stepSize), add(mul(sqrt(nextSecond), secondScale), epsilon));
      const decayed = options.weightDecay === 0 ? weight : mul(weight, decay);
      weight.assign(sub(decayed, update));
    }
  });
}

/** Frees the moments. */
export function disposeAdamState(state: AdamState): void {
  for (const moment of state.firstMoments.values()) moment.dispose();
  for (const moment of state.secondMoments.values()) moment.dispose();
}
