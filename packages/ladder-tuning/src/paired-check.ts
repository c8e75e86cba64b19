/** What {@link pairedCheck} decided. */
export interface PairedCheck {
  /** Mean over the check noises of `tuned − start` (negative: the tuned ladder scored lower). */
  readonly difference: number;
  /** Standard error of that mean: the sample standard deviation of the differences over `sqrt(n)`. */
  readonly standardError: number;
  /** Whether `difference + margin × standardError < 0`. */
  readonly accepted: boolean;
}

/**
 * The check of a tuned ladder against its start on `n` independent check noises, each scored with
 * both ladders (common random numbers, so the noise shared by the pair cancels): a one-sided paired
 * comparison of the means, accepting only an improvement larger than `margin` standard errors of the
 * mean difference (Student's paired t statistic `-difference / standardError > margin`). A search
 * that fits its own tuning noise lands within the spread of the check more often than beyond it, so
 * a single same-size check (margin 0, n = 1) accepts about half of the ladders that are no better.
 * A non-finite score counts as worse than any finite one.
 */
export function pairedCheck(start: readonly number[], tuned: readonly number[], margin: number): PairedCheck {
  const n = start.length;
  if (start.some((value) => !Number.isFinite(value)) || tuned.some((value) => !Number.isFinite(value))) {
    const startFinite = start.every(Number.isFinite);
    return { difference: startFinite ? Number.POSITIVE_INFINITY : Number.NaN, standardError: Number.NaN, accepted: false };
  }
  const differences = tuned.map((value, index) => value - start[index]!);
  const difference = differences.reduce((sum, value) => sum + value, 0) / n;
  const variance = n < 2 ? Number.NaN : differences.reduce((sum, value) => sum + (value - difference) ** 2, 0) / (n - 1);
  const standardError = Math.sqrt(variance / n);
  return { difference, standardError, accepted: difference < 0 && difference + margin * standardError < 0 };
}
