import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createRandomSource, randomNormalTensor } from '../packages/core/dist/index.js';
import { builtinSamplers, createLmsSampler, createUnipcSampler, createDpmpp3mSampler } from '../packages/samplers/dist/index.js';
import { createDeisSampler } from '../apps/diffusion-sampler-deis/dist/index.js';
await tf.setBackend('cpu');
const rho = Number(process.argv[2] ?? 3), smin = Number(process.argv[3] ?? 0.002), smax = Number(process.argv[4] ?? 80);
const Ns = (process.argv[5] ?? '16,32,64,128').split(',').map(Number);
const karras = (n) => { const a = smax ** (1 / rho), b = smin ** (1 / rho); const l = new Float64Array(n + 1); for (let i = 0; i < n; i++) l[i] = (a + (i / (n - 1)) * (b - a)) ** rho; return l; };
const gaussian = (x, sigma) => tf.tidy(() => tf.mul(x, 1 / (1 + sigma * sigma)));
const unit = randomNormalTensor(createRandomSource(9), [256, 2]);
const start = tf.mul(unit, smax);
const exact = Float64Array.from(start.dataSync(), (v) => v / Math.sqrt(1 + smax * smax));
const norm = Math.sqrt(exact.reduce((s, v) => s + v * v, 0));
const samplers = [4,5,6,8,12,16].map((order) => createLmsSampler({ order }));
for (const s of samplers) {
  const errs = Ns.map((n) => { const out = s.sample(gaussian, start, karras(n)); const v = out.dataSync(); out.dispose(); let e = 0; v.forEach((x, i) => (e += (x - exact[i]) ** 2)); return Math.sqrt(e) / norm; });
  console.log(`${s.name}${JSON.stringify(s.options)}`.padEnd(60), 'order', s.order, errs.map((e) => e.toExponential(2)).join(' '), ' measured', errs.slice(1).map((e, i) => (Math.log(errs[i] / e) / Math.log(Ns[i + 1] / Ns[i])).toFixed(2)).join(' '));
}
