import { checkNonNegativeInteger, checkPositiveInteger, checkShape, DiffusionError, invalidOption } from '@diffusion/core';
import type { Tensor } from '@tensorflow/tfjs-core';

/** Checks an array of positive integers (layer widths, channel multipliers). */
export function checkPositiveIntegerArray(field: string, value: unknown, minLength = 1): number[] {
  if (!Array.isArray(value) || value.length < minLength) throw invalidOption(field, value, `an array of at least ${minLength} positive integers`);
  return value.map((entry, index) => checkPositiveInteger(`${field}[${index}]`, entry));
}

/** Checks a positive even integer (sinusoidal embeddings split into sin and cos halves). */
export function checkEvenPositiveInteger(field: string, value: unknown): number {
  const checked = checkPositiveInteger(field, value);
  if (checked % 2 !== 0) throw invalidOption(field, value, 'a positive even integer');
  return checked;
}

/** Checks a seed: an integer in [0, 2^53). */
export function checkSeed(field: string, value: unknown): number {
  const seed = checkNonNegativeInteger(field, value);
  if (seed >= 2 ** 53) throw invalidOption(field, value, 'an integer in [0, 2^53)');
  return seed;
}

/** Checks the arguments of `Backbone.apply`: `x [batch, …sampleShape]`, `noiseLevel [batch]`. */
export function checkApplyInputs(x: Tensor, noiseLevel: Tensor, sampleShape: readonly number[]): number {
  checkShape('x', x, [-1, ...sampleShape]);
  const batch = x.shape[0]!;
  checkShape('noiseLevel', noiseLevel, [batch]);
  return batch;
}

/** Throws when a condition is passed to a backbone built without one. */
export function checkNoCondition(name: string, condition: Tensor | undefined): void {
  if (condition !== undefined) {
    throw new DiffusionError('invalid-argument', `condition: the ${name} backbone was built without a condition (set numClasses${name === 'mlp' ? ' or conditionDimension' : ''}); got a tensor of shape [${condition.shape.join(', ')}].`, {
      field: 'condition', value: condition.shape, allowed: 'undefined',
    });
  }
}

/** Throws when a disposed backbone is used. */
export function checkNotDisposed(name: string, disposed: boolean): void {
  if (disposed) throw new DiffusionError('invalid-argument', `${name}: this backbone was disposed; its weights are gone.`, { field: name, allowed: 'a backbone that has not been disposed' });
}
