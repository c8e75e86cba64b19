import type { PointArray } from './metric-points';

/** Squared Euclidean distance between row `i` of `a` and row `j` of `b`. */
export function squaredDistance(a: PointArray, i: number, b: PointArray, j: number): number {
  let total = 0;
  for (let axis = 0; axis < a.dimension; axis += 1) {
    const difference = a.data[i * a.dimension + axis]! - b.data[j * b.dimension + axis]!;
    total += difference * difference;
  }
  return total;
}

/** Mean of `f(|x_i - y_j|^2)` over all pairs, or over pairs i != j when `a` and `b` are the same sample (a U-statistic). */
export function meanOverPairs(a: PointArray, b: PointArray, f: (squared: number) => number): number {
  const same = a === b;
  let total = 0;
  for (let i = 0; i < a.count; i += 1) {
    for (let j = same ? i + 1 : 0; j < b.count; j += 1) total += f(squaredDistance(a, i, b, j));
  }
  return same ? (2 * total) / (a.count * (a.count - 1)) : total / (a.count * b.count);
}
