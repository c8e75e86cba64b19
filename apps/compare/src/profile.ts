import * as tf from '@tensorflow/tfjs-core';
import type { Denoiser } from '@diffusion/core';
import type { ProfileBin } from './results';

/**
 * The per-time loss profile: eps-MSE of a denoiser on held-out points at a grid of noise levels,
 * `x = x0 + sigma n`, `eps_hat = (x - D(x; sigma)) / sigma` — which steps are hard. The same
 * points and noise for every model; `exact` adds the Bayes-optimal eps-MSE (exact denoiser).
 */
export function lossProfile(denoise: Denoiser, x0: tf.Tensor, noise: tf.Tensor, sigmas: readonly number[], exact?: Denoiser): ProfileBin[] {
  return sigmas.map((sigma) => {
    const measure = (denoiser: Denoiser): number =>
      tf.tidy(() => {
        const x = tf.add(x0, tf.mul(noise, sigma));
        const denoised = denoiser(x, sigma);
        const epsHat = tf.div(tf.sub(x, denoised), sigma);
        return tf.mean(tf.square(tf.sub(noise, epsHat))).dataSync()[0]!;
      });
    const bin: ProfileBin = { logSnr: -2 * Math.log(sigma), epsMse: measure(denoise) };
    return exact === undefined ? bin : { ...bin, bayesEpsMse: measure(exact) };
  });
}

/** Noise levels equally spaced in log-SNR across [sigmaMin, sigmaMax]. */
export function profileSigmas(sigmaMin: number, sigmaMax: number, bins: number): number[] {
  const low = Math.log(sigmaMin);
  const high = Math.log(sigmaMax);
  return Array.from({ length: bins }, (_, index) => Math.exp(low + ((index + 0.5) / bins) * (high - low)));
}
