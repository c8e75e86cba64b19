import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { iterate } from './loop-context';
import type { DiscreteLoopContext } from './loop-context';
import { splitOutput, vpEstimates } from './model-output';
import { processX0 } from './x0-processing';

/**
 * diffusers' `DDPMScheduler` loop: ancestral sampling of Ho et al. (2020) Alg. 2 with the posterior
 * mean from the (clipped) x0 estimate (eq. 7), from t to `t - T // n` whatever the spacing, noise
 * whenever t > 0, of variance `fixed_small` (beta-tilde, floored at 1e-20), `fixed_large` (beta),
 * `learned` or `learned_range` (Nichol & Dhariwal 2021 eq. 15).
 */
export function runDdpmLoop(context: DiscreteLoopContext): Tensor {
  const { setup, run, network } = context;
  const { alphasCumprod } = setup;
  const total = setup.numTrainTimesteps;
  const ratio = Math.floor(total / run.numInferenceSteps);
  const varianceType = setup.config.variance_type as string;
  const learned = varianceType === 'learned' || varianceType === 'learned_range';
  return iterate(context, context.noise, run.timesteps.length, (x, index) => {
    const t = run.timesteps[index]!;
    const previousT = t - ratio;
    const alphaBar = alphasCumprod[t]!;
    const alphaBarPrevious = previousT >= 0 ? alphasCumprod[previousT]! : 1;
    const currentAlpha = alphaBar / alphaBarPrevious;
    const currentBeta = 1 - currentAlpha;
    const { prediction, variance: predictedVariance } = splitOutput(network(x, t), x, learned, 'DDPMScheduler network output');
    const x0 = processX0(vpEstimates(prediction, x, alphaBar, setup.predictionType).x0, setup.x0Processing);
    const x0Coefficient = (Math.sqrt(alphaBarPrevious) * currentBeta) / (1 - alphaBar);
    const sampleCoefficient = (Math.sqrt(currentAlpha) * (1 - alphaBarPrevious)) / (1 - alphaBar);
    const mean = tf.add(tf.mul(x0, x0Coefficient), tf.mul(x, sampleCoefficient));
    if (!(t > 0)) return mean;
    const posteriorVariance = Math.max(((1 - alphaBarPrevious) / (1 - alphaBar)) * currentBeta, 1e-20);
    let standardDeviation: number | Tensor;
    if (varianceType === 'fixed_large') standardDeviation = Math.sqrt(currentBeta);
    else if (varianceType === 'learned') standardDeviation = tf.sqrt(predictedVariance ?? tf.fill(x.shape, NaN));
    else if (varianceType === 'learned_range') {
      const fraction = tf.div(tf.add(predictedVariance ?? tf.fill(x.shape, NaN), 1), 2);
      const logVariance = tf.add(tf.mul(fraction, Math.log(currentBeta)), tf.mul(tf.sub(1, fraction), Math.log(posteriorVariance)));
      standardDeviation = tf.exp(tf.mul(logVariance, 0.5));
    } else standardDeviation = Math.sqrt(posteriorVariance);
    return tf.add(mean, tf.mul(context.randomNormal(), standardDeviation));
  }, (index) => run.timesteps[index]!);
}
