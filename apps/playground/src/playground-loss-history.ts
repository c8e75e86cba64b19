/** The per-step losses of a training run, with the summaries the page plots and exposes. */
export interface LossHistory {
  /** Appends the loss of the next step (non-finite losses are refused by the trainer before they get here). */
  push(loss: number): void;
  /** Steps recorded. */
  readonly length: number;
  /** Mean of the first `count` losses (NaN when empty). */
  firstMean(count: number): number;
  /** Mean of the last `count` losses (NaN when empty). */
  recentMean(count: number): number;
  /**
   * At most `points` points `[step, mean loss of the bucket]` covering the whole run: the steps are
   * split into equal buckets and each bucket is averaged, so a long run plots in constant time.
   */
  curve(points: number): Array<[number, number]>;
  /** Forgets every loss. */
  clear(): void;
}

/** A growable loss history (float64, doubling storage). */
export function createLossHistory(): LossHistory {
  let values = new Float64Array(1024);
  let length = 0;
  const mean = (from: number, to: number): number => {
    if (to <= from) return Number.NaN;
    let total = 0;
    for (let index = from; index < to; index += 1) total += values[index]!;
    return total / (to - from);
  };
  return {
    push(loss) {
      if (length === values.length) {
        const grown = new Float64Array(values.length * 2);
        grown.set(values);
        values = grown;
      }
      values[length] = loss;
      length += 1;
    },
    get length() {
      return length;
    },
    firstMean: (count) => mean(0, Math.min(length, Math.max(0, count))),
    recentMean: (count) => mean(Math.max(0, length - Math.max(0, count)), length),
    curve(points) {
      const buckets = Math.max(1, Math.min(length, Math.floor(points)));
      const out: Array<[number, number]> = [];
      if (length === 0) return out;
      for (let bucket = 0; bucket < buckets; bucket += 1) {
        const from = Math.floor((bucket * length) / buckets);
        const to = Math.floor(((bucket + 1) * length) / buckets);
        // Plot each bucket at its last step (1-based), so the final point sits at the latest step.
        out.push([to, mean(from, to)]);
      }
      return out;
    },
    clear() {
      length = 0;
    },
  };
}
