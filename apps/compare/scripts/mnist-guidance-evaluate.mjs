// Measures the class-conditional MNIST U-Net of mnist-guidance-train.mjs under guidance (issue #14):
//   nice -n 10 node apps/compare/scripts/mnist-guidance-evaluate.mjs --out <dir> [--samples 160] [--nfe 15]
// Loads <dir>/checkpoint.safetensors (EMA weights), samples DPM-Solver++(2M) on the trailing ladder
// for balanced requested digits (sample i asks for i mod 10) from one fixed noise, unguided (the null
// class), conditional (w = 1: every guider returns D_c there, so it is sampled once) and with CFG,
// CFG rescale, the guidance interval and APG at w = 2 and 4, and measures what `pnpm compare
// --guidance` measures: the shipped digit classifier's accuracy against the requested digit, the
// Fréchet distance of its features to 500 real test digits, and its mean confidence.
// Writes <dir>/guidance-results.json and one 10 x 8 grid PNG per cell (<dir>/grid-<cell>.png, one row per digit).
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { createRandomSource, randomNormalTensor } from '@diffusion/core';
import { createMnistDataset, loadMnist } from '@diffusion/data';
import { createApgGuider, createCfgGuider, createCfgRescaleGuider, createClassGuidanceDenoisers, createGuidanceIntervalGuider } from '@diffusion/guidance';
import { classifierFrechetDistance, loadDigitClassifier } from '@diffusion/metrics';
import { createDpmpp2mSampler } from '@diffusion/samplers';
import { sigmaLadderByName } from '@diffusion/schedules';
import { PNG } from 'pngjs';
import { createModel, modelSettings, startWasm } from './mnist-guidance-model.mjs';

const { values } = parseArgs({ options: { out: { type: 'string' }, samples: { type: 'string', default: '160' }, nfe: { type: 'string', default: '15' }, scales: { type: 'string', default: '2,4' } } });
if (values.out === undefined) {
  console.error('usage: mnist-guidance-evaluate.mjs --out DIR [--samples 160] [--nfe 15] [--scales 2,4]');
  process.exit(2);
}
const count = Number(values.samples);
const steps = Number(values.nfe);
const scales = values.scales.split(',').map(Number);
const classes = 10;

const backend = await startWasm();
const training = JSON.parse(readFileSync(join(values.out, 'training.json'), 'utf8'));
const { schedule, backbone, trainer } = createModel(training.totalSteps);
await trainer.loadCheckpoint(join(values.out, 'checkpoint.safetensors'));
const denoiser = trainer.denoiser({ ema: true });
const random = createRandomSource(0);
const { test } = await loadMnist({ seed: 0 });
const reference = createMnistDataset(test, 'test').sample(500, random.fork('reference'));
const classifier = loadDigitClassifier();
const labels = Int32Array.from({ length: count }, (_, index) => index % classes);
const noise = randomNormalTensor(random.fork('sample-noise'), [count, 28, 28, 1]);
const sigmas = sigmaLadderByName(schedule, 'trailing', steps);
const sampler = createDpmpp2mSampler();
const inputs = createClassGuidanceDenoisers(denoiser, { labels, numClasses: classes });

/** Accuracy against the requested digit, mean confidence, Fréchet distance to the real test digits. */
function measure(samples) {
  const [predicted, largest] = tf.tidy(() => {
    const probabilities = classifier.probabilities(samples);
    return [tf.argMax(probabilities, 1).dataSync(), tf.max(probabilities, 1).dataSync()];
  });
  let correct = 0;
  labels.forEach((label, index) => (correct += predicted[index] === label ? 1 : 0));
  return { classifierAccuracy: correct / count, classifierConfidence: largest.reduce((sum, value) => sum + value, 0) / count, frechetDistance: classifierFrechetDistance(samples, reference, { classifier }) };
}

