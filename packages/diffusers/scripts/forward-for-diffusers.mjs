// Writes the files /work/shared/diffusers-reference/load_folder.py compares for a model folder:
//   node scripts/forward-for-diffusers.mjs FOLDER OUT_DIR [--labels 3,7]
// OUT_DIR/vectors.json holds a fixed seeded input (NCHW, timesteps 999 and 37, class labels when
// the model is class-conditional) and OUT_DIR/ours.json our forward output on it (NCHW), so that
//   python3 load_folder.py FOLDER OUT_DIR/vectors.json OUT_DIR/ours.json
// reports missing / unexpected keys and the error of diffusers' output against ours.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRandomSource } from '@diffusion/core';
import { loadUnet2DModel } from '@diffusion/diffusers';

const [folder, out] = process.argv.slice(2);
if (folder === undefined || out === undefined) throw new Error('usage: node scripts/forward-for-diffusers.mjs FOLDER OUT_DIR');
await tf.setBackend('cpu');
const model = await loadUnet2DModel(folder);
const [height, width] = model.config.sample_size;
const shape = [2, model.config.in_channels, height, width];
const x = Float32Array.from(createRandomSource(2024).normals(shape.reduce((a, b) => a * b, 1)));
const timesteps = [999, 37];
const classes = model.config.num_class_embeds;
const labels = classes === null ? null : [Math.min(3, classes - 1), classes - 1];
const nchw = tf.tensor(x, shape);
const input = tf.transpose(nchw, [0, 2, 3, 1]);
const output = model.apply(input, tf.tensor1d(timesteps), labels === null ? undefined : tf.tensor1d(labels, 'int32'));
const sample = Array.from(tf.transpose(output, [0, 3, 1, 2]).dataSync());
mkdirSync(out, { recursive: true });
writeFileSync(`${out}/vectors.json`, JSON.stringify({ input: { shape, x: Array.from(x), timesteps, class_labels: labels }, output: { shape: [2, model.config.out_channels, height, width], sample } }));
writeFileSync(`${out}/ours.json`, JSON.stringify({ sample }));
console.log(`${folder}: ${model.variables().size} tensors, ${model.parameterCount} parameters; wrote ${out}/vectors.json and ${out}/ours.json`);
