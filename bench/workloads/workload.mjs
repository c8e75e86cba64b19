// One run of one canonical workload (W1–W4 of /work/shared/bench/WORKLOADS.md, copied into
// README.md here) through the project's own packages: @diffusion/backbones for the networks,
// @diffusion/training's createTrainer for training steps, @diffusion/samplers' DDPM / DDIM with
// @diffusion/parameterisations' createDenoiser for sampling. Prints one JSON line on stdout.
// Runs against the built packages (`pnpm build`). Usage:
//   node bench/workloads/workload.mjs w1|w2|w3|w4 [--backend wasm|cpu] [--steps N] [--warmup N]
//        [--threads N] [--xnnpack-threads N] [--no-fast-kernels]
import { parseArgs } from 'node:util';
import '@tensorflow/tfjs'; // the umbrella registers the gradient functions in Node
import * as tf from '@tensorflow/tfjs-core';
import * as wasmBackend from '@tensorflow/tfjs-backend-wasm';
import { createRandomSource, randomNormalTensor } from '../../packages/core/dist/index.js';
import { createMlpBackbone, createUnetBackbone } from '../../packages/backbones/dist/index.js';
import { registerDiffusionKernels, selectBackend } from '../../packages/kernels-wasm/dist/index.js';
import { createDenoiser, createEpsParameterisation } from '../../packages/parameterisations/dist/index.js';
import { createDdimSampler, createDdpmSampler } from '../../packages/samplers/dist/index.js';
import { createLinearSchedule, sigmasAtTimesteps } from '../../packages/schedules/dist/index.js';
import { createTrainer } from '../../packages/training/dist/index.js';

/** FLOP counts of WORKLOADS.md (2 × multiply-adds of Linear / Conv layers). */
export const workloadFlops = { w1: 422_051_840, w2: 2_805_760_000, w3: 47_641_853_952, w4: 15_890_251_776 };
const defaults = { w1: { steps: 200, warmup: 20 }, w2: { steps: 100, warmup: 1 }, w3: { steps: 3, warmup: 1 }, w4: { steps: 10, warmup: 1 } };

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    backend: { type: 'string', default: 'wasm' },
    steps: { type: 'string' },
    warmup: { type: 'string' },
    threads: { type: 'string', default: '1' },
    // XNNPACK's pool inside the threaded build (default: --threads); our kernels use --threads either way.
    'xnnpack-threads': { type: 'string' },
    'no-fast-kernels': { type: 'boolean', default: false },
    // Prototype of the native route (../native-prototype): BatchMatMul by OpenBLAS on the wasm heap.
    'native-sgemm': { type: 'string' },
  },
});
const workload = positionals[0];
if (!(workload in defaults)) throw new Error(`workload: expected one of w1, w2, w3, w4; got ${workload}`);
if (!['wasm', 'cpu'].includes(args.backend)) throw new Error(`--backend: expected wasm or cpu; got ${args.backend}`);
const steps = Number(args.steps ?? defaults[workload].steps);
const warmup = Number(args.warmup ?? defaults[workload].warmup);
const threads = Number(args.threads);

let registered = [];
// More than one thread: tfjs-backend-wasm's threaded build, started in Node by @diffusion/kernels-wasm.
await selectBackend(args.backend, args.backend === 'wasm' ? { wasmThreads: threads, ...(args['xnnpack-threads'] === undefined ? {} : { xnnpackThreads: Number(args['xnnpack-threads']) }) } : {});
if (tf.getBackend() !== args.backend) throw new Error(`backend ${args.backend} did not start (got ${tf.getBackend()})`);
{
  // DIFFUSION_KERNEL_OPTIONS: JSON options of the stock-kernel replacement (and simdConvWeightGradient).
  const { simdConvWeightGradient, ...stock } = JSON.parse(process.env.DIFFUSION_KERNEL_OPTIONS ?? '{}');
  const replaceStockKernels = args.backend !== 'wasm' ? false : args['no-fast-kernels'] ? { fastTransposedMatMul: false, fastConvInputGradient: false, fastConcat: false } : stock;
  const registration = registerDiffusionKernels({ replaceStockKernels, ...(simdConvWeightGradient === undefined ? {} : { simdConvWeightGradient }) });
  registered = [...registration.registered, ...registration.replaced];
}
if (args['native-sgemm'] !== undefined) {
  const { registerNativeMatMul } = await import('../native-prototype/native-matmul-kernel.mjs');
  registerNativeMatMul(args['native-sgemm']);
  registered.push('BatchMatMul (native OpenBLAS prototype)');
}
const actualThreads = args.backend === 'wasm' ? wasmBackend.getThreadsCount() : 1;

const schedule = createLinearSchedule({ numTrainTimesteps: 1000, betaStart: 1e-4, betaEnd: 0.02 });
const parameterisation = createEpsParameterisation();
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
let peakTensorBytes = 0;
const watchMemory = () => {
  peakTensorBytes = Math.max(peakTensorBytes, tf.memory().numBytes);
};

/** W1 network: Linear(34,256) → SiLU → Linear(256,256) → SiLU → Linear(256,256) → SiLU → Linear(256,2). */
const mlp = () => createMlpBackbone({ dimension: 2, hiddenWidths: [256, 256, 256], embeddingDimension: 32, timeEmbedding: 'sinusoidal', seed: 0 });
/** W3 network: the 28×28 U-Net (32/64 channels, one ResBlock per level, emb_64 → 128). */
const unet = () => createUnetBackbone({ imageSize: 28, channels: 1, baseChannels: 32, channelMultipliers: [1, 2], numResBlocks: 1, embeddingDimension: 64, groups: 8, seed: 0 });

