// Sampler benchmark: sliced Wasserstein-1 between 20,000 samples and the exact 2-D conformance
// mixture (4 components at (±1.5, ±1.5), std 0.3), over the 64 directions (cos(pi j/64), sin(pi j/64))
// against the exact projected mixture CDF, for every built-in sampler and the DEIS plugin, at
// matched NFE budgets on several sigma ladders of the linear (1e-4..0.02, T = 1000) schedule.
// Runs against the built packages: `pnpm build` first.
// Usage: node bench/samplers/run.mjs [--quick] [--no-tune] [--tuning-samples n] [--tuning-passes n] [--plugin <name or path>]...
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { createRandomSource, randomNormalTensor } from '../../packages/core/dist/index.js';
import { createConformanceMixture } from '../../packages/data/dist/index.js';
import { createCircleDirections, slicedWasserstein1ToMixture } from '../../packages/metrics/dist/index.js';
import { tuneLadder } from '../../packages/ladder-tuning/dist/index.js';
import { builtinSamplerFactories, builtinSamplers } from '../../packages/samplers/dist/index.js';
import { loadSamplerPlugin } from '../../packages/sampler-kit/dist/node.js';
import { createLinearSchedule, interpolateLadder } from '../../packages/schedules/dist/index.js';
import { standardLadders } from './ladders.mjs';
import { renderReport } from './report.mjs';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    samples: { type: 'string' },
    backend: { type: 'string', default: 'wasm' },
    'no-tune': { type: 'boolean', default: false },
    // Outside sampler plugins, found as compare finds them: a package name from the working folder, else a path.
    plugin: { type: 'string', multiple: true, default: [] },
    // The in-repo DEIS example is benchmarked too unless --no-deis.
    'no-deis': { type: 'boolean', default: false },
    // Where latest.md and latest.json go (default bench/samplers/results).
    out: { type: 'string' },
    'tuning-samples': { type: 'string' },
    'tuning-passes': { type: 'string' },
  },
});
const here = dirname(fileURLToPath(import.meta.url));
const sampleCount = Number(args.samples ?? (args.quick ? 4000 : 20_000));
const budgets = [5, 10, 20, 50];
const tunedBudgets = [5, 10, 20];
const evaluationSeed = 2024;
const tuningSeed = 7;

try {
  await tf.setBackend(args.backend);
} catch {
  await tf.setBackend('cpu');
}
await tf.ready();
const backend = tf.getBackend();

const schedule = createLinearSchedule({ betaStart: 1e-4, betaEnd: 0.02, numTrainTimesteps: 1000 });
const mixture = createConformanceMixture();
const denoise = mixture.veDenoiser;
const directions = createCircleDirections(64);
// Built-ins, then every sampler of each --plugin (DEIS also as rhoAB, as the results have always shown it).
const pluginSamplers = [];
const deisFolder = join(here, '..', '..', 'apps', 'diffusion-sampler-deis');
for (const specifier of [...(args['no-deis'] ? [] : [deisFolder]), ...args.plugin]) {
  const loaded = await loadSamplerPlugin(specifier, { cwd: process.env.INIT_CWD ?? process.cwd() });
  for (const { name, sampler, create } of loaded.samplers) {
    pluginSamplers.push(Object.assign(sampler, { plugin: specifier }));
    if (name === 'deis' && create !== undefined) pluginSamplers.push(Object.assign(create({ variant: 'rhoAB' }), { label: 'deis (rhoAB)', plugin: specifier }));
  }
}
// Samplers that choose their own steps (`adaptive`, e.g. dpm-adaptive) are not run on these ladders:
// they get their own table, quality against the NFE they actually spent at several tolerances.
const samplers = [...builtinSamplers(), ...pluginSamplers].filter((sampler) => sampler.adaptive !== true);
const adaptiveSamplers = [...builtinSamplers(), ...pluginSamplers].filter((sampler) => sampler.adaptive === true);
const labelOf = (sampler) => sampler.label ?? sampler.name;
const chosen = args.quick ? samplers.filter((sampler) => sampler.plugin !== undefined || ['euler', 'heun', 'dpmpp-2m', 'unipc'].includes(labelOf(sampler))) : samplers;

