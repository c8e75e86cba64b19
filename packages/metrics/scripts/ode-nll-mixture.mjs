// The probability-flow ODE NLL (odeLogLikelihood) of the exact denoiser of the conformance mixture
// (the `pnpm compare` default: four Gaussians at (±1.5, ±1.5), std 0.3) on compare's 2,000 held-out
// points (seed 0, stream 'held-out'), at tightening tolerances, against the closed-form NLL of those
// points and the discrete ELBO bound of DDPM's chain (linear betas, T = 1000, every timestep) with
// the same exact model. The ODE runs over the linear schedule's training range of sigma, as compare.
// Run from packages/metrics: `pnpm ode-nll-mixture` (builds dist first; about a minute on wasm).
// Options: --points N (default 2000), --seed N (default 0), --tolerances 1e-2,1e-3,... (rtol = atol).
import '@tensorflow/tfjs'; // registers the gradients (tfjs-core alone does not, outside bundlers)
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { registerDiffusionKernels } from '@diffusion/kernels-wasm';
import { createRandomSource } from '@diffusion/core';
import { createConformanceMixture, createGaussianMixture } from '@diffusion/data';
import { createLinearSchedule, trainingSigmaRange } from '@diffusion/schedules';
import { nllBoundFromDenoiser, odeLogLikelihood } from '../dist/index.js';

const argument = (name, fallback) => {
  const index = process.argv.indexOf(`--${name}`);
  return index < 0 ? fallback : process.argv[index + 1];
};
const count = Number(argument('points', 2000));
const seed = Number(argument('seed', 0));
const tolerances = argument('tolerances', '1e-2,1e-3,1e-4,1e-5,1e-6').split(',').map(Number);

await tf.setBackend('wasm');
await tf.ready();
registerDiffusionKernels({ replaceStockKernels: true });

const mixture = createConformanceMixture();
// compare's held-out points: createRandomSource(seed).fork('held-out'), the first draws of the stream.
const points = mixture.sampleArray(count, createRandomSource(seed).fork('held-out'));
const data = tf.tensor2d(Float32Array.from(points), [count, 2]);
const schedule = createLinearSchedule();
const { sigmaMin, sigmaMax } = trainingSigmaRange(schedule);
const meanOf = (values) => values.reduce((sum, value) => sum + value, 0) / values.length;
const spreadOf = (values) => {
  const mean = meanOf(values);
  return Math.sqrt(values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (values.length - 1) / values.length);
};
const trueNll = Array.from(mixture.logDensity(points), (value) => -value);
// What the ODE computes exactly: the density of x0 + sigmaMin n, the mixture with variances + sigmaMin^2.
const smoothed = createGaussianMixture({ means: mixture.means.map((mean) => Array.from(mean)), std: mixture.variances.map((variance) => Array.from(variance, (v) => Math.sqrt(v + sigmaMin * sigmaMin))), weights: Array.from(mixture.weights) });
const smoothedNll = Array.from(smoothed.logDensity(points), (value) => -value);
console.log(`${count} held-out points (seed ${seed}); true NLL ${meanOf(trueNll).toFixed(5)} ± ${spreadOf(trueNll).toFixed(3)} nats per point; at sigmaMin = ${sigmaMin.toPrecision(4)}: ${meanOf(smoothedNll).toFixed(5)}; ODE from sigma ${sigmaMin.toPrecision(4)} to ${sigmaMax.toPrecision(5)}, exact divergence, wasm backend`);

let started = performance.now();
const bound = nllBoundFromDenoiser({ denoiser: mixture.veDenoiser, schedule, data, random: createRandomSource(seed).fork('nll-bound') });
const gap = Array.from(bound.perPoint, (value, row) => value - trueNll[row]);
console.log(`discrete ELBO bound (DDPM chain, T = 1000, all timesteps): ${bound.total.toFixed(4)} ± ${bound.standardError.toFixed(4)} nats per point; bound - true NLL ${meanOf(gap).toFixed(4)} ± ${spreadOf(gap).toFixed(4)} (paired); ${((performance.now() - started) / 1000).toFixed(1)} s`);

console.log('\n| rtol = atol | ODE NLL (nats per point) | - true NLL | - NLL at sigmaMin | bound - ODE NLL (paired) | NFE | steps (+ rejected) | seconds |');
console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const tolerance of tolerances) {
  started = performance.now();
  const result = odeLogLikelihood({ denoiser: mixture.veDenoiser, data, sigmaMin, sigmaMax, rtol: tolerance, atol: tolerance, batchSize: count });
  const seconds = (performance.now() - started) / 1000;
  const below = Array.from(result.perPoint, (value, row) => bound.perPoint[row] - value);
  console.log(`| ${tolerance.toExponential(0)} | ${result.nll.toFixed(5)} ± ${result.standardError.toFixed(3)} | ${(result.nll - meanOf(trueNll)).toExponential(2)} | ${(result.nll - meanOf(smoothedNll)).toExponential(2)} | ${meanOf(below).toFixed(4)} ± ${spreadOf(below).toFixed(4)} | ${result.nfe} | ${result.acceptedSteps} + ${result.rejectedSteps} | ${seconds.toFixed(1)} |`);
}
data.dispose();
