// The exact test bed's figures (issue #14): `pnpm --filter @diffusion/guidance test-bed` (after `pnpm build`).
// On the class-conditional eight Gaussians (std 0.35; the component is the class) D_c and D_u are
// exact, so (1) every guider's output is known exactly: this prints the largest errors of the float64
// guiders against closed forms and of the float32 tensor guiders against their float64 path, and
// (2) guided sampling can be measured per class: this prints, for each guider and scale w, the
// per-class sliced W1 to the class's own component (mean over the 8 classes) and the fraction of
// samples nearest their requested component's mean; DPM-Solver++(2M), 20 Karras steps, 4,000
// samples (500 per class), one fixed noise. The same measures as src/exact-test-bed.test.ts.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createRandomSource, randomNormalTensor } from '@diffusion/core';
import { createEightGaussians } from '@diffusion/data';
import { createCircleDirections, slicedWasserstein1ToMixture } from '@diffusion/metrics';
import { createDpmpp2mSampler } from '@diffusion/samplers';
import { karrasLadder } from '@diffusion/testing';
import { createApgGuider, createCfgGuider, createCfgRescaleGuider, createClassGuidanceDenoisers, createGuidanceIntervalGuider } from '../dist/index.js';

await tf.setBackend('cpu');
const mixture = createEightGaussians({ std: 0.35 });
const classes = mixture.numClasses;
const dimension = 2;
const nullLabels = (rows) => new Int32Array(rows).fill(classes);
const float64Denoisers = (labels) => ({
  sampleSize: dimension,
  conditional: (x, sigma) => mixture.classPosteriorMeanArray(x, 1, sigma, labels),
  unconditional: (x, sigma) => mixture.classPosteriorMeanArray(x, 1, sigma, nullLabels(labels.length)),
});

/** CFG through the scores (Tweedie: D = x + sigma^2 grad log p_sigma), w grad log p_c + (1 - w) grad log p_u. */
function cfgByScores(x, sigma, labels, w) {
  const out = new Float64Array(x.length);
  for (let row = 0; row < labels.length; row += 1) {
    const logits = mixture.means.map((mean, k) => {
      let total = Math.log(mixture.weights[k]);
      for (let axis = 0; axis < dimension; axis += 1) {
        const variance = mixture.variances[k][axis] + sigma * sigma;
        total += -0.5 * Math.log(2 * Math.PI * variance) - (x[row * dimension + axis] - mean[axis]) ** 2 / (2 * variance);
      }
      return total;
    });
    const largest = Math.max(...logits);
    const weights = logits.map((logit) => Math.exp(logit - largest));
    const total = weights.reduce((sum, value) => sum + value, 0);
    for (let axis = 0; axis < dimension; axis += 1) {
      const score = (k) => -(x[row * dimension + axis] - mixture.means[k][axis]) / (mixture.variances[k][axis] + sigma * sigma);
      const unconditional = weights.reduce((sum, value, k) => sum + (value / total) * score(k), 0);
      out[row * dimension + axis] = x[row * dimension + axis] + sigma * sigma * (w * score(labels[row]) + (1 - w) * unconditional);
    }
  }
  return out;
}

const relative = (actual, expected, x) => Math.max(...Array.from(expected, (value, index) => Math.abs(actual[index] - value) / Math.max(1, Math.abs(value), Math.abs(x[index]))));
const guiders = {
  cfg: (w) => createCfgGuider({ guidanceScale: w }),
  'cfg-rescale (phi 0.7, x0)': (w) => createCfgRescaleGuider({ guidanceScale: w, guidanceRescale: 0.7, space: 'x0' }),
  'guidance-interval (0.28, 5.42]': (w) => createGuidanceIntervalGuider({ guidanceScale: w }),
  'apg (eta 0)': (w) => createApgGuider({ guidanceScale: w, eta: 0 }),
};