/** One row per digit, the first 8 samples that asked for it, 2-pixel white gaps. */
function gridPng(samples, path) {
  const values = samples.dataSync();
  const gap = 2;
  const png = new PNG({ width: 8 * 30 + gap, height: classes * 30 + gap });
  png.data.fill(255);
  for (let digit = 0; digit < classes; digit += 1) {
    const rows = [];
    labels.forEach((label, index) => label === digit && rows.length < 8 && rows.push(index));
    rows.forEach((row, column) => {
      for (let y = 0; y < 28; y += 1) {
        for (let x = 0; x < 28; x += 1) {
          const grey = Math.round(Math.min(1, Math.max(0, (values[row * 784 + y * 28 + x] + 1) / 2)) * 255);
          const offset = ((gap + digit * 30 + y) * png.width + gap + column * 30 + x) * 4;
          png.data[offset] = png.data[offset + 1] = png.data[offset + 2] = grey;
          png.data[offset + 3] = 255;
        }
      }
    });
  }
  writeFileSync(path, PNG.sync.write(png));
}

const cells = [
  { id: 'unconditional', guider: 'none (null class)', guidanceScale: 0, denoise: (x, sigma) => denoiser(x, sigma), evaluations: () => 1 },
  { id: 'conditional-w1', guider: 'any (w = 1 is D_c)', guidanceScale: 1, denoise: inputs.conditional, evaluations: () => 1 },
];
for (const guidanceScale of scales) {
  cells.push(
    { id: `cfg-w${guidanceScale}`, make: () => createCfgGuider({ guidanceScale }) },
    { id: `cfg-rescale-w${guidanceScale}`, make: () => createCfgRescaleGuider({ guidanceScale, guidanceRescale: 0.7, space: 'v' }) },
    { id: `guidance-interval-w${guidanceScale}`, make: () => createGuidanceIntervalGuider({ guidanceScale }) },
    { id: `apg-w${guidanceScale}`, make: () => createApgGuider({ guidanceScale, eta: 0 }) },
  );
}
const results = [];
const outPath = join(values.out, 'guidance-results.json');
for (const cell of cells) {
  const guider = cell.make?.();
  const guided = guider?.guide(inputs);
  const denoise = guided ?? cell.denoise;
  const evaluationsAt = guider === undefined ? cell.evaluations : (sigma) => guider.evaluations(sigma);
  let networkEvaluations = 0;
  const started = performance.now();
  const start = tf.tidy(() => tf.mul(noise, sigmas[0]));
  const samples = sampler.sample((x, sigma) => {
    networkEvaluations += evaluationsAt(sigma);
    return denoise(x, sigma);
  }, start, sigmas, { seed: 0 });
  const seconds = (performance.now() - started) / 1000;
  start.dispose();
  guided?.dispose();
  const quality = measure(samples);
  gridPng(samples, join(values.out, `grid-${cell.id}.png`));
  samples.dispose();
  results.push({ id: cell.id, guider: guider?.name ?? cell.guider, options: guider?.options ?? {}, guidanceScale: guider?.options.guidanceScale ?? cell.guidanceScale, nfe: steps, networkEvaluations, ...quality, seconds });
  console.error(`${new Date().toISOString()} ${cell.id}: accuracy ${quality.classifierAccuracy.toFixed(3)}, Fréchet ${quality.frechetDistance.toFixed(1)}, confidence ${quality.classifierConfidence.toFixed(3)}, ${seconds.toFixed(0)} s`);
  const record = { settings: modelSettings, trainedSteps: training.completedSteps, trainSeconds: training.seconds, backend, samples: count, sampler: 'dpmpp-2m', ladder: 'trailing', steps, results };
  writeFileSync(`${outPath}.tmp`, `${JSON.stringify(record, null, 2)}\n`);
  renameSync(`${outPath}.tmp`, outPath);
}
inputs.dispose();
tf.dispose([noise, reference]);
classifier.dispose();
trainer.dispose();
backbone.dispose();
