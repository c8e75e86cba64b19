import { checkOptions, checkPositive, checkPositiveInteger } from '@diffusion/core';
import { ownDimension, toPointArray, type PointArray, type Points } from './metric-points';
import { meanOverPairs, squaredDistance } from './pairwise-distances';

/** Options of {@link maximumMeanDiscrepancy}. */
export interface MaximumMeanDiscrepancyOptions {
  /** RBF length scale h in `k(x, y) = exp(-|x - y|^2 / (2 h^2))`; default the median heuristic. */
  readonly bandwidth?: number;
  /** Point dimension, needed only when both inputs are flat arrays. */
  readonly dimension?: number;
}

/**
 * The median heuristic (Gretton et al. 2012, section 8): the median Euclidean distance between
 * distinct points of the pooled sample, computed on at most the first 1,000 points of each.
 */
export function medianHeuristicBandwidth(x: Points, y: Points, options: { readonly dimension?: number } = {}): number {
  checkOptions('medianHeuristicBandwidth', options, ['dimension']);
  const [a, b] = readPair('medianHeuristicBandwidth', x, y, options.dimension, 1);
  return medianBandwidth(a, b);
}

function medianBandwidth(a: PointArray, b: PointArray): number {
  const take = (points: PointArray): PointArray => ({ ...points, count: Math.min(points.count, 1_000) });
  const rows: [PointArray, number][] = [];
  for (const points of [take(a), take(b)]) for (let i = 0; i < points.count; i += 1) rows.push([points, i]);
  const distances = new Float64Array((rows.length * (rows.length - 1)) / 2);
  let index = 0;
  for (let i = 0; i < rows.length; i += 1) {
    for (let j = i + 1; j < rows.length; j += 1) distances[index++] = squaredDistance(rows[i]![0], rows[i]![1], rows[j]![0], rows[j]![1]);
  }
  distances.sort();
  const half = distances.length >> 1;
  const median = distances.length % 2 === 1 ? distances[half]! : 0.5 * (distances[half - 1]! + distances[half]!);
  return Math.sqrt(median) || 1;
}

function readPair(name: string, x: Points, y: Points, dimension: number | undefined, minimumCount = 2): [PointArray, PointArray] {
  const width = ownDimension(x) ?? ownDimension(y) ?? (dimension === undefined ? undefined : checkPositiveInteger(`${name}.dimension`, dimension));
  return [toPointArray(`${name}.x`, x, width, minimumCount), toPointArray(`${name}.y`, y, width, minimumCount)];
}

/**
 * Squared maximum mean discrepancy with the RBF kernel, unbiased U-statistic MMD^2_u (Gretton et
 * al. 2012, eq. 3). It can be slightly negative when the distributions agree. O(m n) time;
 * tensors are read, not disposed.
 */
export function maximumMeanDiscrepancy(x: Points, y: Points, options: MaximumMeanDiscrepancyOptions = {}): number {
  checkOptions('maximumMeanDiscrepancy', options, ['bandwidth', 'dimension']);
  const [a, b] = readPair('maximumMeanDiscrepancy', x, y, options.dimension);
  const bandwidth = options.bandwidth === undefined ? medianBandwidth(a, b) : checkPositive('maximumMeanDiscrepancy.bandwidth', options.bandwidth);
  const scale = -0.5 / (bandwidth * bandwidth);
  const kernel = (squared: number): number => Math.exp(scale * squared);
  return meanOverPairs(a, a, kernel) + meanOverPairs(b, b, kernel) - 2 * meanOverPairs(a, b, kernel);
}
