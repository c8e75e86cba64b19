// Prints, for every folder diffusers v0.31.0 wrote in src/__fixtures__ (make_fixtures.py /
// make_vectors.py), our forward error and our 10-step DDIM error against diffusers' own numbers,
// with the folder's config (the keys that differ from UNet2DModel's defaults) and weight dtype.
// The same checks are the tests src/unet2d-forward.test.ts (bound 1e-4 of max |ref|) and
// src/pipeline/load-diffusers-pipeline.test.ts (bound 1e-3); this prints them as one table.
// Run after `pnpm build`: node packages/diffusers/scripts/conformance-table.mjs [--backend cpu|wasm]
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { loadDiffusersPipeline, readUnet2DModelConfig } from '@diffusion/diffusers';
import { decodeSafetensors } from '@diffusion/safetensors';

const backend = process.argv.includes('--backend') ? process.argv[process.argv.indexOf('--backend') + 1] : 'cpu';
tf.env().set('IS_TEST', true); // no tfjs-node banner
await tf.setBackend(backend);
await tf.ready();

const root = fileURLToPath(new URL('../src/__fixtures__/', import.meta.url));
const folders = readdirSync(root).filter((name) => existsSync(`${root}${name}/vectors.json`)).sort((a, b) => (a === 'unet2d-tiny' ? -1 : b === 'unet2d-tiny' ? 1 : a.localeCompare(b)));

/** max |ours - ref| / max |ref|. */
function relativeMaxError(ours, reference) {
  let error = 0;
  let scale = 0;
  for (let index = 0; index < reference.length; index += 1) {
    error = Math.max(error, Math.abs(ours[index] - reference[index]));
    scale = Math.max(scale, Math.abs(reference[index]));
  }
  return ours.length === reference.length ? error / scale : Infinity;
}
const nhwc = (values, shape) => tf.tidy(() => tf.transpose(tf.tensor(values, shape), [0, 2, 3, 1]));
const nchw = (x) => tf.tidy(() => tf.transpose(x, [0, 3, 1, 2]).dataSync());

// UNet2DModel's own defaults (sample_size aside), as our reader fills them in.
const defaults = readUnet2DModelConfig({ sample_size: 64 });
function configKeys(raw) {
  const resolved = readUnet2DModelConfig(raw);
  // As written (UNetRes block names, say), where the file differs from the defaults once read.
  const shown = (key) => (key in raw ? raw[key] : resolved[key]);
  const keys = Object.keys(resolved).filter((key) => !key.startsWith('_') && key !== 'sample_size' && JSON.stringify(shown(key)) !== JSON.stringify(defaults[key]));
  const absent = Object.keys(defaults).filter((key) => !key.startsWith('_') && !(key in raw) && !['time_embedding_dim', 'mid_block_type'].includes(key));
  return [`sample_size=${JSON.stringify(raw.sample_size)}`, ...keys.map((key) => `${key}=${JSON.stringify(shown(key))}`), ...(absent.length > 0 ? [`(absent: ${absent.join(', ')})`] : [])].join(' ').replaceAll('"', '');
}

console.log(`backend ${tf.getBackend()}; load average ${loadavg().map((value) => value.toFixed(1)).join(' ')}`);
console.log('| folder | config (keys off UNet2DModel defaults) | weights | forward error / max\\|ref\\| | 10-step DDIM error / max\\|ref\\| |');
console.log('| --- | --- | --- | --- | --- |');
let worstForward = 0;
let worstDdim = 0;
for (const name of folders) {
  const folder = `${root}${name}`;
  const vectors = JSON.parse(readFileSync(`${folder}/vectors.json`, 'utf8'));
  const raw = JSON.parse(readFileSync(`${folder}/config.json`, 'utf8'));
  const weightsFile = `${folder}/diffusion_pytorch_model.safetensors`;
  const file = decodeSafetensors(new Uint8Array(readFileSync(weightsFile)), weightsFile);
  const dtypes = [...new Set([...file.tensors.values()].map((tensor) => tensor.dtype))].join('+');
  const legacy = [...file.tensors.keys()].some((key) => key.endsWith('.query.weight')) ? ', legacy names' : '';
  const pipeline = await loadDiffusersPipeline(folder);
  const labels = vectors.input.class_labels;
  const forward = tf.tidy(() => {
    const x = nhwc(vectors.input.x, vectors.input.shape);
    const output = pipeline.backbone.apply(x, tf.tensor1d(vectors.input.timesteps), labels === null ? undefined : tf.tensor1d(labels, 'int32'));
    return relativeMaxError(nchw(output), vectors.output.sample);
  });
  const noise = nhwc(vectors.ddim.x_T, vectors.input.shape);
  const sample = pipeline.sample({ noise, steps: vectors.ddim.num_inference_steps, eta: vectors.ddim.eta, ...(labels === null ? {} : { classLabels: labels }) });
  const ddim = relativeMaxError(nchw(sample), vectors.ddim.final);
  tf.dispose([noise, sample]);
  pipeline.dispose();
  worstForward = Math.max(worstForward, forward);
  worstDdim = Math.max(worstDdim, ddim);
  console.log(`| \`${name}\` | ${configKeys(raw)}${labels === null ? '' : `; labels ${labels.join(', ')}`} | ${dtypes}${legacy} | ${forward.toExponential(2)} | ${ddim.toExponential(2)} |`);
}
console.log(`\n${folders.length} folders; worst forward ${worstForward.toExponential(2)} (bound 1e-4), worst DDIM ${worstDdim.toExponential(2)} (bound 1e-3); load average after ${loadavg().map((value) => value.toFixed(1)).join(' ')}`);
if (worstForward >= 1e-4 || worstDdim >= 1e-3) process.exitCode = 1;
