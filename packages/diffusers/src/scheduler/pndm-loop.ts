import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { iterate } from './loop-context';
import type { DiscreteLoopContext } from './loop-context';

/**
 * diffusers' `PNDMScheduler` loop (Liu et al. 2022, "Pseudo Numerical Methods for Diffusion Models"):
 * with `skip_prk_steps` the PLMS steps only (Adams–Bashforth in eps, eq. 12, warmed up by a
 * two-call second-order first step), otherwise three pseudo Runge–Kutta steps first (eq. 13), each
 * a transfer `phi` (eq. 11) between two levels. v-prediction outputs are read as eps at the level
 * (and with the sample) the transfer starts from, as diffusers does.
 */
export function runPndmLoop(context: DiscreteLoopContext): Tensor {
  const { setup, run, network } = context;
  const { alphasCumprod } = setup;
  const ratio = Math.floor(setup.numTrainTimesteps / run.numInferenceSteps);
  const finalAlphaCumprod = setup.config.set_alpha_to_one === true ? 1 : alphasCumprod[0]!;
  const skipPrk = setup.config.skip_prk_steps === true;
  const prkCount = skipPrk ? 0 : run.timesteps.length - (run.numInferenceSteps - 3);
  const ets: Tensor[] = [];
  let currentSample: Tensor | undefined;
  let accumulated: Tensor | undefined;
  const keep = (tensor: Tensor) => tf.keep(tensor);

  // Eq. 11: x_prev = sqrt(ab_prev / ab) x - (ab_prev - ab) eps / (ab sqrt(1 - ab_prev) + sqrt(ab (1 - ab) ab_prev)).
  const transfer = (sample: Tensor, t: number, previousT: number, output: Tensor): Tensor => {
    const alphaBar = alphasCumprod[t]!;
    const alphaBarPrevious = previousT >= 0 ? alphasCumprod[previousT]! : finalAlphaCumprod;
    const eps = setup.predictionType === 'v_prediction' ? tf.add(tf.mul(output, Math.sqrt(alphaBar)), tf.mul(sample, Math.sqrt(1 - alphaBar))) : output;
    const denominator = alphaBar * Math.sqrt(1 - alphaBarPrevious) + Math.sqrt(alphaBar * (1 - alphaBar) * alphaBarPrevious);
    return tf.sub(tf.mul(sample, Math.sqrt(alphaBarPrevious / alphaBar)), tf.mul(eps, (alphaBarPrevious - alphaBar) / denominator));
  };
  const replaceCurrent = (tensor: Tensor | undefined) => {
    if (currentSample !== undefined && currentSample !== context.noise && !ets.includes(currentSample)) currentSample.dispose();
    currentSample = tensor === undefined ? undefined : tensor === context.noise ? tensor : keep(tensor.clone());
  };

  const prkStep = (x: Tensor, counter: number, output: Tensor): Tensor => {
    const t0 = run.timesteps[counter]!;
    const previousT = t0 - (counter % 2 ? 0 : Math.floor(ratio / 2));
    const t = run.timesteps[Math.floor(counter / 4) * 4]!;
    let used = output;
    if (counter % 4 === 0) {
      accumulated = keep(tf.mul(output, 1 / 6));
      ets.push(keep(output.clone()));
      replaceCurrent(x);
    } else if (counter % 4 === 3) {
      used = tf.add(accumulated!, tf.mul(output, 1 / 6));
      accumulated!.dispose();
      accumulated = undefined;
    } else {
      const sum = keep(tf.add(accumulated!, tf.mul(output, 1 / 3)));
      accumulated!.dispose();
      accumulated = sum;
    }
    return transfer(currentSample ?? x, t, previousT, used);
  };

  const plmsStep = (x: Tensor, counter: number, output: Tensor): Tensor => {
    let t = run.timesteps[counter]!;
    let previousT = t - ratio;
    if (counter !== 1) {
      while (ets.length > 3) ets.shift()!.dispose();
      ets.push(keep(output.clone()));
    } else {
      previousT = t;
      t += ratio;
    }
    const e = (back: number) => ets[ets.length - back]!;
    let sample = x;
    let combined: Tensor;
    if (ets.length === 1 && counter === 0) {
      combined = output;
      replaceCurrent(x);
    } else if (ets.length === 1 && counter === 1) {
      combined = tf.div(tf.add(output, e(1)), 2);
      sample = currentSample!;
    } else if (ets.length === 2) combined = tf.div(tf.sub(tf.mul(e(1), 3), e(2)), 2);
    else if (ets.length === 3) combined = tf.div(tf.add(tf.sub(tf.mul(e(1), 23), tf.mul(e(2), 16)), tf.mul(e(3), 5)), 12);
    else combined = tf.mul(tf.sub(tf.add(tf.sub(tf.mul(e(1), 55), tf.mul(e(2), 59)), tf.mul(e(3), 37)), tf.mul(e(4), 9)), 1 / 24);
    const result = transfer(sample, t, previousT, combined);
    if (ets.length === 1 && counter === 1) replaceCurrent(undefined);
    return result;
  };

  try {
    return iterate(context, context.noise, run.timesteps.length, (x, counter) => {
      const output = network(x, run.timesteps[counter]!);
      return counter < prkCount ? prkStep(x, counter, output) : plmsStep(x, counter, output);
    }, (index) => run.timesteps[index]!);
  } finally {
    for (const tensor of ets) tensor.dispose();
    accumulated?.dispose();
    if (currentSample !== undefined && currentSample !== context.noise) currentSample.dispose();
  }
}
