import type { Tensor } from '@tensorflow/tfjs-core';

/** Whether a value is a tfjs tensor (duck-typed, so tensors of another tfjs copy count too). */
export function isTensor(value: unknown): value is Tensor {
  return typeof value === 'object' && value !== null && Array.isArray((value as Tensor).shape) && typeof (value as Tensor).dispose === 'function' && 'dataId' in value;
}

/**
 * Every tensor reachable from a run's state: the state's own fields, arrays and plain objects
 * inside it, at any depth (cycles are followed once). Class instances other than tensors, maps
 * and sets are not searched.
 */
export function reachableTensors(state: unknown): Set<Tensor> {
  const found = new Set<Tensor>();
  const seen = new Set<object>();
  const visit = (value: unknown): void => {
    if (typeof value !== 'object' || value === null) return;
    if (isTensor(value)) {
      found.add(value);
      return;
    }
    if (seen.has(value)) return;
    seen.add(value);
    if (Array.isArray(value)) {
      for (const entry of value) visit(entry);
      return;
    }
    const prototype = Object.getPrototypeOf(value) as unknown;
    if (prototype === Object.prototype || prototype === null) for (const entry of Object.values(value)) visit(entry);
  };
  visit(state);
  return found;
}
