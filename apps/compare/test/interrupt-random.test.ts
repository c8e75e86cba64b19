import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from './cli-helpers';
import { exitWithin, startCli } from './cli-process';

// SIGINT at random moments of a run (during training, sampling and report writing): each time the
// output folder must be valid and say what completed. CI runs one interrupt per kind of moment;
// SIGINT_RUNS=30 runs more (SIGINT_SEED repeats a sequence); each run prints what it found.
const runs = Number(process.env.SIGINT_RUNS ?? 3);
let state = Number(process.env.SIGINT_SEED ?? Date.now() % 2 ** 31);
const seed = state;
/** Park-Miller minimal standard generator: a repeatable sequence from SIGINT_SEED. */
function random(): number {
  state = (state * 48271) % 2147483647;
  return state / 2147483647;
}

const config = {
  dataset: 'mixture',
  parameterisations: ['eps', 'x0'],
  weightings: ['natural'],
  samplers: ['euler', 'dpmpp-2m'],
  nfe: [8, 16],
  steps: 40,
  batch: 64,
  hiddenWidths: [32, 32],
  samples: 1000,
  profileBins: 4,
  quiet: true,
};
const planned = ['eps-natural', 'x0-natural'];
const moments = ['training', 'sampling', 'writing report'] as const;

interface Results {
  tool: string;
  complete: boolean;
  runs: Array<{ id: string; sameAs?: string; samples: Array<{ sampler: string; nfe: number; slicedWasserstein: number }> }>;
  notRun?: string[];
  interrupted?: { stage: string; run?: string };
}

describe('SIGINT at random moments (issue #19)', () => {
  beforeAll(() => ensureBuilt(), 600_000);

  it(`leaves a valid output folder that says what completed (${runs} interrupts, seed ${seed})`, async () => {
    const seen: string[] = [];
    for (let index = 0; index < runs; index += 1) {
      const moment = moments[index % moments.length]!;
      const runIds = planned;
      const target = moment === 'writing report' ? `stage: writing report` : `stage: ${moment} ${runIds[Math.floor(random() * runIds.length)]}`;
      // Report writes: one after each finished run (2) and the final one, which follows the 2nd at once.
      const occurrence = moment === 'writing report' ? 1 + Math.floor(random() * 3) : 1;
      const delay = moment === 'training' ? random() * 600 : moment === 'sampling' ? random() * 300 : random() * 5;
      const cli = startCli(config);
      const pattern = new RegExp(`(${target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n[^]*){${occurrence}}`);
      await cli.waitFor(pattern, 240_000);
      await new Promise((resolve) => setTimeout(resolve, delay));
      const sent = performance.now();
      cli.child.kill('SIGINT');
      const exit = await exitWithin(cli, 20_000);
      expect(exit, `no exit within 20 s of SIGINT (${target} #${occurrence} + ${delay.toFixed(0)} ms); stderr:\n${cli.stderr()}`).toBeDefined();
      // 130, or 0 when the run had already finished everything (a signal after the last report write began).
      expect([130, 0], cli.stderr()).toContain(exit!.code);
      expect(cli.stderr()).not.toMatch(/\n\s+at /);

      // The folder: results.json parses and is consistent; report.html is there; no temporary file is left.
      const files = readdirSync(cli.outDir);
      expect(files.filter((name) => name.endsWith('.tmp'))).toEqual([]);
      expect(files).toEqual(expect.arrayContaining(['results.json', 'report.html']));
      const results = JSON.parse(readFileSync(join(cli.outDir, 'results.json'), 'utf8')) as Results;
      expect(results.tool).toBe('diffusion-compare');
      const finished = results.runs.map((run) => run.id);
      for (const run of results.runs) {
        expect(run.samples.map((sample) => `${sample.sampler}@${sample.nfe}`)).toHaveLength(4);
        for (const sample of run.samples) expect(Number.isFinite(sample.slicedWasserstein)).toBe(true);
      }
      const html = readFileSync(join(cli.outDir, 'report.html'), 'utf8');
      if (exit!.code === 0) expect(results.complete).toBe(true);
      if (results.complete) {
        expect(finished).toEqual(planned);
        expect(results.notRun).toBeUndefined();
      } else {
        // Finished runs first, in plan order, then the ones that did not finish: together the plan.
        expect([...finished, ...results.notRun!]).toEqual(planned);
        expect(html).toContain('Interrupted');
        for (const id of results.notRun!) expect(html).toContain(id);
        if (results.interrupted?.run !== undefined) expect(results.notRun).toContain(results.interrupted.run);
      }
      expect(existsSync(join(cli.outDir, 'config.json'))).toBe(false);
      const line = `${target} #${occurrence} + ${delay.toFixed(0)} ms -> exit ${exit!.code} after ${((exit!.at - sent) / 1000).toFixed(2)} s; complete ${results.complete}; finished [${finished.join(', ')}]; not run [${(results.notRun ?? []).join(', ')}]; interrupted ${JSON.stringify(results.interrupted ?? null)}`;
      seen.push(line);
      console.log(`SIGINT ${index + 1}/${runs}: ${line}`);
    }
    expect(seen).toHaveLength(runs);
    // Each interrupt starts a comparison of its own (up to ~40 s on a loaded 2-core machine): the budget grows with SIGINT_RUNS.
  }, Math.max(300_000, runs * 90_000));
});
