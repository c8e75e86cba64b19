// Test helpers: this package's registration as the kernel tests use it (not part of the published API).
import * as tf from '@tensorflow/tfjs-core';
import { biasSiluKernelName } from '../src/bias-silu-kernel';
import { groupNormKernelName, type GroupNormAttrs } from '../src/group-norm-kernel';
import { registerDiffusionKernels, type DiffusionKernelsRegistration } from '../src/register-diffusion-kernels';
import type { StockKernelOptions } from '../src/stock-kernel-options';

let current: DiffusionKernelsRegistration | undefined;

/**
 * Every kernel of the package with the stock wasm kernels replaced as `options` say; a previous
 * registration of this helper is undone first, so a test can switch variants.
 */
export function registerWasmTrainingKernels(options: StockKernelOptions & { readonly simdConvWeightGradient?: boolean } = {}): DiffusionKernelsRegistration {
  current?.unregister();
  const { simdConvWeightGradient, ...stock } = options;
  current = registerDiffusionKernels({ replaceStockKernels: stock, ...(simdConvWeightGradient === undefined ? {} : { simdConvWeightGradient }) });
  return current;
}

/** Registers the package's kernels for one backend; whether it now has the fused bias + SiLU. */
export function ensureBiasSiluKernels(backendName: string): boolean {
  registerDiffusionKernels({ backends: [backendName as 'wasm' | 'cpu'] });
  return tf.getKernel(biasSiluKernelName, backendName) !== undefined;
}

/** Registers the package's kernels for one backend; whether it now has the fused GroupNorm. */
export function ensureGroupNormKernels(backendName: string): boolean {
  registerDiffusionKernels({ backends: [backendName as 'wasm' | 'cpu'] });
  return tf.getKernel(groupNormKernelName, backendName) !== undefined;
}

/** SiLU, x sigmoid(x) (Elfwing et al. 2018, eq. 3), composed. */
export function silu(x: tf.Tensor): tf.Tensor {
  return tf.mul(x, tf.sigmoid(x));
}

/** `silu(z + bias)`: the fused kernel where registered for `backendName` and z is float32, the composed ops otherwise (as backbones' linear layer). */
export function biasSilu(z: tf.Tensor, bias: tf.Tensor, backendName: string): tf.Tensor {
  if (z.dtype === 'float32' && z.rank === 2 && z.size > 0 && ensureBiasSiluKernels(backendName)) return tf.engine().runKernel<tf.Tensor>(biasSiluKernelName, { z, bias });
  return silu(tf.add(z, bias));
}

/** GroupNorm (+ SiLU) from tfjs ops, Wu & He (2018) eq. 1–3 (as backbones' composed path): the reference. */
export function composedGroupNorm(x: tf.Tensor, gain: tf.Tensor, bias: tf.Tensor, { groups, epsilon, activation }: GroupNormAttrs): tf.Tensor {
  const [batch, height, width, channels] = x.shape as [number, number, number, number];
  const grouped = tf.reshape(x, [batch, height, width, groups, channels / groups]);
  const { mean, variance } = tf.moments(grouped, [1, 2, 4], true);
  const normalised = tf.reshape(tf.mul(tf.sub(grouped, mean), tf.rsqrt(tf.add(variance, epsilon))), [batch, height, width, channels]);
  const output = tf.add(tf.mul(normalised, gain), bias);
  return activation === 'silu' ? silu(output) : output;
}
