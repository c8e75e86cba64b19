// Ranges and roundings computed exactly as numpy and torch compute them, so that timesteps and
// ladders agree with the reference implementations to the last bit where it matters.

/** `torch.linspace(start, end, steps)` in float64 (the symmetric two-sided formula of its CPU kernel). */
export function torchLinspace(start: number, end: number, steps: number): Float64Array {
  const values = new Float64Array(steps);
  if (steps === 1) {
    values[0] = start;
    return values;
  }
  const step = (end - start) / (steps - 1);
  const halfway = Math.floor(steps / 2);
  for (let index = 0; index < steps; index += 1) {
    values[index] = index < halfway ? start + step * index : end - step * (steps - index - 1);
  }
  return values;
}

/** `numpy.linspace(start, stop, num)` (endpoint included): `k * step + start`, last entry exactly `stop`. */
export function numpyLinspace(start: number, stop: number, num: number): Float64Array {
  const values = new Float64Array(num);
  if (num === 1) {
    values[0] = start;
    return values;
  }
  const step = (stop - start) / (num - 1);
  for (let index = 0; index < num; index += 1) values[index] = index * step + start;
  values[num - 1] = stop;
  return values;
}

/** `numpy.arange(start, stop, step)` for floats: length `ceil((stop - start) / step)`, entries `start + i * delta`. */
export function numpyArange(start: number, stop: number, step: number): Float64Array {
  const length = Math.max(0, Math.ceil((stop - start) / step));
  const values = new Float64Array(length);
  if (length === 0) return values;
  values[0] = start;
  if (length === 1) return values;
  values[1] = start + step;
  // numpy fills the rest from the first two entries: delta = (start + step) - start.
  const delta = values[1] - start;
  for (let index = 2; index < length; index += 1) values[index] = start + index * delta;
  return values;
}

/** `numpy.round` / `rint`: round half to even. */
export function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const fraction = value - floor;
  if (fraction > 0.5) return floor + 1;
  if (fraction < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** `numpy.interp(x, [0, 1, …, n - 1], values)`: piecewise-linear, clamped at both ends. */
export function interpolateAtIndex(values: Float64Array, position: number): number {
  const last = values.length - 1;
  if (!(position > 0)) return values[0]!;
  if (position >= last) return values[last]!;
  const low = Math.floor(position);
  const weight = position - low;
  const lowValue = values[low]!;
  if (weight === 0) return lowValue;
  const highValue = values[low + 1]!;
  if (highValue === Infinity) return Infinity;
  return lowValue + weight * (highValue - lowValue);
}

/** Logistic sigmoid `1 / (1 + exp(-x))`, exact at ±Infinity. */
export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}
