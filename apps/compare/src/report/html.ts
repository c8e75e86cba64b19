import { ladderComparison } from '../ladder-comparison';
import type { CompareResults, RunResult } from '../results';
import type { Picture } from '../setup';
import { barChart, lineChart, scatterChart } from './charts';
import { guidanceSection } from './guidance-section';

/** The denoising trajectory of one run: a few frames from noise to data. */
export interface TrajectoryPicture {
  readonly label: string;
  readonly frames: ReadonlyArray<Picture & { readonly sigma: number }>;
}

/** Point clouds and images shown in the report but too large for results.json. */
export interface ReportVisuals {
  /** Held-out data points (2-D datasets). */
  readonly data?: ReadonlyArray<readonly [number, number]>;
  /** Per run id: samples of its first sampler at the largest NFE. */
  readonly samples: ReadonlyMap<string, Picture & { readonly label: string }>;
  /** Per run id: the trajectory from noise to data. */
  readonly trajectories: ReadonlyMap<string, TrajectoryPicture>;
  /** `--guidance`: per run id, a per-class picture of each guider and scale. */
  readonly guidance?: ReadonlyMap<string, ReadonlyArray<Picture & { readonly label: string }>>;
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
const format = (value: number | undefined, digits = 4): string => (value === undefined || !Number.isFinite(value) ? '–' : value < 1e-3 || value >= 1e4 ? value.toExponential(2) : value.toPrecision(digits));
const formatSigned = (value: number): string => (Number.isFinite(value) ? `${value < 0 ? '−' : '+'}${format(Math.abs(value), 2)}` : '–');
const runLabel = (run: RunResult): string => `${run.parameterisation} · ${run.weighting}`;

function resultsTable(results: CompareResults): string {
  const withImages = results.runs.some((run) => run.samples.some((sample) => sample.frechetDistance !== undefined));
  const quality = withImages ? ['Fréchet (classifier)', 'confidence'] : ['sliced W1', 'MMD²'];
  const ode = results.runs.some((run) => run.odeNll !== undefined);
  const header = ['run', 'sampler', 'NFE', ...quality, `NLL bound (${results.nllUnit})`, ...(ode ? [`ODE NLL (${results.nllUnit})`] : []), 'final loss', 'train s'];
  const rows = results.runs.flatMap((run) =>
    run.samples.map((sample) => [
      runLabel(run),
      sample.ladder === undefined ? sample.sampler : `${sample.sampler} · ${sample.ladder}`,
      String(sample.nfe),
      ...(withImages ? [format(sample.frechetDistance), format(sample.classifierConfidence, 3)] : [format(sample.slicedWasserstein), format(sample.mmd)]),
      format(run.nllBound),
      ...(ode ? [format(run.odeNll?.value)] : []),
      format(run.finalLoss),
      run.sameAs === undefined ? run.trainSeconds.toFixed(1) : `= ${run.sameAs}`,
    ]),
  );
  const primary = (sample: RunResult['samples'][number]): number => (withImages ? sample.frechetDistance : sample.slicedWasserstein) ?? Number.POSITIVE_INFINITY;
  const best = format(Math.min(...results.runs.flatMap((run) => run.samples.map(primary))));
  const reference = results.referenceQuality;
  const referenceRow = reference === undefined ? '' : `<p>Held-out real data on the same metric: ${withImages ? `Fréchet distance ${format(reference.frechetDistance)} (held-out vs train digits), classifier confidence ${format(reference.classifierConfidence, 3)}` : `sliced W1 ${format(reference.slicedWasserstein)}`}.</p>`;
  const first = results.exactOdeNll ?? results.runs.find((run) => run.odeNll !== undefined)?.odeNll;
  const odeRow = first === undefined ? '' : `<p>${escapeHtml(`ODE NLL: the model's exact NLL of ${first.points} held-out ${first.dequantised === true ? 'digits, uniformly dequantised (bits/dim with the 7-bit offset, an upper bound on the discrete NLL)' : 'points'} through the probability-flow ODE from sigma ${first.sigmaMin.toPrecision(3)} to ${first.sigmaMax.toPrecision(4)} (odeLogLikelihood: Dormand-Prince, rtol = atol = ${first.rtol}, ${first.divergence} divergence${first.probes === undefined ? '' : `, ${first.probes} Rademacher probe per example`}); NFE ${results.runs.filter((run) => run.sameAs === undefined && run.odeNll !== undefined).map((run) => `${runLabel(run)} ${run.odeNll!.nfe}`).join(', ')}${results.exactOdeNll === undefined ? '' : `; the exact denoiser's ODE NLL ${format(results.exactOdeNll.value)} (NFE ${results.exactOdeNll.nfe}) against the true NLL of those points ${format(results.exactOdeNll.dataNll ?? results.dataNll)} and its discrete bound ${format(results.exactNllBound)}`}.`)}</p>`;
  return `<table><thead><tr>${header.map((cell) => `<th>${escapeHtml(cell)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((row) => `<tr${row[3] === best ? ' class="best"' : ''}>${row.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>${referenceRow}${odeRow}`;
}

/** `ladder: "tuned"`: the tuned ladder beside the standard ones it started from, per run, sampler and NFE. */
function ladderTable(results: CompareResults): string {
  const rows = ladderComparison(results);
  if (rows.length === 0) return '';
  const names = [...new Set(rows.flatMap((row) => Object.keys(row.standard)))];
  const header = ['run', 'sampler', 'NFE', ...names, 'tuned', 'vs best standard', 'started from', 'accepted on check noise (tuned − start ± SE)'];
  const body = rows.map((row) => [row.run, row.sampler, String(row.nfe), ...names.map((name) => format(row.standard[name])), format(row.tuned), `${(100 * row.change).toFixed(1)}%`, row.start, `${row.accepted ? 'yes' : 'no (start kept)'}: ${formatSigned(row.checkDifference)} ± ${format(row.checkStandardError)}`]);
  return `<h2>Tuned ladders</h2><p>${escapeHtml(`${rows[0]!.metric} (lower is better) of each sampler on the standard ladders and on a ladder tuned for it at that NFE by tuneLadder (@diffusion/ladder-tuning): tuned on data outside the evaluation set and its own noise, checked on four other noises (accepted only when lower there by more than two standard errors of the paired difference), measured here on the run's sampling noise like the others.`)}</p><table><thead><tr>${header.map((cell) => `<th>${escapeHtml(cell)}</th>`).join('')}</tr></thead><tbody>${body.map((row) => `<tr>${row.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

function figure(id: string, caption: string, svg: string): string {
  return `<figure id="${id}" class="plot">${svg}<figcaption>${escapeHtml(caption)}</figcaption></figure>`;
}

/** The self-contained HTML report (inline SVG charts, inline PNG images; opens offline). */
export function renderReport(results: CompareResults, visuals: ReportVisuals): string {
  // Runs that repeat another (same parameterisation, same effective weighting) are listed in the table only.
  const runs = results.runs.filter((run) => run.sameAs === undefined);
  const lossChart = lineChart({ title: 'Training loss (EMA-smoothed)', xName: 'step', yName: 'loss', logY: true, series: runs.map((run) => ({ name: runLabel(run), points: run.lossCurve })) });
  const bayes = runs[0]?.profile.every((bin) => bin.bayesEpsMse !== undefined) ? [{ name: 'Bayes-optimal (exact denoiser)', dashed: true, points: runs[0]!.profile.map((bin) => [bin.logSnr, bin.bayesEpsMse!] as const) }] : [];
  const profileChart = lineChart({ title: 'Per-time loss: eps-MSE of held-out points against log-SNR', xName: 'log-SNR', yName: 'eps-MSE', logY: true, series: [...runs.map((run) => ({ name: runLabel(run), points: run.profile.map((bin) => [bin.logSnr, bin.epsMse] as const) })), ...bayes] });
  const images = runs.some((run) => run.samples.some((sample) => sample.frechetDistance !== undefined));
  const qualityOf = (sample: RunResult['samples'][number]): number => (images ? sample.frechetDistance : sample.slicedWasserstein) ?? Number.NaN;
  const qualityChart = lineChart({
    title: 'Sample quality against network evaluations',
    xName: 'NFE',
    yName: images ? 'Fréchet distance (classifier features)' : 'sliced W1',
    logX: true,
    logY: true,
    series: runs.flatMap((run) => {
      const seriesOf = (sample: RunResult['samples'][number]): string => (sample.ladder === undefined ? sample.sampler : `${sample.sampler} · ${sample.ladder}`);
      const samplers = [...new Set(run.samples.map(seriesOf))];
      return samplers.map((sampler) => ({ name: `${runLabel(run)} · ${sampler}`, points: run.samples.filter((sample) => seriesOf(sample) === sampler).map((sample) => [sample.nfe, qualityOf(sample)] as const) }));
    }),
  });
  const nllChart = runs.some((run) => run.nllBound !== undefined)
    ? barChart({
        title: `NLL bound${runs.some((run) => run.odeNll !== undefined) ? ' and ODE NLL' : ''} on held-out data${results.dataNll === undefined ? '' : ` (true NLL ${format(results.dataNll)}; exact denoiser's bound ${format(results.exactNllBound)})`}`,
        categories: [...runs.map(runLabel), ...(results.exactNllBound === undefined ? [] : ['exact denoiser'])],
        yName: results.nllUnit,
        logY: runs.some((run) => (run.nllBound ?? 0) > 100 * Math.max(1e-9, Math.min(...runs.map((other) => other.nllBound ?? Number.POSITIVE_INFINITY)))),
        series: [
          { name: 'negative ELBO', values: [...runs.map((run) => run.nllBound ?? Number.NaN), ...(results.exactNllBound === undefined ? [] : [results.exactNllBound])] },
          ...(runs.some((run) => run.odeNll !== undefined) ? [{ name: 'ODE NLL', values: [...runs.map((run) => run.odeNll?.value ?? Number.NaN), ...(results.exactNllBound === undefined ? [] : [results.exactOdeNll?.value ?? Number.NaN])] }] : []),
        ],
      })
    : '';
  const sampleFigures = runs
    .map((run) => {
      const entry = visuals.samples.get(run.id);
      if (entry === undefined) return '';
      if (entry.imagePng !== undefined) return `<figure class="grid" id="samples-${run.id}"><img alt="samples of ${escapeHtml(runLabel(run))}" src="${entry.imagePng}"><figcaption>${escapeHtml(`${runLabel(run)} — ${entry.label}`)}</figcaption></figure>`;
      const series = [...(visuals.data === undefined ? [] : [{ name: 'data', points: visuals.data, color: '#bbbbbb' }]), { name: 'samples', points: entry.points ?? [], color: '#c23531' }];
      return figure(`samples-${run.id}`, `${runLabel(run)} — ${entry.label}`, scatterChart({ title: runLabel(run), series }));
    })
    .join('');
  const trajectoryFigures = runs
    .map((run) => {
      const entry = visuals.trajectories.get(run.id);
      if (entry === undefined) return '';
      const frames = entry.frames
        .map((frame) =>
          frame.imagePng !== undefined
            ? `<figure class="grid"><img alt="sigma ${format(frame.sigma, 3)}" src="${frame.imagePng}"><figcaption>sigma ${format(frame.sigma, 3)}</figcaption></figure>`
            : scatterChart({ title: `sigma ${format(frame.sigma, 3)}`, width: 170, height: 170, range: 4, series: [{ name: 'x', points: frame.points ?? [], size: 1.5, color: '#2f4554' }] }),
        )
        .join('');
      return `<div class="strip" id="trajectory-${run.id}"><h3>${escapeHtml(`${runLabel(run)} — ${entry.label}`)}</h3><div class="frames">${frames}</div></div>`;
    })
    .join('');
  const config = escapeHtml(JSON.stringify(results.config, null, 2));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>diffusion-compare report</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1200px;color:#222;padding:0 16px}
table{border-collapse:collapse;margin:12px 0}td,th{border:1px solid #ddd;padding:4px 8px;text-align:right}th{background:#f4f4f4}
td:first-child,td:nth-child(2){text-align:left}tr.best{background:#eaf6ea;font-weight:600}
.plots{display:flex;flex-wrap:wrap;gap:12px}.frames{display:flex;flex-wrap:wrap;gap:4px}figure{margin:0}figcaption{font-size:12px;color:#555;text-align:center}
pre{background:#f7f7f7;padding:8px;overflow:auto;font-size:12px}.grid img{image-rendering:pixelated;width:280px}
</style></head><body>
<h1>Parameterisations compared</h1>
<p>Dataset <b>${escapeHtml(results.config.dataset)}</b>, schedule <b>${escapeHtml(results.config.schedule)}</b>, ${results.config.steps} training steps of batch ${results.config.batch}, backend <b>${escapeHtml(results.backend)}</b>, seed ${results.config.seed}. Wall clock ${results.wallClockSeconds.toFixed(1)} s.${results.complete ? '' : ` <b>Interrupted: this report covers the runs that finished.</b>${results.notRun === undefined || results.notRun.length === 0 ? '' : ` Runs not run (or not finished): ${escapeHtml(results.notRun.join(', '))}.`}`}</p>
<p>Every run trains the same backbone from the same initial weights on the same seeded batches, times and noise; only the output parameterisation and the loss weighting differ. "natural" is each parameterisation's own MSE (as weights on eps-MSE: x0-MSE = eps-MSE / SNR, eps: 1, v-MSE = (1 + 1/SNR) × eps-MSE); any other weighting is held fixed across parameterisations, so output parameterisation and effective loss weighting are told apart. All samplers start from the same initial noise.</p>
<h2>Results</h2>${resultsTable(results)}${ladderTable(results)}${guidanceSection(results, visuals.guidance)}
<h2>Plots</h2><div class="plots">${figure('plot-loss', 'training loss', lossChart)}${figure('plot-profile', 'which steps are hard', profileChart)}${figure('plot-quality', 'quality per NFE', qualityChart)}${nllChart === '' ? '' : figure('plot-nll', 'likelihood bound', nllChart)}</div>
<h2>Samples</h2><div class="plots">${sampleFigures}</div>
<h2>Denoising trajectories</h2>${trajectoryFigures}
<h2>Configuration</h2><pre>${config}</pre>
</body></html>
`;
}