/** Timed training steps: draw 512 / 64 indices, gather the batch, trainer.step (which reads the loss back). */
function train(backbone, data, batch, learningRate) {
  const trainer = createTrainer({ backbone, schedule, parameterisation, optimizer: { learningRate, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }, batchSize: batch, seed: 0 });
  const random = createRandomSource(1234);
  const count = data.shape[0];
  const times = [];
  let loss = Number.NaN;
  const startTensors = tf.memory().numTensors;
  for (let index = 0; index < warmup + steps; index += 1) {
    const start = performance.now();
    const indices = tf.tensor1d(Int32Array.from(random.integers(batch, count)), 'int32');
    const batchX0 = tf.gather(data, indices);
    loss = trainer.step(batchX0).loss;
    indices.dispose();
    batchX0.dispose();
    const elapsed = performance.now() - start;
    if (index >= warmup) times.push(elapsed);
    watchMemory();
  }
  const leakedTensors = tf.memory().numTensors - startTensors;
  trainer.dispose();
  return { times, loss, leakedTensors };
}

/** Timed sampling steps via onStep time stamps (wasm and cpu kernels run synchronously). */
function sample(sampler, denoiser, shape, sigmas, measured) {
  // The ladder: the first `measured + 1` sigmas then 0, so the timed steps all add noise / move.
  const ladder = Float64Array.from([...sigmas.subarray(0, measured + 1), 0]);
  const startTensors = tf.memory().numTensors;
  const noise = tf.tidy(() => tf.mul(randomNormalTensor(createRandomSource(7), shape), Math.sqrt(1 + ladder[0] ** 2)));
  for (let index = 0; index < warmup; index += 1) {
    const denoised = denoiser(noise, ladder[0]);
    denoised.dataSync();
    denoised.dispose();
  }
  const stamps = [];
  const start = performance.now();
  const result = sampler.sample(denoiser, noise, ladder, {
    seed: 3,
    onStep: () => {
      stamps.push(performance.now());
      watchMemory();
    },
  });
  const checksum = tf.tidy(() => tf.mean(tf.abs(result)).dataSync()[0]);
  result.dispose();
  noise.dispose();
  const times = stamps.slice(0, measured).map((stamp, index) => stamp - (index === 0 ? start : stamps[index - 1]));
  return { times, measuredSeconds: (stamps[measured - 1] - start) / 1000, checksum, leakedTensors: tf.memory().numTensors - startTensors };
}

function swissRoll(count, random) {
  const u = random.uniforms(count);
  const noise = random.normals(2 * count);
  const points = new Float32Array(2 * count);
  for (let index = 0; index < count; index += 1) {
    const theta = 1.5 * Math.PI * (1 + 2 * u[index]);
    points[2 * index] = (theta * Math.cos(theta)) / 5 + 0.05 * noise[2 * index];
    points[2 * index + 1] = (theta * Math.sin(theta)) / 5 + 0.05 * noise[2 * index + 1];
  }
  return tf.tensor2d(points, [count, 2]);
}

const networkOf = (backbone) => (input, time) => backbone.apply(input, time);
const allTimesteps = Float64Array.from({ length: 1000 }, (_, index) => 999 - index);
const ddimTimesteps = Float64Array.from({ length: 50 }, (_, index) => 980 - 20 * index);

let result;
let parameters;
if (workload === 'w1' || workload === 'w3') {
  const backbone = workload === 'w1' ? mlp() : unet();
  parameters = backbone.parameterCount;
  const data = workload === 'w1'
    ? swissRoll(10_000, createRandomSource(1234))
    : tf.tidy(() => tf.sub(tf.mul(tf.tensor(Float32Array.from(createRandomSource(1234).uniforms(1024 * 784)), [1024, 28, 28, 1]), 2), 1));
  result = train(backbone, data, workload === 'w1' ? 512 : 64, workload === 'w1' ? 1e-3 : 2e-4);
  data.dispose();
  backbone.dispose();
} else {
  const backbone = workload === 'w2' ? mlp() : unet();
  parameters = backbone.parameterCount;
  const denoiser = createDenoiser({ network: networkOf(backbone), parameterisation, schedule });
  result = workload === 'w2'
    ? sample(createDdpmSampler({ variance: 'beta' }), denoiser, [10_000, 2], sigmasAtTimesteps(schedule, allTimesteps), steps)
    : sample(createDdimSampler({ eta: 0 }), denoiser, [64, 28, 28, 1], sigmasAtTimesteps(schedule, ddimTimesteps), Math.min(steps, 50));
  backbone.dispose();
}

const stepSeconds = median(result.times) / 1000;
const flopsPerStep = workloadFlops[workload];
const gflops = flopsPerStep / stepSeconds / 1e9;
const scaled = { w1: undefined, w2: 1000, w3: undefined, w4: 50 }[workload];
const wasmHeapBytes = args.backend === 'wasm' ? tf.backend().wasm.HEAPU8.byteLength : undefined;
console.log(JSON.stringify({
  framework: 'diffusion',
  workload,
  backend: args.backend,
  threads: actualThreads,
  fastKernels: registered,
  parameters,
  stepsTimed: result.times.length,
  warmup,
  medianStepMs: stepSeconds * 1000,
  stepsPerSecond: 1 / stepSeconds,
  // W2 / W4: the whole schedule (1000 / 50 steps) from the median step, as WORKLOADS.md allows.
  seconds: scaled === undefined ? stepSeconds : scaled * stepSeconds,
  measuredSeconds: result.measuredSeconds,
  gflopsPerSecond: gflops,
  ceilingFraction: gflops / 44,
  peakRssBytes: process.resourceUsage().maxRSS * 1024,
  peakTensorBytes,
  wasmHeapBytes,
  leakedTensors: result.leakedTensors,
  finalLoss: result.loss,
  checksum: result.checksum,
}));
process.exit(0);
