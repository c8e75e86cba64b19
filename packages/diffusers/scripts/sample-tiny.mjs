// Samples the tiny diffusers folder (src/__fixtures__/unet2d-tiny) with diffusers' own DDIM loop
// and with three of our samplers, printing wall-clock times and the DDIM error against diffusers.
// Run after `pnpm build`: node packages/diffusers/scripts/sample-tiny.mjs [--backend wasm|cpu]
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { loadDiffusersPipeline } from '@diffusion/diffusers';
import { createDpmpp2mSampler, createEulerSampler, createHeunSampler, createUnipcSampler } from '@diffusion/samplers';

const backend = process.argv.includes('--backend') ? process.argv[process.argv.indexOf('--backend') + 1] : 'wasm';
await tf.setBackend(backend);
await tf.ready();
const folder = fileURLToPath(new URL('../src/__fixtures__/unet2d-tiny', import.meta.url));
const vectors = JSON.parse(readFileSync(`${folder}/vectors.json`, 'utf8'));
const pipeline = await loadDiffusersPipeline(folder);
const shape = vectors.input.shape;
const noise = tf.tidy(() => tf.transpose(tf.tensor(vectors.ddim.x_T, shape), [0, 2, 3, 1]));
const nchw = (x) => tf.tidy(() => tf.transpose(x, [0, 3, 1, 2]).dataSync());
const error = (ours, ref) => Math.max(...ref.map((value, index) => Math.abs(ours[index] - value))) / Math.max(...ref.map(Math.abs));
console.log(`backend ${tf.getBackend()}, load average ${loadavg().map((value) => value.toFixed(1)).join(' ')}`);
const runs = [['diffusers DDIM loop (native)', undefined], ['euler', createEulerSampler()], ['heun', createHeunSampler()], ['dpmpp-2m', createDpmpp2mSampler()], ['unipc', createUnipcSampler()]];
for (const [name, sampler] of runs) {
  pipeline.sample({ noise, steps: 2, ...(sampler ? { sampler } : {}) }).dispose(); // warm-up
  const start = performance.now();
  const sample = pipeline.sample({ noise, steps: 10, ...(sampler ? { sampler } : {}) });
  const values = nchw(sample);
  const seconds = (performance.now() - start) / 1000;
  const calls = sampler ? sampler.evaluations?.(10) ?? 10 : 10;
  const extra = sampler ? '' : `, |ours - diffusers| / max|diffusers| = ${error(values, vectors.ddim.final).toExponential(2)}`;
  console.log(`${name}: 10 steps, ${calls} network calls, ${seconds.toFixed(2)} s${extra}`);
  sample.dispose();
}
console.log(`load average after ${loadavg().map((value) => value.toFixed(1)).join(' ')}`);
