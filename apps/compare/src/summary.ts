import { guidanceSummaryRows } from './guidance/guidance-summary';
import { ladderComparison } from './ladder-comparison';
import type { CompareResults } from './results';

/** Prints the final table to stdout: one row per (run, sampler, NFE). */
export function printSummary(results: CompareResults): void {
  const rows = results.runs.flatMap((run) =>
    run.samples.map((sample) => ({
      parameterisation: run.parameterisation,
      weighting: run.weighting,
      sampler: sample.sampler,
      ...(sample.ladder === undefined ? {} : { ladder: sample.ladder }),
      NFE: sample.nfe,
      ...(sample.slicedWasserstein === undefined ? {} : { 'sliced W1': Number(sample.slicedWasserstein.toPrecision(4)) }),
      ...(sample.mmd === undefined ? {} : { 'MMD²': Number(sample.mmd.toPrecision(3)) }),
      ...(sample.frechetDistance === undefined ? {} : { Fréchet: Number(sample.frechetDistance.toPrecision(4)) }),
      ...(sample.classifierConfidence === undefined ? {} : { confidence: Number(sample.classifierConfidence.toPrecision(3)) }),
      ...(run.nllBound === undefined ? {} : { [`NLL bound (${results.nllUnit})`]: Number(run.nllBound.toPrecision(4)) }),
      ...(run.odeNll === undefined ? {} : { [`ODE NLL (${results.nllUnit})`]: Number(run.odeNll.value.toPrecision(4)) }),
      'final loss': Number(run.finalLoss.toPrecision(4)),
      'train s': run.sameAs === undefined ? Number(run.trainSeconds.toFixed(1)) : `= ${run.sameAs}`,
    })),
  );
  console.log(`\n${results.complete ? '' : '(interrupted) '}wall clock ${results.wallClockSeconds.toFixed(1)} s on ${results.backend}${results.dataNll === undefined ? '' : `; true NLL of held-out data ${results.dataNll.toFixed(4)} nats/point`}${results.referenceQuality?.frechetDistance === undefined ? '' : `; held-out real digits: Fréchet ${results.referenceQuality.frechetDistance.toPrecision(4)}, confidence ${results.referenceQuality.classifierConfidence?.toPrecision(3)}`}${results.exactNllBound === undefined ? '' : `, NLL bound of the exact denoiser ${results.exactNllBound.toFixed(4)}`}${results.exactOdeNll === undefined ? '' : `, its ODE NLL ${results.exactOdeNll.value.toFixed(4)}${results.exactOdeNll.dataNll === undefined ? '' : ` (true NLL of those ${results.exactOdeNll.points} points ${results.exactOdeNll.dataNll.toFixed(4)})`}`}`);
  const ode = results.exactOdeNll ?? results.runs.find((run) => run.odeNll !== undefined)?.odeNll;
  if (ode !== undefined) console.log(`ODE NLL: probability-flow ODE from sigma ${ode.sigmaMin.toPrecision(3)} to ${ode.sigmaMax.toPrecision(4)}, Dormand-Prince rtol = atol = ${ode.rtol}, ${ode.divergence} divergence${ode.probes === undefined ? '' : ` (${ode.probes} Rademacher probe)`}, ${ode.points} held-out ${ode.dequantised === true ? 'digits, uniformly dequantised (+7 bits/dim offset)' : 'points'}; NFE per run: ${results.runs.filter((run) => run.sameAs === undefined && run.odeNll !== undefined).map((run) => `${run.id} ${run.odeNll!.nfe}`).join(', ')}${results.exactOdeNll === undefined ? '' : `, exact denoiser ${results.exactOdeNll.nfe}`}`);
  console.table(rows);
  const guided = guidanceSummaryRows(results);
  if (guided.length > 0) {
    console.log('\nguidance (balanced requested labels; w = 1 is the conditional model, the rows above the unconditional one):');
    console.table(guided);
  }
  const tuned = ladderComparison(results);
  if (tuned.length > 0) {
    console.log(`\ntuned ladders against the standard ones (${tuned[0]!.metric}, lower is better; tuned on data outside the evaluation set, measured on the run's sampling noise):`);
    console.table(tuned.map((row) => ({ run: row.run, sampler: row.sampler, NFE: row.nfe, ...Object.fromEntries(Object.entries(row.standard).map(([name, value]) => [name, Number(value.toPrecision(4))])), tuned: Number(row.tuned.toPrecision(4)), 'vs best standard': `${(100 * row.change).toFixed(1)}%`, 'started from': row.start, accepted: row.accepted, 'check tuned − start': Number.isFinite(row.checkDifference) ? `${row.checkDifference.toPrecision(2)} ± ${row.checkStandardError.toPrecision(2)}` : '–' })));
  }
}
