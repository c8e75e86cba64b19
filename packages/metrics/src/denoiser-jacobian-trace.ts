import { describeValue, DiffusionError, type Denoiser } from '@diffusion/core';
import { concat, dispose as disposeTensors, mul, reshape, slice, Tensor, tensor, tidy, valueAndGrad } from '@tensorflow/tfjs-core';

/** The denoiser's output at a batch and the trace of its Jacobian per row. */
export interface DenoiserJacobianTrace {
  /** `D(x; sigma)`, row-major `[n * d]` (float64 copy of the float32 output). */
  readonly denoised: Float64Array;
  /** `tr(dD/dx)` of each row, exact or a Hutchinson estimate, `[n]`. */
  readonly trace: Float64Array;
}

/** Runs `body`; a missing tfjs gradient becomes a DiffusionError that says how to register them. */
function withGradientHint<T>(name: string, body: () => T): T {
  try {
    return body();
  } catch (error) {
    if (error instanceof Error && /gradient function not found/.test(error.message)) {
      throw new DiffusionError(
        'invalid-argument',
        `${name}: the denoiser's tfjs gradients are missing (${error.message}). Import "@tensorflow/tfjs" or "@tensorflow/tfjs-layers" once, or \`import "@tensorflow/tfjs-core/dist/register_all_gradients"\`, before computing a likelihood.`,
        { field: `${name}.denoiser`, allowed: 'a denoiser made of ops with registered tfjs gradients', cause: error },
      );
    }
    throw error;
  }
}

/**
 * `D(x; sigma)` and `sum_j w_j^T (dD/dx) w_j` per row for the given weight vectors, each block of
 * directions in one reverse-mode pass: the batch is repeated once per direction, and the
 * vector-Jacobian product `w^T J` of each copy (the gradient of `<w, D(x)>`) is dotted with `w`.
 * Rows must not interact (the denoiser of one point may not read another's), which holds for
 * MLPs and U-Nets without batch statistics. `directions(k)` returns the k-th direction for all rows,
 * `[n * d]` row-major, `scale` multiplies the sum. `maxRows` bounds the rows of one model call.
 */
export function directionalJacobianTrace(
  name: string,
  denoiser: Denoiser,
  x: Tensor,
  sigma: number,
  directionCount: number,
  directions: (k: number) => Float32Array,
  scale: number,
  maxRows: number,
): DenoiserJacobianTrace {
  const rows = x.shape[0]!;
  const dimension = x.size / rows;
  const trace = new Float64Array(rows);
  let denoised: Float64Array | undefined;
  const perCall = Math.max(1, Math.floor(maxRows / rows));
  for (let first = 0; first < directionCount; first += perCall) {
    const count = Math.min(perCall, directionCount - first);
    const weights = new Float32Array(count * rows * dimension);
    for (let k = 0; k < count; k += 1) weights.set(directions(first + k), k * rows * dimension);
    // A wrong output shape is reported after the gradient pass: tfjs leaks the tensors of a
    // function that throws inside valueAndGrad, so the function returns a stand-in instead.
    const wrong: { found: boolean; shape?: unknown } = { found: false };
    const [value, gradient] = withGradientHint(name, () => tidy(() => {
      const repeated = count === 1 ? x : concat(Array.from({ length: count }, () => x), 0);
      const cotangent = tensor(weights, repeated.shape, 'float32');
      const result = valueAndGrad((input: Tensor) => {
        const output = denoiser(input, sigma);
        if (output instanceof Tensor && output.shape.join(',') === input.shape.join(',')) return output;
        wrong.found = true;
        wrong.shape = output instanceof Tensor ? output.shape : output;
        return mul(input, 0);
      })(repeated, cotangent);
      // Only the first copy's value is needed: D(x) of the original rows.
      return [slice(reshape(result.value, [-1]), 0, rows * dimension), result.grad];
    }));
    if (wrong.found) {
      disposeTensors([value, gradient]);
      const shape = wrong.shape;
      const expected = `[${[count * rows, ...x.shape.slice(1)].join(', ')}]`;
      throw new DiffusionError('shape-mismatch', `${name}.denoiser: returned ${Array.isArray(shape) ? `shape [${shape.join(', ')}]` : describeValue(shape)} at sigma ${sigma}; expected a tensor of shape ${expected} like x.`, { field: `${name}.denoiser`, value: shape, allowed: expected });
    }
    const values = value.dataSync();
    const products = gradient.dataSync();
    value.dispose();
    gradient.dispose();
    denoised ??= Float64Array.from(values);
    for (let k = 0; k < count; k += 1) {
      for (let row = 0; row < rows; row += 1) {
        let sum = 0;
        const offset = (k * rows + row) * dimension;
        for (let axis = 0; axis < dimension; axis += 1) sum += weights[offset + axis]! * products[offset + axis]!;
        trace[row]! += scale * sum;
      }
    }
  }
  return { denoised: denoised!, trace };
}

/**
 * The exact trace of the denoiser's Jacobian, `tr(dD/dx) = sum_i e_i^T (dD/dx) e_i`, from d
 * vector-Jacobian products (one per coordinate, `maxRows / n` of them per model call): the
 * divergence of the probability-flow ODE for low-dimensional data (Chen et al. 2018, FFJORD's
 * "exact trace" baseline). Costs d backward passes per evaluation.
 */
export function exactJacobianTrace(denoiser: Denoiser, x: Tensor, sigma: number, maxRows = 65_536, name = 'exactJacobianTrace'): DenoiserJacobianTrace {
  const rows = x.shape[0]!;
  const dimension = x.size / rows;
  const basis = (axis: number) => {
    const direction = new Float32Array(rows * dimension);
    for (let row = 0; row < rows; row += 1) direction[row * dimension + axis] = 1;
    return direction;
  };
  return directionalJacobianTrace(name, denoiser, x, sigma, dimension, basis, 1, maxRows);
}