// (1) Exactness: 2,000 random cases of 8 points, sigma log-uniform in [0.002, 80], w in [0, 8].
const random = createRandomSource(11);
let cfgError = 0;
let apgError = 0;
const tensorErrors = Object.fromEntries(Object.keys(guiders).map((name) => [name, 0]));
for (let trial = 0; trial < 2000; trial += 1) {
  const sigma = Math.exp(Math.log(0.002) + random.uniforms(1)[0] * Math.log(80 / 0.002));
  const w = 8 * random.uniforms(1)[0];
  const labels = Int32Array.from(random.uniforms(8), (u) => Math.min(classes - 1, Math.floor(u * classes)));
  const x = Float64Array.from(random.normals(8 * dimension), (value) => Math.fround(value * Math.hypot(1.6, sigma)));
  cfgError = Math.max(cfgError, relative(createCfgGuider({ guidanceScale: w }).guideFloat64(float64Denoisers(labels))(x, sigma), cfgByScores(x, sigma, labels, w), x));
  apgError = Math.max(apgError, relative(createApgGuider({ guidanceScale: w, eta: 1 }).guideFloat64(float64Denoisers(labels))(x, sigma), cfgByScores(x, sigma, labels, w), x));
  if (trial % 20 === 0) {
    for (const [name, make] of Object.entries(guiders)) {
      const inputs = createClassGuidanceDenoisers(mixture.classDenoiser, { labels, numClasses: classes });
      const guided = make(w).guide(inputs);
      const input = tf.tensor2d(Float32Array.from(x), [8, dimension]);
      const output = guided(input, sigma);
      tensorErrors[name] = Math.max(tensorErrors[name], relative(output.dataSync(), make(w).guideFloat64(float64Denoisers(labels))(x, sigma), x));
      tf.dispose([input, output]);
      guided.dispose();
      inputs.dispose();
    }
  }
}
console.log('exactness (largest |error| / max(1, |D|, |x|)):');
console.log(`  float64 CFG against the score form: ${cfgError.toExponential(2)} (2,000 cases)`);
console.log(`  float64 APG (eta 1, no clamp) against the score form: ${apgError.toExponential(2)}`);
for (const [name, error] of Object.entries(tensorErrors)) console.log(`  float32 tensor ${name} against its float64 path: ${error.toExponential(2)} (100 cases)`);

// (2) The curve.
const count = 4000;
const labels = Int32Array.from({ length: count }, (_, row) => row % classes);
const sigmas = karrasLadder(20);
const directions = createCircleDirections(64);
function measure(samples, sampleLabels) {
  let nearest = 0;
  let wasserstein = 0;
  for (let k = 0; k < classes; k += 1) {
    const rows = [];
    sampleLabels.forEach((label, row) => label === k && rows.push(row));
    const points = Float64Array.from(rows.flatMap((row) => [samples[2 * row], samples[2 * row + 1]]));
    wasserstein += slicedWasserstein1ToMixture(points, { weights: [1], means: [mixture.means[k]], variances: [mixture.variances[k]] }, { directions }) / classes;
  }
  sampleLabels.forEach((label, row) => {
    const distances = mixture.means.map((mean) => Math.hypot(samples[2 * row] - mean[0], samples[2 * row + 1] - mean[1]));
    if (distances.indexOf(Math.min(...distances)) === label) nearest += 1;
  });
  return { wasserstein, nearest: nearest / sampleLabels.length };
}
const drawn = mixture.sampleLabelledArray(count, createRandomSource(8));
const exact = measure(Float32Array.from(drawn.points), drawn.labels);
console.log(`\nexact draws from the components (${count}): per-class W1 ${exact.wasserstein.toFixed(4)} (the floor at this count), nearest ${exact.nearest.toFixed(3)}`);
const scales = [0, 0.5, 1, 1.5, 2, 3, 4, 6];
const inputs = createClassGuidanceDenoisers(mixture.classDenoiser, { labels, numClasses: classes });
const noise = tf.tidy(() => tf.mul(randomNormalTensor(createRandomSource(3), [count, dimension]), sigmas[0]));
console.log(`\nDPM-Solver++(2M), 20 Karras steps (sigma 80 -> 0.002), ${count} samples, balanced labels:`);
console.log(`| guider | ${scales.map((w) => `w = ${w}`).join(' | ')} |`);
console.log(`|---|${scales.map(() => '---').join('|')}|`);
for (const [name, make] of Object.entries(guiders)) {
  const cells = scales.map((w) => {
    const guided = make(w).guide(inputs);
    const samples = createDpmpp2mSampler().sample(guided, noise, sigmas);
    guided.dispose();
    const values = Float32Array.from(samples.dataSync());
    samples.dispose();
    const { wasserstein, nearest } = measure(values, labels);
    return `${wasserstein.toFixed(3)} / ${nearest.toFixed(3)}`;
  });
  console.log(`| ${name} | ${cells.join(' | ')} |`);
}
console.log('(each cell: per-class sliced W1 to the own component / fraction nearest the requested component)');
tf.dispose(noise);
inputs.dispose();
