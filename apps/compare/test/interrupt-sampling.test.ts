import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from './cli-helpers';
import { exitWithin, startCli } from './cli-process';

// Sampling 40,000 points through a 256-wide MLP at 200 NFE takes minutes; training and evaluating a
// few seconds. An interrupt during sampling must stop it within a step or two.
const slowSampling = {
  dataset: 'mixture',
  parameterisations: ['eps', 'x0'],
  weightings: ['natural'],
  samplers: ['euler'],
  nfe: [200],
  steps: 10,
  batch: 16,
  hiddenWidths: [256, 256],
  samples: 40_000,
  profileBins: 2,
  quiet: true,
};

interface Results {
  complete: boolean;
  runs: Array<{ id: string }>;
  notRun?: string[];
  interrupted?: { stage: string; run?: string };
}

describe('Ctrl-C while diffusion-compare samples (issue #19)', () => {
  beforeAll(() => ensureBuilt(), 600_000);

  it('stops within seconds, exits 130 and writes results with complete: false that list the runs that never ran', async () => {
    const cli = startCli(slowSampling);
    await cli.waitFor(/stage: sampling eps-natural/, 240_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const sent = performance.now();
    cli.child.kill('SIGINT');
    const exit = await exitWithin(cli, 15_000);
    expect(exit, `no exit within 15 s of SIGINT during sampling; stderr:\n${cli.stderr()}`).toBeDefined();
    expect(exit!.code).toBe(130);
    console.log(`SIGINT during sampling: exit ${exit!.code} after ${((exit!.at - sent) / 1000).toFixed(2)} s`);
    expect(cli.stderr()).not.toMatch(/\n\s+at /);
    const results = JSON.parse(readFileSync(join(cli.outDir, 'results.json'), 'utf8')) as Results;
    expect(results.complete).toBe(false);
    expect(results.runs).toEqual([]);
    expect(results.notRun).toEqual(['eps-natural', 'x0-natural']);
    expect(results.interrupted).toEqual({ stage: 'sampling', run: 'eps-natural' });
    const html = readFileSync(join(cli.outDir, 'report.html'), 'utf8');
    expect(html).toContain('Interrupted');
    expect(html).toMatch(/not run[^<]*eps-natural, x0-natural/);
    expect(readdirSync(cli.outDir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    expect(existsSync(join(cli.outDir, 'results.json'))).toBe(true);
  });

  it('stops while evaluating too, after a finished run, listing the one that did not finish', async () => {
    const cli = startCli({ ...slowSampling, samples: 200, nfe: [4] });
    await cli.waitFor(/stage: evaluating x0-natural/, 240_000);
    const sent = performance.now();
    cli.child.kill('SIGINT');
    const exit = await exitWithin(cli, 15_000);
    expect(exit, `no exit within 15 s of SIGINT during evaluation; stderr:\n${cli.stderr()}`).toBeDefined();
    expect(exit!.code).toBe(130);
    console.log(`SIGINT during evaluation: exit ${exit!.code} after ${((exit!.at - sent) / 1000).toFixed(2)} s`);
    const results = JSON.parse(readFileSync(join(cli.outDir, 'results.json'), 'utf8')) as Results;
    expect(results.complete).toBe(false);
    expect(results.runs.map((run) => run.id)).toEqual(['eps-natural']);
    expect(results.notRun).toEqual(['x0-natural']);
  });
});
