import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli, tinyConfig } from './cli-helpers';

interface GuidanceCell {
  sampler: string;
  nfe: number;
  steps: number;
  guider: string;
  options: Record<string, unknown>;
  guidanceScale: number;
  networkEvaluations: number;
  fractionInClass: number;
  withinClassW1: number;
}

interface Results {
  config: { guidance: string[] };
  runs: Array<{ id: string; samples: Array<{ nfe: number; slicedWasserstein: number }>; guidance: GuidanceCell[] }>;
}

// A small class-conditional comparison: an MLP trained with label dropout on the eight Gaussians
// (the component is the class), sampled unguided and with CFG and APG at several scales.
const guidedConfig = {
  ...tinyConfig,
  dataset: 'eight-gaussians',
  parameterisations: ['eps'],
  weightings: ['natural'],
  samplers: ['dpmpp-2m'],
  nfe: [8],
  steps: 250,
  batch: 128,
  learningRate: 5e-3,
  samples: 400,
  profileBins: 4,
  // The ODE likelihood is measured elsewhere (ode-nll.test.ts); here it would only add minutes.
  odeNll: false,
};

describe('pnpm compare --guidance (built CLI, end to end)', () => {
  beforeAll(() => ensureBuilt(), 600_000);

  it('samples every guider at every scale from the same noise and measures the class share and within-class W1', () => {
    const result = runCli(guidedConfig, ['--guidance', 'cfg:0,1,3', '--guidance', 'apg:1,3{"eta":0}']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const results = JSON.parse(readFileSync(join(result.outDir, 'results.json'), 'utf8')) as Results;
    expect(results.config.guidance).toEqual(['cfg:0,1,3', 'apg:1,3{"eta":0}']);
    const cells = results.runs[0]!.guidance;
    expect(cells.map((cell) => `${cell.guider} ${cell.guidanceScale}`)).toEqual(['cfg 0', 'cfg 1', 'cfg 3', 'apg 1', 'apg 3']);
    for (const cell of cells) {
      // The unguided rows' budget: the same steps; D_c and D_u at every call.
      expect(cell.nfe).toBe(results.runs[0]!.samples[0]!.nfe);
      expect(cell.networkEvaluations).toBe(2 * cell.nfe);
      expect(cell.options.guidanceScale).toBe(cell.guidanceScale);
      expect(Number.isFinite(cell.withinClassW1) && cell.withinClassW1 > 0).toBe(true);
    }
    const [unconditional, conditional, sharpened, apgConditional, apgSharpened] = cells as [GuidanceCell, GuidanceCell, GuidanceCell, GuidanceCell, GuidanceCell];
    expect(apgSharpened.options.eta).toBe(0);
    // Every guider returns D_c at w = 1: on the same noise and labels, the very same samples.
    expect(apgConditional.fractionInClass).toBe(conditional.fractionInClass);
    expect(apgConditional.withinClassW1).toBe(conditional.withinClassW1);
    // w = 0 is the unconditional model: about 1 in 8 samples near the requested component.
    expect(unconditional.fractionInClass).toBeLessThan(0.35);
    expect(conditional.fractionInClass).toBeGreaterThan(0.8);
    expect(conditional.withinClassW1).toBeLessThan(unconditional.withinClassW1 / 2);
    expect(sharpened.fractionInClass).toBeGreaterThanOrEqual(conditional.fractionInClass);
    const html = readFileSync(join(result.outDir, 'report.html'), 'utf8');
    expect(html).toContain('id="plot-guidance-eps-natural"');
    expect(html).toContain('fraction in the requested class');
    expect(result.stdout).toMatch(/guidance \(balanced requested labels/);
    expect(existsSync(join(result.outDir, 'guidance-eps-natural-1.png'))).toBe(false);
  });

  it('guides an adaptive sampler too: one run per guider and scale, recording the calls it spent', () => {
    const result = runCli({ ...guidedConfig, steps: 20, samples: 80, samplers: ['dpm-adaptive'] }, ['--guidance', 'cfg:2']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const cells = (JSON.parse(readFileSync(join(result.outDir, 'results.json'), 'utf8')) as Results).runs[0]!.guidance;
    expect(cells).toHaveLength(1);
    expect(cells[0]!.nfe).toBeGreaterThan(2);
    expect(cells[0]!.networkEvaluations).toBe(2 * cells[0]!.nfe);
  });

  it('exits 2 naming --guidance on data without class labels, on a bad entry and a bad scale', () => {
    const swissRoll = runCli({ ...guidedConfig, dataset: 'swiss-roll', steps: 5 }, ['--guidance', 'cfg:1,2']);
    expect(swissRoll.status).toBe(2);
    expect(swissRoll.stderr).toMatch(/--guidance: swiss-roll has no class labels/);
    const negative = runCli(guidedConfig, ['--guidance', 'cfg:1,-2']);
    expect(negative.status).toBe(2);
    expect(negative.stderr).toMatch(/--guidance: guidance scale -2 .*not allowed/);
    const unknown = runCli(guidedConfig, ['--guidance', 'pag:1']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/--guidance: unknown guider "pag".*cfg, cfg-rescale, guidance-interval, apg/);
    const badOption = runCli({ ...guidedConfig, guidance: [{ name: 'cfg-rescale', scales: [2], options: { guidanceRescale: 3 } }] });
    expect(badOption.status).toBe(2);
    expect(badOption.stderr).toMatch(/guidance\[0\].*guidanceRescale/);
    const dropout = runCli({ ...guidedConfig, pUncond: 0.2 });
    expect(dropout.status).toBe(2);
    expect(dropout.stderr).toMatch(/pUncond: label dropout only applies with --guidance/);
  });
});
