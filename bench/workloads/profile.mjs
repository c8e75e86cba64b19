// Kernel-time profile of one training step / sampling evaluation through the packages (tf.profile).
// Usage: node bench/workloads/profile.mjs w1|w3|w2|w4 [--threads N] [--xnnpack-threads P] [--no-fast-kernels] [--repeat N]
import { parseArgs } from 'node:util';
import '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs-core';
import * as wasmBackend from '@tensorflow/tfjs-backend-wasm';
import { createRandomSource } from '../../packages/core/dist/index.js';
import { createMlpBackbone, createUnetBackbone } from '../../packages/backbones/dist/index.js';
import { registerDiffusionKernels, selectBackend } from '../../packages/kernels-wasm/dist/index.js';
import { createEpsParameterisation } from '../../packages/parameterisations/dist/index.js';
import { createLinearSchedule } from '../../packages/schedules/dist/index.js';
import { createTrainer } from '../../packages/training/dist/index.js';

const { values: args, positionals } = parseArgs({ allowPositionals: true, options: { threads: { type: 'string', default: '1' }, 'xnnpack-threads': { type: 'string' }, 'no-fast-kernels': { type: 'boolean', default: false }, repeat: { type: 'string', default: '3' } } });
const workload = positionals[0] ?? 'w1';
await selectBackend('wasm', { wasmThreads: Number(args.threads), ...(args['xnnpack-threads'] === undefined ? {} : { xnnpackThreads: Number(args['xnnpack-threads']) }) });
registerDiffusionKernels({ replaceStockKernels: args['no-fast-kernels'] ? { fastTransposedMatMul: false, fastConvInputGradient: false, fastConcat: false } : true });
const schedule = createLinearSchedule();
const parameterisation = createEpsParameterisation();
const image = workload === 'w3' || workload === 'w4';
const backbone = image
  ? createUnetBackbone({ imageSize: 28, channels: 1, baseChannels: 32, channelMultipliers: [1, 2], embeddingDimension: 64 })
  : createMlpBackbone({ dimension: 2, embeddingDimension: 32 });
const batch = { w1: 512, w2: 10000, w3: 64, w4: 64 }[workload];
const shape = image ? [batch, 28, 28, 1] : [batch, 2];
const x = tf.tensor(Float32Array.from(createRandomSource(1).normals(shape.reduce((a, b) => a * b))), shape);
const trainer = createTrainer({ backbone, schedule, parameterisation, optimizer: { learningRate: 1e-3 } });
const run = workload === 'w1' || workload === 'w3'
  ? () => { trainer.step(x); }
  : () => tf.tidy(() => { backbone.apply(x, tf.fill([batch], 0.5)).dataSync(); });
run();
const totals = new Map();
const individual = [];
let wall = 0;
const repeat = Number(args.repeat);
for (let r = 0; r < repeat; r += 1) {
  const start = performance.now();
  const info = await tf.profile(run);
  wall += performance.now() - start;
  for (const kernel of info.kernels) {
    const entry = totals.get(kernel.name) ?? { ms: 0, calls: 0 };
    const ms = await kernel.kernelTimeMs;
    individual.push([ms, kernel.name, JSON.stringify(kernel.inputShapes)]);
    entry.ms += ms / repeat;
    entry.calls += 1 / repeat;
    totals.set(kernel.name, entry);
  }
}
const sorted = [...totals].sort((a, b) => b[1].ms - a[1].ms);
const sum = sorted.reduce((total, [, entry]) => total + entry.ms, 0);
console.log(`${workload}: wall ${(wall / repeat).toFixed(1)} ms/step (profiled), kernel sum ${sum.toFixed(1)} ms`);
if (process.env.TOP) for (const [ms, name, shapes] of individual.sort((a, b) => b[0] - a[0]).slice(0, Number(process.env.TOP))) console.log(ms.toFixed(1).padStart(8), name, shapes);
for (const [name, entry] of sorted.slice(0, 16)) console.log(`${name.padEnd(24)} ${entry.ms.toFixed(2).padStart(9)} ms ${entry.calls.toFixed(0).padStart(5)} calls`);
