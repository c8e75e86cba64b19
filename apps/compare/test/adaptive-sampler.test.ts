import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli, tinyConfig } from './cli-helpers';

interface Sample { sampler: string; nfe: number; steps: number; slicedWasserstein: number }

describe('diffusion-compare with an adaptive sampler (built CLI)', () => {
  beforeAll(() => ensureBuilt(), 600_000);

  it('runs dpm-adaptive once per model between the ladder ends and records the NFE it spent, beside budgeted samplers', () => {
    // Before: dpm-adaptive.evaluations threw inside the sample stage (exit 1) since compare asked it for an NFE budget.
    const config = { ...tinyConfig, parameterisations: ['eps'], weightings: ['natural'], samplers: ['dpm-adaptive', 'dpm-adaptive{"rtol":0.01,"atol":0.01}', 'euler'], nfe: [5, 10], steps: 150 };
    const run = runCli(config);
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.status).toBe(0);
    const results = JSON.parse(readFileSync(join(run.outDir, 'results.json'), 'utf8')) as { runs: Array<{ samples: Sample[] }> };
    const samples = results.runs[0]!.samples;
    expect(samples.map((sample) => sample.sampler)).toEqual(['dpm-adaptive', 'dpm-adaptive{"rtol":0.01,"atol":0.01}', 'euler', 'euler']);
    const [loose, tight] = samples;
    // Three calls per accepted order-3 try at the least, plus the final call into sigma 0; a tighter tolerance spends more.
    expect(loose!.nfe).toBeGreaterThanOrEqual(4);
    expect(tight!.nfe).toBeGreaterThan(loose!.nfe);
    expect(samples.slice(2).map((sample) => sample.nfe)).toEqual([5, 10]);
    for (const sample of samples) expect(Number.isFinite(sample.slicedWasserstein)).toBe(true);
  });
});
