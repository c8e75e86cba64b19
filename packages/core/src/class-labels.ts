import { invalidOption } from './errors';

/**
 * Checks class labels: integers in `[0, numClasses)`, or in `[0, numClasses]` when `nullClass` is
 * set (index `numClasses` is the null class of classifier-free guidance). Returns them as an
 * `Int32Array`; throws a DiffusionError naming the first bad entry.
 */
export function checkClassLabels(field: string, labels: unknown, numClasses: number, options: { readonly nullClass?: boolean } = {}): Int32Array {
  const isArrayLike = Array.isArray(labels) || (ArrayBuffer.isView(labels) && !(labels instanceof DataView));
  if (!isArrayLike) throw invalidOption(field, labels, 'an array of integer class labels', 'invalid-argument');
  const top = options.nullClass === true ? numClasses : numClasses - 1;
  const allowed = options.nullClass === true ? `an integer class label in [0, ${numClasses}] (${numClasses} is the null class)` : `an integer class label in [0, ${numClasses})`;
  const values = labels as ArrayLike<number>;
  const out = new Int32Array(values.length);
  for (let index = 0; index < values.length; index += 1) {
    const label = values[index]!;
    if (typeof label !== 'number' || !Number.isInteger(label) || label < 0 || label > top) throw invalidOption(`${field}[${index}]`, label, allowed, 'invalid-argument');
    out[index] = label;
  }
  return out;
}
