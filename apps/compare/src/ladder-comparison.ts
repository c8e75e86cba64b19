import type { CompareResults, SampleResult } from './results';

/** One row of the tuned-against-standard table of a `ladder: "tuned"` run. */
export interface LadderComparisonRow {
  readonly run: string;
  readonly sampler: string;
  readonly nfe: number;
  /** The metric compared: sliced W1 (points) or the classifier Fréchet distance (images). */
  readonly metric: string;
  /** Every standard ladder's figure, by name. */
  readonly standard: Readonly<Record<string, number>>;
  /** The best standard ladder and its figure. */
  readonly bestStandard: { readonly ladder: string; readonly value: number };
  readonly tuned: number;
  /** tuned / best standard − 1 (negative: the tuned ladder is better). */
  readonly change: number;
  /** The ladder the search started from, and whether the check noise accepted the result. */
  readonly start: string;
  readonly accepted: boolean;
  /** Mean tuned − start over the check noises and its standard error (NaN in results written before the paired check). */
  readonly checkDifference: number;
  readonly checkStandardError: number;
}

/** The primary quality figure of a cell: sliced W1 for points, the Fréchet distance for images. */
function primary(sample: SampleResult): { metric: string; value: number } | undefined {
  if (sample.slicedWasserstein !== undefined) return { metric: 'sliced W1', value: sample.slicedWasserstein };
  if (sample.frechetDistance !== undefined) return { metric: 'Fréchet (classifier)', value: sample.frechetDistance };
  if (sample.mmd !== undefined) return { metric: 'MMD²', value: sample.mmd };
  return undefined;
}

/** Tuned against standard ladders, per run, sampler and NFE (empty unless the run used `ladder: "tuned"`). */
export function ladderComparison(results: Pick<CompareResults, 'runs'>): LadderComparisonRow[] {
  const rows: LadderComparisonRow[] = [];
  for (const run of results.runs) {
    for (const tuned of run.samples.filter((sample) => sample.ladder === 'tuned' && sample.tuning !== undefined)) {
      const figure = primary(tuned);
      if (figure === undefined) continue;
      const standard: Record<string, number> = {};
      for (const cell of run.samples) {
        if (cell.sampler !== tuned.sampler || cell.nfe !== tuned.nfe || cell.ladder === undefined || cell.ladder === 'tuned') continue;
        standard[cell.ladder] = primary(cell)?.value ?? Number.NaN;
      }
      const best = Object.entries(standard).filter(([, value]) => Number.isFinite(value)).reduce<[string, number]>((a, b) => (b[1] < a[1] ? b : a), ['–', Number.POSITIVE_INFINITY]);
      rows.push({
        run: `${run.parameterisation} · ${run.weighting}`,
        sampler: tuned.sampler,
        nfe: tuned.nfe,
        metric: figure.metric,
        standard,
        bestStandard: { ladder: best[0], value: best[1] },
        tuned: figure.value,
        change: figure.value / best[1] - 1,
        start: tuned.tuning!.start,
        accepted: tuned.tuning!.accepted,
        checkDifference: tuned.tuning!.checkLoss.difference ?? Number.NaN,
        checkStandardError: tuned.tuning!.checkLoss.standardError ?? Number.NaN,
      });
    }
  }
  return rows;
}
