// Renders the benchmark's markdown from its JSON; `node bench/samplers/report.mjs` re-renders
// results/latest.md from results/latest.json without sampling again.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const reference = { 5: 0.113, 10: 0.04, 20: 0.011, 50: 0.01 };
const format = (value) => (Number.isFinite(value) ? value.toFixed(4) : 'NaN');
const bestOf = (rows) => rows.filter((row) => Number.isFinite(row.w1)).reduce((a, b) => (b.w1 < a.w1 ? b : a));

/** The markdown tables of a benchmark report `{ meta, results, tunedLadders }`. */
export function renderReport({ meta, results, adaptive = [] }) {
  const budgets = [...new Set(results.map((result) => result.nfe))];
  const samplers = meta.samplers ?? [...new Set(results.map((result) => result.sampler))];
  const ladderNames = [...new Set(results.map((result) => result.ladder))];
  const lines = ['# Sampler benchmark: sliced W1 to the exact 2-D mixture', ''];
  lines.push(`${meta.samples} samples, ${meta.directions} directions, exact projected mixture CDF; linear betas 1e-4..0.02, T = 1000; backend ${meta.backend}; ${meta.date}.`);
  lines.push(`Exact-sample floor at this count: ${format(meta.floor)} (mean of 3 seeds: ${meta.floors.map(format).join(', ')}); a converged sampler on this evaluation noise scores ${format(Math.min(...results.filter((row) => row.nfe === Math.max(...budgets)).map((row) => row.w1)))}. Lower is better.`, '');
  lines.push(
    `Ladders: \`leading\` (diffusers DDIM/DDPM default timesteps), \`trailing\`, \`karras\` (rho 7 over the schedule range), \`log-snr\` (uniform log-SNR = exponential), \`tuned\` (the public API, \`tuneLadder\` of @diffusion/ladder-tuning, for this sampler at NFE 5, 10, 20, started from the standard ladder that scores best on the tuning noise; NFE 50 interpolates the NFE-20 ladder log-linearly with \`interpolateLadder\`). Tuning sees only what a user has: the model, and ${meta.heldOutCount ?? 'held-out'} held-out points of the mixture (seed ${meta.heldOutSeed ?? '–'}); it minimises the sliced W1 between ${meta.tuningSamples ?? '–'} samples on its own noise (seed ${meta.tuningSeed}) and those points, for at most ${meta.tuningPasses ?? '–'} sampling passes, checks on four other noises (from seed ${meta.tuningSeed + 1}) and keeps the start unless the tuned ladder is lower there by more than two standard errors of the paired difference; the table is measured on a third noise (seed ${meta.evaluationSeed}) against the exact mixture.`,
    '',
  );
  for (const nfe of budgets) {
    lines.push(`## NFE ${nfe}`, '', `| sampler | steps | ${ladderNames.join(' | ')} | best |`, `|---|---|${ladderNames.map(() => '---').join('|')}|---|`);
    for (const sampler of samplers) {
      const row = results.filter((result) => result.sampler === sampler && result.nfe === nfe);
      const best = bestOf(row).w1;
      const cells = ladderNames.map((name) => {
        const cell = row.find((result) => result.ladder === name);
        if (cell === undefined) return '–';
        return cell.w1 === best ? `**${format(cell.w1)}**` : format(cell.w1);
      });
      lines.push(`| ${sampler} | ${row[0].steps} | ${cells.join(' | ')} | ${format(best)} |`);
    }
    lines.push('');
  }
  lines.push('## What each ladder contributes', '', 'Best sampler on each ladder (in brackets: for how many samplers it is the best ladder; the same among the four standard ladders):', '');
  lines.push(`| NFE | ${ladderNames.join(' | ')} |`, `|---|${ladderNames.map(() => '---').join('|')}|`);
  for (const nfe of budgets) {
    const cells = ladderNames.map((name) => {
      const onLadder = results.filter((result) => result.nfe === nfe && result.ladder === name);
      if (onLadder.length === 0) return '–';
      const best = bestOf(onLadder);
      const wins = samplers.filter((sampler) => bestOf(results.filter((result) => result.nfe === nfe && result.sampler === sampler)).ladder === name).length;
      const standardWins = samplers.filter((sampler) => bestOf(results.filter((result) => result.nfe === nfe && result.sampler === sampler && result.ladder !== 'tuned')).ladder === name).length;
      return `${format(best.w1)} ${best.sampler} (${wins}; ${name === 'tuned' ? '–' : standardWins})`;
    });
    lines.push(`| ${nfe} | ${cells.join(' | ')} |`);
  }
  if (adaptive.length > 0) {
    lines.push('', '## Adaptive samplers: quality against the NFE spent', '', `From sigma ${format(meta.sigmaMax)} to ${format(meta.sigmaMin)} (the schedule's range; ladder [sigmaMax, sigmaMin, 0]), then one call into 0; the step sizes follow the error estimate over the whole batch of ${meta.samples} samples. NFE is what the run spent (the \`evaluations\` of its last onStep event), rejected tries included.`, '', '| sampler | order | rtol | atol | accepted steps | NFE | sliced W1 |', '|---|---|---|---|---|---|---|');
    for (const row of adaptive) lines.push(`| ${row.sampler} | ${row.order ?? '–'} | ${row.rtol ?? '–'} | ${row.atol ?? '–'} | ${row.steps} | ${row.nfe} | ${format(row.w1)} |`);
  }
  const adaptiveWithin = (nfe) => adaptive.filter((row) => row.nfe <= nfe && Number.isFinite(row.w1)).reduce((a, b) => (a === undefined || b.w1 < a.w1 ? b : a), undefined);
  lines.push('', '## Best per NFE', '', '| NFE | best overall | sampler / ladder | best without `tuned` | sampler / ladder | best adaptive run within the NFE | reference (diffusers / k-diffusion) |', '|---|---|---|---|---|---|---|');
  for (const nfe of budgets) {
    const best = bestOf(results.filter((result) => result.nfe === nfe));
    const untuned = bestOf(results.filter((result) => result.nfe === nfe && result.ladder !== 'tuned'));
    const within = adaptiveWithin(nfe);
    const adaptiveCell = within === undefined ? '–' : `${format(within.w1)} (${within.sampler} order ${within.order}, rtol ${within.rtol}, NFE ${within.nfe})`;
    lines.push(`| ${nfe} | ${format(best.w1)} | ${best.sampler} / ${best.ladder} | ${format(untuned.w1)} | ${untuned.sampler} / ${untuned.ladder} | ${adaptiveCell} | ${reference[nfe] ?? '–'} |`);
  }
  if (meta.wallSeconds !== undefined) lines.push('', `Wall time ${meta.wallSeconds.toFixed(0)} s.`);
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const folder = join(dirname(fileURLToPath(import.meta.url)), 'results');
  const markdown = renderReport(JSON.parse(readFileSync(join(folder, 'latest.json'), 'utf8')));
  writeFileSync(join(folder, 'latest.md'), `${markdown}\n`);
  console.log(markdown);
}
