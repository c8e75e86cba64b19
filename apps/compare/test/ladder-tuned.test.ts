import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli, tinyConfig } from './cli-helpers';

interface Tuning { ladder: number[]; start: string; data: string; candidates: Record<string, number>; tuningLoss: { start: number; tuned: number }; checkLoss: { start: number; tuned: number; difference: number; standardError: number; margin: number; runs: { start: number[]; tuned: number[] } }; accepted: boolean; samplerRuns: number }
interface Sample { sampler: string; ladder?: string; nfe: number; steps: number; slicedWasserstein: number; tuning?: Tuning }

describe('diffusion-compare --ladder tuned (built CLI)', () => {
  beforeAll(() => ensureBuilt(), 600_000);

  it('tunes a ladder per model, sampler and NFE on data outside the evaluation set and reports it beside the standard ladders', () => {
    const config = { ...tinyConfig, parameterisations: ['eps'], weightings: ['natural'], samplers: ['dpmpp-2m'], nfe: [5], steps: 150, tuningSamples: 400, tuningPasses: 10 };
    const run = runCli(config, ['--ladder', 'tuned']);
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.status).toBe(0);
    const results = JSON.parse(readFileSync(join(run.outDir, 'results.json'), 'utf8')) as { config: { ladder: string }; runs: Array<{ samples: Sample[] }> };
    expect(results.config.ladder).toBe('tuned');
    const samples = results.runs[0]!.samples;
    expect(samples.map((sample) => sample.ladder)).toEqual(['trailing', 'leading', 'karras', 'log-snr-uniform', 'tuned']);
    for (const sample of samples) {
      expect(sample.nfe).toBe(5);
      expect(Number.isFinite(sample.slicedWasserstein)).toBe(true);
    }
    const tuning = samples.at(-1)!.tuning!;
    // A falling ladder of 5 steps ending in 0 that starts where the start ladder starts.
    expect(tuning.ladder).toHaveLength(6);
    expect(tuning.ladder.at(-1)).toBe(0);
    for (let index = 1; index < tuning.ladder.length; index += 1) expect(tuning.ladder[index]!).toBeLessThan(tuning.ladder[index - 1]!);
    expect(Object.keys(tuning.candidates)).toEqual(['trailing', 'leading', 'karras', 'log-snr-uniform']);
    // The search starts from the best candidate on the tuning noise and can only improve there.
    expect(tuning.tuningLoss.start).toBe(Math.min(...Object.values(tuning.candidates)));
    expect(tuning.tuningLoss.tuned).toBeLessThanOrEqual(tuning.tuningLoss.start);
    expect(tuning.samplerRuns).toBeLessThanOrEqual(4 + 10 + 2 * 4);
    // Both ladders on four check noises; accepted only beyond two standard errors of the paired difference.
    expect(tuning.checkLoss.runs.start).toHaveLength(4);
    expect(tuning.checkLoss.runs.tuned).toHaveLength(4);
    expect(tuning.checkLoss.margin).toBe(2);
    expect(tuning.accepted).toBe(tuning.checkLoss.difference + 2 * tuning.checkLoss.standardError < 0);
    expect(tuning.data).toMatch(/fresh draws of mixture/);
    // The tuned ladder is the result when the check noise accepts it, the start otherwise.
    const start = samples.find((sample) => sample.ladder === tuning.start)!;
    if (!tuning.accepted) expect(samples.at(-1)!.slicedWasserstein).toBe(start.slicedWasserstein);
    expect(run.stdout).toMatch(/tuned ladders against the standard ones/);
    expect(readFileSync(join(run.outDir, 'report.html'), 'utf8')).toContain('<h2>Tuned ladders</h2>');
  });

  it('exits 2 naming the field of a bad tuning option', () => {
    const run = runCli({ ...tinyConfig, ladder: 'tuned', tuningStart: ['karras', 'nope'] });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/tuningStart/);
  });
});