/** Steps of a sampler within an NFE budget: the most steps whose denoiser calls fit (Heun 2n - 1). */
function stepsFor(sampler, nfe) {
  if (typeof sampler.evaluations !== 'function') return Math.floor(nfe / sampler.evaluationsPerStep);
  let steps = 1;
  while (sampler.evaluations(steps + 1) <= nfe) steps += 1;
  return steps;
}

/** Runs a sampler from unit noise scaled to the VP prior at sigmas[0], returns the samples as float64. */
function sampleWith(sampler, unitNoise, sigmas, seed) {
  const noise = tf.tidy(() => tf.mul(unitNoise, Math.sqrt(1 + sigmas[0] ** 2)));
  const output = sampler.sample(denoise, noise, sigmas, { seed });
  const values = Float64Array.from(output.dataSync());
  tf.dispose([noise, output]);
  return values;
}

const distance = (values, directionsUsed = directions) => slicedWasserstein1ToMixture(values, mixture, { directions: directionsUsed });

// The noise floor: exact samples of the mixture at the same count.
const floors = [11, 12, 13].map((seed) => distance(mixture.sampleArray(sampleCount, createRandomSource(seed))));
const floor = floors.reduce((a, b) => a + b, 0) / floors.length;
console.log(`backend ${backend}; ${sampleCount} samples; exact-sample floor ${floor.toFixed(4)} (seeds 11-13: ${floors.map((value) => value.toFixed(4)).join(', ')})`);

// Tuning: the public API, `tuneLadder` of @diffusion/ladder-tuning, fed what a user has: the model
// (here the exact mixture denoiser), the sampler and held-out points of the data (20,000 draws of
// the mixture with their own seed). It tunes on its own noise (seed 7), checks on other noise
// (seed 8), and the table below is measured on a third noise (seed 2024) against the exact mixture.
const heldOutSeed = 4242;
const heldOutCount = 20_000;
const tuningSamples = Number(args['tuning-samples'] ?? (args.quick ? 1500 : 3000));
const tuningPasses = Number(args['tuning-passes'] ?? (args.quick ? 40 : 80));
const heldOut = tf.tensor2d(Float32Array.from(mixture.sampleArray(heldOutCount, createRandomSource(heldOutSeed))), [heldOutCount, 2]);
const sigmaMax = schedule.sigmaAtTimestep(999);
const sigmaMin = schedule.sigmaAtTimestep(0);
function tune(sampler, ladders) {
  return tuneLadder({ denoiser: denoise, sampler, start: ladders, heldOut, samples: tuningSamples, seed: tuningSeed, checkSeed: tuningSeed + 1, startScale: 'vp', search: { maxEvaluations: tuningPasses } });
}

const unitNoise = randomNormalTensor(createRandomSource(evaluationSeed), [sampleCount, 2]);
const results = [];
const tunedLadders = {};
const started = Date.now();
for (const sampler of chosen) {
  const label = labelOf(sampler);
  tunedLadders[label] = {};
  for (const nfe of budgets) {
    const steps = stepsFor(sampler, nfe);
    const ladders = standardLadders(schedule, steps);
    // A sampler placing its own steps (`ownSteps`, e.g. dpm-fast) reads only the ladder's range and length: nothing to tune.
    if (!args['no-tune'] && sampler.ownSteps !== true) {
      const clock = Date.now();
      let tuned;
      if (tunedBudgets.includes(nfe)) {
        // Starts from the standard ladder that scores best on the tuning noise.
        tuned = tune(sampler, ladders);
      } else {
        // Larger budgets: log-linear interpolation of the ladder tuned at the largest tuned budget (AYS).
        const from = tunedLadders[label][tunedBudgets.at(-1)];
        tuned = { ladder: interpolateLadder(Float64Array.from(from.ladder), steps), samplerRuns: 0 };
      }
      ladders.tuned = tuned.ladder;
      tunedLadders[label][nfe] = { ladder: Array.from(tuned.ladder), evaluations: tuned.samplerRuns, seconds: (Date.now() - clock) / 1000, ...(tuned.start === undefined ? {} : { start: tuned.start.name, accepted: tuned.accepted, tuning: tuned.tuning, check: tuned.check, denoiserCalls: tuned.denoiserCalls }) };
    }
    for (const [ladderName, sigmas] of Object.entries(ladders)) {
      const clock = Date.now();
      const values = sampleWith(sampler, unitNoise, sigmas, 1);
      const w1 = values.every(Number.isFinite) ? distance(values) : Number.NaN;
      const evaluations = typeof sampler.evaluations === 'function' ? sampler.evaluations(steps) : steps * sampler.evaluationsPerStep;
      results.push({ sampler: label, ladder: ladderName, nfe, steps, evaluations, w1, seconds: (Date.now() - clock) / 1000 });
    }
    const row = results.filter((result) => result.sampler === label && result.nfe === nfe);
    const tuning = tunedLadders[label][nfe];
    console.log(`${label.padEnd(16)} NFE ${String(nfe).padStart(2)} (${steps} steps): ${row.map((result) => `${result.ladder} ${result.w1.toFixed(4)}`).join('  ')}${tuning ? `  [tuning ${tuning.evaluations} runs, ${tuning.seconds.toFixed(0)} s]` : ''}`);
  }
}

