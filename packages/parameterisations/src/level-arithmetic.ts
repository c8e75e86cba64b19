import type { Level } from '@diffusion/core';
import { checkFinite, checkNonNegative, checkPositive, checkSameShape, invalidOption } from '@diffusion/core';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';

// Arithmetic on level coefficients that may be plain numbers (kept in float64) or tensors that
// broadcast against the sample. Numbers stay numbers so a scalar level loses no precision before
// it meets the float32 sample; a tensor operand turns the result into a tensor. Call these inside
// `tf.tidy`: intermediate tensors are not disposed here.

/** A level coefficient: a float64 number for the whole batch or a broadcastable tensor. */
export type Coefficient = number | Tensor;

/** Sum of two coefficients. */
export function plus(left: Coefficient, right: Coefficient): Coefficient {
  return typeof left === 'number' && typeof right === 'number' ? left + right : tf.add(left, right);
}

/** Product of two coefficients. */
export function times(left: Coefficient, right: Coefficient): Coefficient {
  return typeof left === 'number' && typeof right === 'number' ? left * right : tf.mul(left, right);
}

/** Quotient of two coefficients. */
export function over(left: Coefficient, right: Coefficient): Coefficient {
  return typeof left === 'number' && typeof right === 'number' ? left / right : tf.div(left, right);
}

/** Square root of a coefficient. */
export function squareRoot(value: Coefficient): Coefficient {
  return typeof value === 'number' ? Math.sqrt(value) : tf.sqrt(value);
}

/** `left * x + right * y` for sample tensors x, y and coefficients left, right. */
export function combine(left: Coefficient, x: Tensor, right: Coefficient, y: Tensor): Tensor {
  return tf.add(tf.mul(x, left), tf.mul(y, right));
}

/**
 * Checks a level: numeric `alpha` must be finite and > 0 (it is divided by), numeric `sigma`
 * finite and >= 0 (or > 0 when the parameterisation divides by it). Tensor entries are not read
 * back (that would stall the device); they must broadcast against the sample.
 */
export function checkLevel(field: string, level: Level, sigmaPositive = false): void {
  if (typeof level !== 'object' || level === null) throw invalidOption(field, level, 'a level { alpha, sigma }');
  if (typeof level.alpha === 'number') checkPositive(`${field}.alpha`, level.alpha);
  else if (!(level.alpha instanceof tf.Tensor)) checkFinite(`${field}.alpha`, level.alpha);
  if (typeof level.sigma === 'number') {
    if (sigmaPositive) checkPositive(`${field}.sigma`, level.sigma);
    else checkNonNegative(`${field}.sigma`, level.sigma);
  } else if (!(level.sigma instanceof tf.Tensor)) checkFinite(`${field}.sigma`, level.sigma);
}

/** Checks two sample tensors have the same shape, naming the second. */
export function checkSamples(field: string, value: Tensor, reference: Tensor): void {
  if (!(value instanceof tf.Tensor)) throw invalidOption(field, value, 'a tensor');
  if (!(reference instanceof tf.Tensor)) throw invalidOption(field, reference, 'a tensor');
  checkSameShape(field, value, reference);
}
