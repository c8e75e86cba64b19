import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { iterate } from './loop-context';
import type { DiscreteLoopContext } from './loop-context';
import { vpEstimates } from './model-output';
import { processX0 } from './x0-processing';

/**
 * diffusers' `DDIMScheduler` loop (Song et al. 2021, eq. 12 and 16): from t to `t - T // n`
 * whatever the spacing (past 0: `final_alpha_cumprod`, 1 under `set_alpha_to_one`), the direction
 * from the unclipped eps unless `useClippedModelOutput`, noise of eta times the DDPM posterior deviation.
 */
export function runDdimLoop(context: DiscreteLoopContext): Tensor {
  const { setup, run, network, eta } = context;
  const { alphasCumprod } = setup;
  const ratio = Math.floor(setup.numTrainTimesteps / run.numInferenceSteps);
  const finalAlphaCumprod = setup.config.set_alpha_to_one === true ? 1 : alphasCumprod[0]!;
  return iterate(context, context.noise, run.timesteps.length, (x, index) => {
    const t = run.timesteps[index]!;
    const previousT = t - ratio;
    const alphaBar = alphasCumprod[t]!;
    const alphaBarPrevious = previousT >= 0 ? alphasCumprod[previousT]! : finalAlphaCumprod;
    const estimates = vpEstimates(network(x, t), x, alphaBar, setup.predictionType);
    const x0 = processX0(estimates.x0, setup.x0Processing);
    const variance = ((1 - alphaBarPrevious) / (1 - alphaBar)) * (1 - alphaBar / alphaBarPrevious);
    const standardDeviation = eta * Math.sqrt(variance);
    const eps = context.useClippedModelOutput ? tf.div(tf.sub(x, tf.mul(x0, Math.sqrt(alphaBar))), Math.sqrt(1 - alphaBar)) : estimates.eps;
    const next = tf.add(tf.mul(x0, Math.sqrt(alphaBarPrevious)), tf.mul(eps, Math.sqrt(1 - alphaBarPrevious - standardDeviation * standardDeviation)));
    return eta > 0 ? tf.add(next, tf.mul(context.randomNormal(), standardDeviation)) : next;
  }, (index) => run.timesteps[index]!);
}