// Adaptive samplers: from sigmaMax to sigmaMin of the schedule (the ladder [sigmaMax, sigmaMin, 0]), at
// each tolerance; the NFE is what the run spent (the `evaluations` of its last onStep event), the
// error estimate is taken over the whole batch of samples, as k-diffusion does.
const adaptiveTolerances = [{ rtol: 0.5, atol: 0.5 }, { rtol: 0.2, atol: 0.2 }, { rtol: 0.1, atol: 0.1 }, {}, { rtol: 0.02, atol: 0.02 }, { rtol: 0.01, atol: 0.01 }, { rtol: 0.005, atol: 0.005 }, { rtol: 0.002, atol: 0.002 }, { rtol: 0.001, atol: 0.001 }];
const adaptive = [];
const adaptiveFactories = builtinSamplerFactories();
for (const base of adaptiveSamplers) {
  for (const order of base.name === 'dpm-adaptive' ? [3, 2] : [undefined]) {
    for (const tolerance of adaptiveTolerances) {
      const options = { ...(order === undefined ? {} : { order }), ...tolerance };
      const sampler = base.plugin === undefined && adaptiveFactories[base.name] ? adaptiveFactories[base.name]({ ...base.options, ...options }) : base;
      const clock = Date.now();
      const noise = tf.tidy(() => tf.mul(unitNoise, Math.sqrt(1 + sigmaMax ** 2)));
      let evaluations;
      let accepted = 0;
      const output = sampler.sample(denoise, noise, Float64Array.of(sigmaMax, sigmaMin, 0), { seed: 1, onStep: (event) => ((evaluations = event.evaluations), (accepted += 1)) });
      const values = Float64Array.from(output.dataSync());
      tf.dispose([noise, output]);
      const w1 = values.every(Number.isFinite) ? distance(values) : Number.NaN;
      adaptive.push({ sampler: labelOf(sampler), options: sampler.options, rtol: sampler.options.rtol, atol: sampler.options.atol, order: sampler.options.order, nfe: evaluations, steps: accepted - 1, w1, seconds: (Date.now() - clock) / 1000 });
      console.log(`${labelOf(sampler)} ${JSON.stringify(options)}: NFE ${evaluations} (${accepted - 1} accepted steps + 1 into 0), sliced W1 ${w1.toFixed(4)}`);
      if (base.plugin !== undefined) break;
    }
  }
}
tf.dispose([unitNoise, heldOut]);

// Tables.
const report = {
  meta: { samples: sampleCount, directions: 64, backend, schedule: { betaStart: 1e-4, betaEnd: 0.02, numTrainTimesteps: 1000 }, sigmaMin, sigmaMax, evaluationSeed, tuningSeed, heldOutSeed, heldOutCount, tuningSamples, tuningPasses, floor, floors, samplers: chosen.map(labelOf), plugins: args.plugin, wallSeconds: (Date.now() - started) / 1000, date: new Date().toISOString() },
  results,
  tunedLadders,
  adaptive,
};
const markdown = renderReport(report);
console.log(`\n${markdown}`);
const outDir = args.out === undefined ? join(here, 'results') : resolve(process.env.INIT_CWD ?? process.cwd(), args.out);
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'latest.md'), `${markdown}\n`);
writeFileSync(join(outDir, 'latest.json'), `${JSON.stringify(report, null, 1)}\n`);
