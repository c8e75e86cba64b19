import type { GuidanceResult } from '../guidance/guidance-results';
import type { CompareResults, RunResult } from '../results';
import type { Picture } from '../setup';
import { lineChart } from './charts';

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
const format = (value: number | undefined, digits = 4): string => (value === undefined || !Number.isFinite(value) ? '–' : value < 1e-3 || value >= 1e4 ? value.toExponential(2) : value.toPrecision(digits));
const runLabel = (run: RunResult): string => `${run.parameterisation} · ${run.weighting}`;

/** The guider of a cell with the options it was given beyond the defaults it shares with others (`cfg`, `apg{"eta":0}`). */
export function guiderSeriesLabel(cell: GuidanceResult): string {
  const { guidanceScale: _scale, ...options } = cell.options;
  const shown = Object.entries(options).filter(([, value]) => value !== undefined);
  return shown.length === 0 ? cell.guider : `${cell.guider}${JSON.stringify(Object.fromEntries(shown))}`;
}

/** Whether the cells are digits (classifier figures) or points (class share and within-class W1). */
const isDigits = (cells: readonly GuidanceResult[]): boolean => cells.some((cell) => cell.classifierAccuracy !== undefined);

/** The quality-against-guidance axes: accuracy against Fréchet distance (digits), share in class against within-class W1 (points). */
export function guidanceAxes(cells: readonly GuidanceResult[]): { x: (cell: GuidanceResult) => number; y: (cell: GuidanceResult) => number; xName: string; yName: string } {
  return isDigits(cells)
    ? { x: (cell) => cell.frechetDistance ?? Number.NaN, y: (cell) => cell.classifierAccuracy ?? Number.NaN, xName: 'Fréchet distance (classifier features)', yName: 'classifier accuracy vs requested digit' }
    : { x: (cell) => cell.withinClassW1 ?? Number.NaN, y: (cell) => cell.fractionInClass ?? Number.NaN, xName: 'within-class sliced W1', yName: 'fraction in the requested class' };
}

function guidanceTable(results: CompareResults): string {
  const cells = results.runs.flatMap((run) => run.guidance ?? []);
  const digits = isDigits(cells);
  const header = ['run', 'sampler', 'NFE', 'network evaluations', 'guider', 'w', ...(digits ? ['accuracy', 'Fréchet (classifier)', 'confidence'] : ['fraction in class', 'within-class W1']), 'seconds'];
  const rows = results.runs.flatMap((run) =>
    (run.guidance ?? []).map((cell) => [
      runLabel(run),
      cell.ladder === undefined ? cell.sampler : `${cell.sampler} · ${cell.ladder}`,
      String(cell.nfe),
      String(cell.networkEvaluations),
      guiderSeriesLabel(cell),
      String(cell.guidanceScale),
      ...(digits ? [format(cell.classifierAccuracy, 3), format(cell.frechetDistance), format(cell.classifierConfidence, 3)] : [format(cell.fractionInClass, 3), format(cell.withinClassW1)]),
      cell.seconds.toFixed(1),
    ]),
  );
  return `<table><thead><tr>${header.map((cell) => `<th>${escapeHtml(cell)}</th>`).join('')}</tr></thead><tbody>${rows.map((row) => `<tr>${row.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

/** One chart per run: a line per sampler, NFE and guider through its scales, quality against guidance strength. */
function guidanceCharts(runs: readonly RunResult[]): string {
  return runs
    .filter((run) => (run.guidance ?? []).length > 0)
    .map((run) => {
      const cells = run.guidance!;
      const axes = guidanceAxes(cells);
      const seriesOf = (cell: GuidanceResult): string => `${cell.sampler} · ${cell.nfe} NFE · ${guiderSeriesLabel(cell)}`;
      const names = [...new Set(cells.map(seriesOf))];
      const scales = [...new Set(cells.map((cell) => cell.guidanceScale))].sort((a, b) => a - b);
      const chart = lineChart({
        title: `Quality against guidance (w = ${scales.join(', ')}) — ${runLabel(run)}`,
        xName: axes.xName,
        yName: axes.yName,
        series: names.map((name) => ({ name, points: cells.filter((cell) => seriesOf(cell) === name).sort((a, b) => a.guidanceScale - b.guidanceScale).map((cell) => [axes.x(cell), axes.y(cell)] as const) })),
      });
      return `<figure id="plot-guidance-${run.id}" class="plot">${chart}<figcaption>${escapeHtml(`${runLabel(run)}: each line runs through the guidance scales of one guider, in increasing w`)}</figcaption></figure>`;
    })
    .join('');
}

function guidanceGrids(runs: readonly RunResult[], pictures: ReadonlyMap<string, ReadonlyArray<Picture & { readonly label: string }>> | undefined): string {
  return runs
    .map((run) =>
      (pictures?.get(run.id) ?? [])
        .filter((picture) => picture.imagePng !== undefined)
        .map((picture) => `<figure class="grid"><img alt="${escapeHtml(`${runLabel(run)} ${picture.label}`)}" src="${picture.imagePng}"><figcaption>${escapeHtml(`${runLabel(run)} — ${picture.label}`)}</figcaption></figure>`)
        .join(''),
    )
    .join('');
}

/** The report's guidance section (`--guidance`): table, quality-against-guidance charts and per-class grids; empty without guidance. */
export function guidanceSection(results: CompareResults, pictures: ReadonlyMap<string, ReadonlyArray<Picture & { readonly label: string }>> | undefined): string {
  const runs = results.runs.filter((run) => run.sameAs === undefined && (run.guidance ?? []).length > 0);
  if (runs.length === 0) return '';
  const digits = isDigits(runs.flatMap((run) => run.guidance ?? []));
  const grids = guidanceGrids(runs, pictures);
  return `<h2>Guidance</h2><p>${escapeHtml(`Each model sampled for requested labels, balanced over the classes (sample i asks for class i mod K), from the same initial noise for every guider and scale; w is diffusers' guidance_scale (1: the conditional model alone, 0: the unconditional one). ${digits ? 'Accuracy: the share of samples the shipped digit classifier reads as the requested digit (unconditional sampling: about 0.1).' : 'Fraction in class: the share of samples nearest their requested class (mixtures: the nearest component mean); within-class W1: each class\'s samples against the class itself (mixtures: the exact component), averaged over classes.'} The "Results" rows above are the unconditional model (null class).`)}</p>${guidanceTable(results)}<div class="plots">${guidanceCharts(runs)}</div>${grids === '' ? '' : `<h3>Samples per class (one row per class)</h3><div class="plots">${grids}</div>`}`;
}
