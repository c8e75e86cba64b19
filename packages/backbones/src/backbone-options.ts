import { checkNonNegativeInteger, checkPositiveInteger, checkShape, describeValue, DiffusionError, invalidOption } from '@diffusion/core';
import { Tensor } from '@tensorflow/tfjs-core';

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

/** Throws unless `value` is a tf.Tensor (a plain JS array or number is a common slip). */
function checkIsTensor(field: string, value: unknown): void {
  const looksLikeTensor = value instanceof Tensor
    || (typeof value === 'object' && value !== null && Array.isArray((value as Tensor).shape) && typeof (value as Tensor).dtype === 'string' && typeof (value as Tensor).dataSync === 'function');
  if (!looksLikeTensor) {
    const kind = Array.isArray(value) ? 'a plain JS array' : value === null ? 'null' : typeof value;
    throw new DiffusionError('invalid-argument', `${field}: got ${kind} (${describeValue(value)}); expected a tf.Tensor (wrap plain values with tf.tensor(...)).`, { field, value, allowed: 'a tf.Tensor' });
  }
}

/** Checks the arguments of `Backbone.apply`: `x [batch, …sampleShape]`, `noiseLevel [batch]`, and that a condition, if any, is a tensor. */
export function checkApplyInputs(x: Tensor, noiseLevel: Tensor, sampleShape: readonly number[], condition?: unknown): number {
  checkIsTensor('x', x);
  checkIsTensor('noiseLevel', noiseLevel);
  if (condition !== undefined) checkIsTensor('condition', condition);
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
