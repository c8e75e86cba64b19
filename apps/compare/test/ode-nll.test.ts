import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli, tinyConfig } from './cli-helpers';

interface OdeNll { value: number; dataNll?: number; standardError: number; nfe: number; points: number; rtol: number; atol: number; divergence: string; sigmaMin: number; sigmaMax: number }
interface Results {
  dataNll: number;
  exactNllBound: number;
  exactOdeNll?: OdeNll;
  nllUnit: string;
  runs: Array<{ id: string; sameAs?: string; nllBound: number; odeNll?: OdeNll }>;
}

const config = { ...tinyConfig, parameterisations: ['eps', 'x0'], weightings: ['natural'], samplers: ['dpmpp-2m'], nfe: [8], steps: 300, odeNll: true, odePoints: 400 };

describe('diffusion-compare: the probability-flow ODE NLL beside the bound (built CLI)', () => {
  beforeAll(() => ensureBuilt(), 600_000);

  it('reports the ODE NLL of every model and of the exact denoiser: the exact one at the true NLL, below the discrete bound', () => {
    const run = runCli(config);
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.status).toBe(0);
    const results = JSON.parse(readFileSync(join(run.outDir, 'results.json'), 'utf8')) as Results;
    expect(results.nllUnit).toBe('nats per point');
    const exact = results.exactOdeNll!;
    // Linear betas, T = 1000: the schedule's training range of sigma.
    expect(exact.sigmaMin).toBeCloseTo(0.01, 5);
    expect(exact.sigmaMax).toBeGreaterThan(150);
    expect(exact).toMatchObject({ points: 400, rtol: 1e-4, atol: 1e-4, divergence: 'exact' });
    expect(exact.nfe).toBeGreaterThan(20);
    // The closed-form NLL of the same 400 points, up to the solver's tolerance and the smoothing of the
    // density by sigmaMin = 0.01 (variance 0.09 + 1e-4); and well below the exact denoiser's discrete
    // bound (about 0.9 nats above the true NLL for this chain).
    expect(Math.abs(exact.value - exact.dataNll!)).toBeLessThan(0.005);
    expect(Math.abs(exact.dataNll! - results.dataNll)).toBeLessThan(4 * exact.standardError);
    expect(exact.value).toBeLessThan(results.exactNllBound - 0.5);
    for (const model of results.runs) {
      const ode = model.odeNll!;
      expect(Number.isFinite(ode.value) && ode.nfe > 0).toBe(true);
      // A model's own exact NLL: the true NLL is the least any model reaches on average (Gibbs), up to the spread of 400 points.
      expect(ode.value).toBeGreaterThan(exact.value - 3 * exact.standardError);
      // The trained toy's ODE NLL lies below its discrete bound, as the exact denoiser's does.
      expect(ode.value).toBeLessThan(model.nllBound);
    }
    expect(run.stdout).toMatch(/ODE NLL \(nats per point\)/);
    expect(run.stdout).toMatch(/rtol = atol = 0\.0001, exact divergence/);
    const report = readFileSync(join(run.outDir, 'report.html'), 'utf8');
    expect(report).toContain('<th>ODE NLL (nats per point)</th>');
    expect(report).toMatch(/the exact denoiser&#39;s ODE NLL/);
  });

  it('skips it with --no-ode-nll, and takes its tolerance from --ode-rtol', () => {
    const off = runCli({ ...config, parameterisations: ['eps'], steps: 40 }, ['--no-ode-nll']);
    expect(off.status).toBe(0);
    const skipped = JSON.parse(readFileSync(join(off.outDir, 'results.json'), 'utf8')) as Results;
    expect(skipped.exactOdeNll).toBeUndefined();
    expect(skipped.runs[0]!.odeNll).toBeUndefined();
    expect(off.stdout).not.toMatch(/ODE NLL/);
    const loose = runCli({ ...config, parameterisations: ['eps'], steps: 40, odePoints: 100 }, ['--ode-rtol', '0.01']);
    expect(loose.status).toBe(0);
    const results = JSON.parse(readFileSync(join(loose.outDir, 'results.json'), 'utf8')) as Results;
    expect(results.exactOdeNll).toMatchObject({ rtol: 0.01, atol: 0.01, points: 100 });
  });

  it('exits 2 naming the field of a bad tolerance', () => {
    const run = runCli({ ...config, odeRtol: 0 });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/odeRtol/);
  });
});
