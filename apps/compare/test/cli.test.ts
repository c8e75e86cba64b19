import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli, tinyConfig } from './cli-helpers';

interface Results {
  complete: boolean;
  dataNll?: number;
  exactNllBound?: number;
  config: { seed: number };
  runs: Array<{ id: string; sameAs?: string; nllBound?: number; parameterisation: string; weighting: string; finalLoss: number; lossCurve: number[][]; profile: Array<{ epsMse: number; bayesEpsMse?: number }>; samples: Array<{ sampler: string; nfe: number; slicedWasserstein: number; mmd: number }> }>;
}

describe('diffusion-compare (built CLI, end to end)', () => {
  beforeAll(() => ensureBuilt(), 600_000);

  let first: ReturnType<typeof runCli>;
  let results: Results;

  it('writes results.json with every requested run, all figures finite', () => {
    first = runCli(tinyConfig);
    expect(first.stderr).not.toMatch(/Error/);
    expect(first.status).toBe(0);
    results = JSON.parse(readFileSync(join(first.outDir, 'results.json'), 'utf8')) as Results;
    expect(results.complete).toBe(true);
    const ids = results.runs.map((run) => run.id).sort();
    expect(ids).toEqual(['eps-natural', 'eps-uniform', 'x0-natural', 'x0-uniform']);
    expect(results.dataNll!).toBeGreaterThan(1);
    // The exact denoiser's bound lies above the true NLL of the same points (a bound); for linear betas, T = 1000,
    // its gap is about 0.9 nats (the first steps' SNR ratios, see the metrics README).
    expect(results.exactNllBound!).toBeGreaterThan(results.dataNll! - 0.1);
    expect(results.exactNllBound!).toBeLessThan(results.dataNll! + 1.5);
    for (const run of results.runs) {
      expect(Number.isFinite(run.nllBound!)).toBe(true);
      expect(run.nllBound!).toBeGreaterThan(results.exactNllBound! - 0.2);
      expect(Number.isFinite(run.finalLoss)).toBe(true);
      expect(run.lossCurve.length).toBeGreaterThan(0);
      expect(run.profile).toHaveLength(6);
      for (const bin of run.profile) expect(Number.isFinite(bin.epsMse) && Number.isFinite(bin.bayesEpsMse!)).toBe(true);
      expect(run.samples.map((sample) => sample.sampler)).toEqual(['euler', 'euler', 'dpmpp-2m', 'dpmpp-2m']);
      for (const sample of run.samples) {
        expect(sample.nfe).toBeLessThanOrEqual(8);
        expect(Number.isFinite(sample.slicedWasserstein) && sample.slicedWasserstein > 0).toBe(true);
        expect(Number.isFinite(sample.mmd)).toBe(true);
      }
    }
    expect(first.stdout).toMatch(/report: .*report\.html/);
  });

  it('trains eps with the uniform weighting once: it is the same model as eps with its natural loss', () => {
    const twin = results.runs.find((run) => run.id === 'eps-uniform')!;
    expect(twin.sameAs).toBe('eps-natural');
    expect(results.runs.find((run) => run.id === 'x0-uniform')!.sameAs).toBeUndefined();
  });

  it('repeats a seeded run exactly', () => {
    const second = runCli(tinyConfig);
    expect(second.status).toBe(0);
    const again = JSON.parse(readFileSync(join(second.outDir, 'results.json'), 'utf8')) as Results;
    expect(again.runs.map((run) => run.samples.map((sample) => sample.slicedWasserstein))).toEqual(results.runs.map((run) => run.samples.map((sample) => sample.slicedWasserstein)));
    expect(again.runs.map((run) => run.finalLoss)).toEqual(results.runs.map((run) => run.finalLoss));
  });

  it('writes a report that contains each run and each plot', () => {
    const html = readFileSync(join(first.outDir, 'report.html'), 'utf8');
    for (const id of ['plot-loss', 'plot-profile', 'plot-quality']) expect(html).toContain(`id="${id}"`);
    for (const run of results.runs) {
      if (run.sameAs !== undefined) continue;
      expect(html).toContain(`id="samples-${run.id}"`);
      expect(html).toContain(`${run.parameterisation} · ${run.weighting}`);
    }
    expect(html).toContain('id="trajectory-eps-natural"');
    expect((html.match(/<svg/g) ?? []).length).toBeGreaterThan(8);
  });

  it('loads an outside sampler plugin by module name (--plugin diffusion-sampler-deis)', () => {
    const result = runCli({ ...tinyConfig, parameterisations: ['eps'], weightings: ['natural'], samplers: ['deis', 'euler'], nfe: [6] }, ['--plugin', 'diffusion-sampler-deis']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const loaded = JSON.parse(readFileSync(join(result.outDir, 'results.json'), 'utf8')) as Results;
    const samplers = loaded.runs[0]!.samples.map((sample) => sample.sampler);
    expect(samplers).toEqual(['deis', 'euler']);
    expect(loaded.runs[0]!.samples.every((sample) => Number.isFinite(sample.slicedWasserstein))).toBe(true);
  });

  it('exits 2 naming a plugin module that does not exist', () => {
    const result = runCli({ ...tinyConfig }, ['--plugin', 'diffusion-sampler-nope']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--plugin "diffusion-sampler-nope": cannot find it/);
  });

  it('trains a U-Net on MNIST and reports classifier Fréchet distance, confidence, bits/dim and sample PNGs', () => {
    const result = runCli({
      ...tinyConfig,
      dataset: 'mnist',
      // Convolution training on tfjs's plain cpu backend is far too slow; wasm has our kernels.
      backend: 'wasm',
      parameterisations: ['eps'],
      weightings: ['natural'],
      samplers: ['dpmpp-2m'],
      nfe: [3],
      steps: 6,
      batch: 4,
      samples: 8,
      profileBins: 2,
      unet: { baseChannels: 8, channelMultipliers: [1, 2], attentionResolutions: [], groups: 4 },
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const mnist = JSON.parse(readFileSync(join(result.outDir, 'results.json'), 'utf8')) as Results & { nllUnit: string; referenceQuality: { frechetDistance: number; classifierConfidence: number } };
    expect(mnist.nllUnit).toBe('bits per dimension');
    // Held-out real digits against train digits: small distance, confident classifier.
    expect(mnist.referenceQuality.classifierConfidence).toBeGreaterThan(0.9);
    const sample = mnist.runs[0]!.samples[0]! as unknown as { frechetDistance: number; classifierConfidence: number };
    expect(sample.frechetDistance).toBeGreaterThan(mnist.referenceQuality.frechetDistance);
    expect(sample.classifierConfidence).toBeGreaterThan(0);
    expect(Number.isFinite(mnist.runs[0]!.nllBound!)).toBe(true);
    const png = readFileSync(join(result.outDir, 'samples-eps-natural.png'));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(readFileSync(join(result.outDir, 'report.html'), 'utf8')).toContain('data:image/png;base64,');
  });

  it('runs on a 2-D toy without a known density (sliced W1 against a data sample, no true NLL)', () => {
    const result = runCli({ ...tinyConfig, dataset: 'two-moons', parameterisations: ['v'], weightings: ['natural'], samplers: ['euler'], nfe: [5] });
    expect(result.status).toBe(0);
    const moons = JSON.parse(readFileSync(join(result.outDir, 'results.json'), 'utf8')) as Results;
    expect(moons.dataNll).toBeUndefined();
    expect(moons.exactNllBound).toBeUndefined();
    const sample = moons.runs[0]!.samples[0]!;
    expect(sample.slicedWasserstein > 0 && Number.isFinite(sample.slicedWasserstein)).toBe(true);
    expect(Number.isFinite(moons.runs[0]!.nllBound!)).toBe(true);
  });

  it('exits 2 with a clear message on an unknown sampler', () => {
    const result = runCli({ ...tinyConfig, samplers: ['nope'] });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/samplers: unknown name "nope"; known: .*euler/);
  });

  it('exits 2 naming the field of a bad config value', () => {
    const result = runCli({ ...tinyConfig, steps: -3 });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/steps: /);
    const unknownKey = runCli({ ...tinyConfig, stepz: 3 });
    expect(unknownKey.status).toBe(2);
    expect(unknownKey.stderr).toMatch(/stepz/);
    const threads = runCli({ ...tinyConfig, threads: 0 });
    expect(threads.status).toBe(2);
    expect(threads.stderr).toMatch(/threads: /);
  });

  it('exits 2 on an unknown parameterisation and on an unknown dataset', () => {
    expect(runCli({ ...tinyConfig, parameterisations: ['eps', 'magic'] }).stderr).toMatch(/parameterisations: unknown name "magic"; known: eps, x0, v/);
    const dataset = runCli({ ...tinyConfig, dataset: 'imagenet' });
    expect(dataset.status).toBe(2);
    expect(dataset.stderr).toMatch(/dataset/);
  });
});
