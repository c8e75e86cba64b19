import { guiderSeriesLabel } from '../report/guidance-section';
import type { CompareResults } from '../results';

/** The `--guidance` rows of a comparison for the final table on stdout: one per (run, sampler, NFE, guider, scale). */
export function guidanceSummaryRows(results: Pick<CompareResults, 'runs'>): Array<Record<string, string | number>> {
  return results.runs.flatMap((run) =>
    (run.guidance ?? []).map((cell) => ({
      run: `${run.parameterisation} · ${run.weighting}`,
      sampler: cell.ladder === undefined ? cell.sampler : `${cell.sampler} · ${cell.ladder}`,
      NFE: cell.nfe,
      'network evals': cell.networkEvaluations,
      guider: guiderSeriesLabel(cell),
      w: cell.guidanceScale,
      ...(cell.fractionInClass === undefined ? {} : { 'in class': Number(cell.fractionInClass.toFixed(3)) }),
      ...(cell.withinClassW1 === undefined ? {} : { 'within-class W1': Number(cell.withinClassW1.toPrecision(4)) }),
      ...(cell.classifierAccuracy === undefined ? {} : { accuracy: Number(cell.classifierAccuracy.toFixed(3)) }),
      ...(cell.frechetDistance === undefined ? {} : { Fréchet: Number(cell.frechetDistance.toPrecision(4)) }),
      ...(cell.classifierConfidence === undefined ? {} : { confidence: Number(cell.classifierConfidence.toFixed(3)) }),
      's': Number(cell.seconds.toFixed(1)),
    })),
  );
}
