import { checkOptions, checkPositive, checkPositiveInteger, checkSigmaLadder, invalidOption } from '@diffusion/core';

/** Options of {@link coordinateSearchLadder}. */
export interface CoordinateSearchOptions {
  /** First step in log-sigma (default 0.4, a factor e^0.4 = 1.49 on sigma). */
  readonly delta?: number;
  /** The search stops once the step has halved below this (default 0.05). */
  readonly minimumDelta?: number;
  /** Most sweeps over the interior sigmas (default 10). */
  readonly maxSweeps?: number;
  /** Most loss evaluations, the start's included (default 400). */
  readonly maxEvaluations?: number;
  /** Smallest non-zero sigma a move may reach (default 1e-4). */
  readonly sigmaFloor?: number;
  /** The start's loss when the caller has it already (saves one evaluation; not counted). */
  readonly startLoss?: number;
}

/** What {@link coordinateSearchLadder} found. */
export interface CoordinateSearchResult {
  /** The best ladder seen (falling, ending in 0; the first sigma is the start's). */
  readonly ladder: Float64Array;
  /** Its loss. */
  readonly loss: number;
  /** The start's loss. */
  readonly startLoss: number;
  /** Loss evaluations spent, the start's included unless `startLoss` was given. */
  readonly evaluations: number;
  /** Sweeps run. */
  readonly sweeps: number;
}

/**
 * Coordinate search over the interior log-sigmas of a ladder (a pattern search in the spirit of
 * "Align Your Steps", Sabour et al. 2024, which also optimises only the interior of a fixed-length
 * ladder): the first sigma and the final 0 stay; each interior sigma, the last non-zero one
 * included, moves by a factor `e^(±delta)` while it stays strictly between its neighbours, and
 * the first move that lowers the loss is kept; `delta` halves after a sweep without progress.
 * `loss` must be deterministic (fixed noise); a non-finite loss counts as worse than any finite one.
 */
export function coordinateSearchLadder(start: ArrayLike<number>, loss: (ladder: Float64Array) => number, options?: CoordinateSearchOptions): CoordinateSearchResult {
  const given = checkOptions('coordinateSearchLadder.options', options, ['delta', 'minimumDelta', 'maxSweeps', 'maxEvaluations', 'sigmaFloor', 'startLoss']);
  let ladder = checkSigmaLadder('coordinateSearchLadder.start', start, 2);
  if (typeof loss !== 'function') throw invalidOption('coordinateSearchLadder.loss', loss, 'a function (ladder) => number');
  let delta = checkPositive('coordinateSearchLadder.delta', given.delta ?? 0.4);
  const minimumDelta = checkPositive('coordinateSearchLadder.minimumDelta', given.minimumDelta ?? 0.05);
  const maxSweeps = checkPositiveInteger('coordinateSearchLadder.maxSweeps', given.maxSweeps ?? 10);
  const maxEvaluations = checkPositiveInteger('coordinateSearchLadder.maxEvaluations', given.maxEvaluations ?? 400);
  const sigmaFloor = checkPositive('coordinateSearchLadder.sigmaFloor', given.sigmaFloor ?? 1e-4);
  const score = (candidate: Float64Array) => {
    const value = loss(candidate);
    return Number.isFinite(value) ? value : Number.POSITIVE_INFINITY;
  };
  const known = given.startLoss;
  if (known !== undefined && typeof known !== 'number') throw invalidOption('coordinateSearchLadder.startLoss', known, 'a number');
  let best = known === undefined ? score(ladder) : Number.isFinite(known) ? known : Number.POSITIVE_INFINITY;
  const startLoss = best;
  let evaluations = known === undefined ? 1 : 0;
  let sweeps = 0;
  const last = ladder.length - 2; // the last non-zero sigma
  while (sweeps < maxSweeps && delta >= minimumDelta && evaluations < maxEvaluations) {
    sweeps += 1;
    let improved = false;
    for (let index = 1; index <= last && evaluations < maxEvaluations; index += 1) {
      for (const direction of [-1, 1]) {
        if (evaluations >= maxEvaluations) break;
        const moved = ladder[index]! * Math.exp(direction * delta);
        const upper = ladder[index - 1]!;
        const lower = index < last ? ladder[index + 1]! : 0;
        // Strictly between the neighbours, with a margin so that no step has zero length.
        if (!(moved < upper * (1 - 1e-3) && moved > Math.max(lower * (1 + 1e-3), sigmaFloor))) continue;
        const candidate = Float64Array.from(ladder);
        candidate[index] = moved;
        const value = score(candidate);
        evaluations += 1;
        if (value < best) {
          best = value;
          ladder = candidate;
          improved = true;
          break;
        }
      }
    }
    if (!improved) delta /= 2;
  }
  return { ladder, loss: best, startLoss, evaluations, sweeps };
}
