// Re-runs the bench's tuning of the cells whose tuned ladder is the best figure of its NFE
// (bench/samplers/results/latest.json), with the same inputs as run.mjs, on the current
// @diffusion/ladder-tuning: reports whether the paired check accepts and whether the ladder is the
// one of record (then the bench figure of record stands for the current code).
// Usage: node bench/samplers/recheck-tuned.mjs [sampler:nfe ...]   (default dpmpp-3m:5 dpmpp-3m:10)
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { createRandomSource } from '../../packages/core/dist/index.js';
import { createConformanceMixture } from '../../packages/data/dist/index.js';
import { tuneLadder } from '../../packages/ladder-tuning/dist/index.js';
import { builtinSamplerFactories } from '../../packages/samplers/dist/index.js';
import { createLinearSchedule } from '../../packages/schedules/dist/index.js';
import { standardLadders } from './ladders.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const record = JSON.parse(readFileSync(join(here, 'results', 'latest.json'), 'utf8'));
await tf.setBackend('wasm');
await tf.ready();
const schedule = createLinearSchedule({ betaStart: 1e-4, betaEnd: 0.02, numTrainTimesteps: 1000 });
const mixture = createConformanceMixture();
const heldOut = tf.tensor2d(Float32Array.from(mixture.sampleArray(20_000, createRandomSource(4242))), [20_000, 2]);
const cells = process.argv.length > 2 ? process.argv.slice(2) : ['dpmpp-3m:5', 'dpmpp-3m:10'];
for (const cell of cells) {
  const [name, nfeText] = cell.split(':');
  const nfe = Number(nfeText);
  const sampler = builtinSamplerFactories()[name]();
  const steps = Math.floor(nfe / sampler.evaluationsPerStep); // dpmpp-3m: one call per step
  const result = tuneLadder({ denoiser: mixture.veDenoiser, sampler, start: standardLadders(schedule, steps), heldOut, samples: 3000, seed: 7, checkSeed: 8, startScale: 'vp', search: { maxEvaluations: 80 } });
  const old = record.tunedLadders[name][nfe];
  const same = old.ladder.length === result.tuned.length && old.ladder.every((value, index) => Math.abs(value - result.tuned[index]) <= 1e-9 * Math.abs(value));
  console.log(JSON.stringify({ cell, start: result.start.name, accepted: result.accepted, tunedSameAsRecord: same, recordAccepted: old.accepted, check: { start: result.check.start, tuned: result.check.tuned, difference: result.check.difference, standardError: result.check.standardError, runs: result.check.runs }, seconds: result.seconds }));
}
heldOut.dispose();
