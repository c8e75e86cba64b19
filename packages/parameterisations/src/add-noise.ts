import type { Level } from '@diffusion/core';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { checkLevel, checkSamples, combine } from './level-arithmetic';

/** Forward process sample x_t = alpha x0 + sigma noise (Ho et al. 2020, eq. 4; Kingma et al. 2021, eq. 1). Caller owns the result. */
export function addNoise(x0: Tensor, noise: Tensor, level: Level): Tensor {
  checkSamples('addNoise.noise', noise, x0);
  checkLevel('addNoise.level', level);
  return tf.tidy(() => combine(level.alpha, x0, level.sigma, noise));
}
