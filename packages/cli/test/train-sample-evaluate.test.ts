import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeNpy } from '@diffusion/data';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { runRecordSchema } from '../src/run-record';
import { runInProcess, temporaryFolder, tinyPointFlags, writeImageFolder, writePointsCsv } from './cli-test-helpers';

describe('diffusion train, sample and evaluate on a CSV of points', () => {
  it('writes a validated run folder, samples in the data units, and reports the metrics', async () => {
    const folder = temporaryFolder('points');
    const data = writePointsCsv(folder);
    const run = join(folder, 'run');
    const trained = await runInProcess(['train', '--data', data, '--columns', 'x,y', '--out', run, '--steps', '200', '--checkpoint-every', '75', '--learning-rate', '0.01', '--keep-checkpoints', '2', ...tinyPointFlags]);
    expect(trained.log + trained.out).toContain('trained 200 steps');
    expect(trained.code).toBe(0);
    const record = runRecordSchema.parse(JSON.parse(readFileSync(join(run, 'run.json'), 'utf8')));
    expect(record.data).toMatchObject({ kind: 'points', format: 'csv', count: 200, sampleShape: [2], columnNames: ['x', 'y'] });
    expect(record.settings).toMatchObject({ steps: 200, batch: 32, backbone: 'mlp', checkpointEvery: 75, schedule: 'linear', parameterisation: 'eps' });
    // Means 6.5 and -0.5 (two clusters), stds about 1.5.
    expect(record.data.normalisation).toMatchObject({ kind: 'standardise' });
    const normalisation = record.data.normalisation as { mean: number[]; std: number[] };
    expect(normalisation.mean[0]).toBeCloseTo(6.75, 1);
    expect(normalisation.std[0]).toBeGreaterThan(1.3);
    // Checkpoints at 75, 150 and 200; the oldest pruned.
    expect(existsSync(join(run, 'checkpoints', 'step-00000150.safetensors'))).toBe(true);
    expect(existsSync(join(run, 'checkpoints', 'step-00000200.safetensors'))).toBe(true);
    expect(existsSync(join(run, 'checkpoints', 'step-00000075.safetensors'))).toBe(false);
    expect(existsSync(join(run, 'model.safetensors'))).toBe(true);
    const losses = readFileSync(join(run, 'loss.csv'), 'utf8').trim().split('\n');
    expect(losses[0]).toBe('step,loss');
    expect(losses).toHaveLength(201);

    const samples = join(folder, 'samples.csv');
    const sampled = await runInProcess(['sample', '--model', run, '--sampler', 'ddim{"eta":0}', '--steps', '8', '--num', '300', '--seed', '3', '--out', samples]);
    expect(sampled.code).toBe(0);
    const rows = readFileSync(samples, 'utf8').trim().split('\n');
    expect(rows[0]).toBe('x,y');
    expect(rows).toHaveLength(301);
    const xs = rows.slice(1).map((row) => Number(row.split(',')[0]));
    const medianX = xs.sort((a, b) => a - b)[150]!;
    // Back in the data's units: near the data's (x in [5, 8.5]), far from the normalised 0.
    expect(medianX).toBeGreaterThan(4);
    expect(medianX).toBeLessThan(9.5);
    expect(readFileSync(join(folder, 'samples.svg'), 'utf8')).toContain('<svg');
    // The same seed gives the same samples.
    const again = join(folder, 'again.csv');
    await runInProcess(['sample', '--model', run, '--sampler', 'ddim', '--steps', '8', '--num', '300', '--seed', '3', '--out', again]);
    expect(readFileSync(again, 'utf8')).toBe(readFileSync(samples, 'utf8'));

    const heldOut = writePointsCsv(folder, 'held-out.csv', 100, 9);
    const evaluated = await runInProcess(['evaluate', '--model', run, '--data', heldOut, '--steps', '8', '--num', '200', '--nll-count', '50']);
    expect(evaluated.code).toBe(0);
    expect(evaluated.out).toMatch(/NLL bound, nats per point \(data units\)\s+-?\d/);
    expect(evaluated.out).toMatch(/slicedWasserstein .*training data: /);
    const report = JSON.parse(readFileSync(join(run, 'evaluation.json'), 'utf8'));
    expect(report.nllBound.examples).toBe(50);
    expect(Number.isFinite(report.nllBound.nats)).toBe(true);
    // nats in data units = nats normalised + sum log std (change of variables).
    expect(report.nllBound.nats).toBeCloseTo(report.nllBound.natsNormalised + Math.log(normalisation.std[0]!) + Math.log(normalisation.std[1]!), 10);
    expect(report.quality.slicedWasserstein).toBeGreaterThan(0);
    expect(report.trainingDataQuality.slicedWasserstein).toBeGreaterThan(0);
  });
});

describe('diffusion train and sample on a folder of PNG images', () => {
  it('trains a small U-Net and writes a PNG grid and a .npy in grey levels', async () => {
    const folder = temporaryFolder('images');
    const images = writeImageFolder(folder);
    const run = join(folder, 'run');
    const backbone = 'unet{"baseChannels":8,"channelMultipliers":[1,2],"attentionResolutions":[],"groups":4}';
    const trained = await runInProcess(['train', '--data', images, '--out', run, '--steps', '6', '--batch', '4', '--flip', '--backend', 'cpu', '--backbone', backbone, '--quiet']);
    expect(trained.log + trained.out).toContain('trained 6 steps');
    const record = runRecordSchema.parse(JSON.parse(readFileSync(join(run, 'run.json'), 'utf8')));
    expect(record.data).toMatchObject({ kind: 'images', format: 'image-folder', count: 12, sampleShape: [8, 8, 1], classNames: ['bottom', 'top'], normalisation: { kind: 'pixels' } });
    const grid = join(folder, 'grid.png');
    const sampled = await runInProcess(['sample', '--model', run, '--steps', '3', '--num', '4', '--out', grid]);
    expect(sampled.code).toBe(0);
    const png = PNG.sync.read(readFileSync(grid));
    expect([png.width, png.height]).toEqual([2 * 10 + 2, 2 * 10 + 2]);
    const npy = decodeNpy(new Uint8Array(readFileSync(join(folder, 'grid.npy'))));
    expect(npy.shape).toEqual([4, 8, 8, 1]);
    expect(npy.dtype).toBe('<f4');
  });
});
