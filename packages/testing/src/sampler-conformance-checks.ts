import { fill, memory, mul, type Tensor } from '@tensorflow/tfjs-core';
import { DiffusionError, createBrownianNoise, createRandomSource, randomNormalTensor, type Denoiser, type NoiseInterval, type SampleOptions, type Sampler } from '@diffusion/core';
import { countingDenoiser, gaussianDenoiser } from './counting-denoiser';
import { conformanceMixture, exactMixtureDenoiser } from './mixture-denoiser';
import { slicedWasserstein1ToMixture } from './mixture-wasserstein';
import { karrasLadder } from './sigma-ladders';
import type { ResolvedSamplerConformanceOptions } from './sampler-conformance-options';

// The checks of describeSamplerConformance, each a plain function that throws on failure, so
// the suite's own tests can run them against deliberately broken samplers.

/** A sampler as the suite sees it: the core contract plus the optional extras built-ins declare. */
type CheckedSampler = Sampler & { readonly evaluations?: (steps: number) => number };

function fail(message: string): never {
  throw new Error(`sampler conformance: ${message}`);
}

function assert(condition: boolean, message: string): asserts condition {
  if (!condition) fail(message);
}

/** Reads a tensor and disposes it. */
function take(tensor: Tensor): Float32Array {
  const values = Float32Array.from(tensor.dataSync());
  tensor.dispose();
  return values;
}

function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert(a.length === b.length, `outputs differ in size (${a.length} vs ${b.length})`);
  let largest = 0;
  for (let index = 0; index < a.length; index += 1) {
    const difference = Math.abs(a[index]! - b[index]!);
    largest = Number.isNaN(difference) ? Number.POSITIVE_INFINITY : Math.max(largest, difference);
  }
  return largest;
}

/** Starting noise at sigmas[0] (the caller owns it). */
function startingNoise(shape: readonly number[], sigmaMax: number, seed: number): Tensor {
  const unit = randomNormalTensor(createRandomSource(seed), shape);
  const scaled = mul(unit, sigmaMax);
  unit.dispose();
  return scaled;
}

/**
 * An injected noise source counting its calls and the step intervals it was asked for: core's
 * seeded stream, or (for a sampler whose default is a Brownian tree) core's Brownian noise.
 */
function injectedNoise(seed: number, sampler?: Sampler): { readonly noise: (shape: readonly number[], interval?: NoiseInterval) => Tensor; readonly draws: () => number; readonly intervals: (NoiseInterval | undefined)[] } {
  const source = createRandomSource(seed);
  const brownian = sampler?.noiseSource === 'brownian-tree' ? createBrownianNoise({ seed }) : undefined;
  let draws = 0;
  const intervals: (NoiseInterval | undefined)[] = [];
  return {
    noise: (shape, interval) => {
      draws += 1;
      intervals.push(interval);
      return brownian === undefined ? randomNormalTensor(source, shape) : brownian(shape, interval);
    },
    draws: () => draws,
    intervals,
  };
}

/** Runs a sampler on fresh starting noise and returns the output values (nothing is kept). */
function run(sampler: Sampler, denoise: Denoiser, sigmas: Float64Array, options: SampleOptions, shape: readonly number[] = [64, 2], seed = 1): Float32Array {
  const noise = startingNoise(shape, sigmas[0]!, seed);
  try {
    const output = sampler.sample(denoise, noise, sigmas, options);
    assert(!noise.isDisposed, 'sample() disposed the starting noise it was given (the caller owns it)');
    assert(output !== noise, 'sample() returned the starting noise itself instead of a new tensor');
    return take(output);
  } finally {
    noise.dispose();
  }
}

function ladder(settings: ResolvedSamplerConformanceOptions, sampler: Sampler, steps = settings.steps): Float64Array {
  return karrasLadder(Math.max(steps, (sampler.minimumSteps ?? 2) - 1), settings.sigmaMin, settings.sigmaMax);
}

/** Name, version, options and counts follow the v1 contract. */
export function checkContract(sampler: Sampler): void {
  assert(typeof sampler.name === 'string' && /^[a-z0-9]+(-[a-z0-9]+)*$/.test(sampler.name), `name ${JSON.stringify(sampler.name)} is not kebab-case`);
  assert(sampler.specificationVersion === 'v1', `specificationVersion is ${JSON.stringify(sampler.specificationVersion)}, not 'v1'`);
  assert(Number.isInteger(sampler.evaluationsPerStep) && sampler.evaluationsPerStep > 0, `evaluationsPerStep ${sampler.evaluationsPerStep} is not a positive integer`);
  assert(typeof sampler.stochastic === 'boolean', 'stochastic is not a boolean');
  assert(typeof sampler.sample === 'function', 'sample is not a function');
  assert(typeof sampler.options === 'object' && sampler.options !== null, 'options is not an object');
  const text = JSON.stringify(sampler.options);
  assert(text === JSON.stringify(JSON.parse(text)) && isDeepEqual(JSON.parse(text), sampler.options), `options ${text} do not survive JSON (Infinity, undefined, functions or class instances?)`);
  if (sampler.minimumSteps !== undefined) assert(Number.isInteger(sampler.minimumSteps) && sampler.minimumSteps >= 2, `minimumSteps ${sampler.minimumSteps} is not an integer >= 2`);
}

function isDeepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b) || Object.getPrototypeOf(b) !== Object.getPrototypeOf(a)) return false;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  return keysA.length === keysB.length && keysA.every((key) => isDeepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}

/** The output has the shape of the starting noise, for a flat batch and a nested shape. */
export function checkOutputShape(sampler: Sampler, settings: ResolvedSamplerConformanceOptions): void {
  for (const shape of [[64, 2], [3, 4, 5]] as const) {
    const sigmas = ladder(settings, sampler);
    const noise = startingNoise(shape, sigmas[0]!, 3);
    const output = sampler.sample(gaussianDenoiser(), noise, sigmas, { seed: 1 });
    assert(output.shape.join(',') === shape.join(','), `output shape [${output.shape.join(', ')}] differs from the noise shape [${shape.join(', ')}]`);
    assert(output.dtype === 'float32', `output dtype is ${output.dtype}, not float32`);
    output.dispose();
    noise.dispose();
  }
}

/** The same seed gives the same output; a stochastic sampler gives another output for another seed. */
export function checkSeedDeterminism(sampler: Sampler, settings: ResolvedSamplerConformanceOptions): void {
  const sigmas = ladder(settings, sampler);
  const denoise = exactMixtureDenoiser();
  const first = run(sampler, denoise, sigmas, { seed: 7 });
  const second = run(sampler, denoise, sigmas, { seed: 7 });
  assert(maxAbsDifference(first, second) <= settings.tolerance, `two runs with seed 7 differ by ${maxAbsDifference(first, second)}`);
  const other = run(sampler, denoise, sigmas, { seed: 8 });
  if (sampler.stochastic) assert(maxAbsDifference(first, other) > 1e-3, 'a stochastic sampler gave the same output for seeds 7 and 8');
  else assert(maxAbsDifference(first, other) <= settings.tolerance, `a deterministic sampler's output depends on the seed (differs by ${maxAbsDifference(first, other)})`);
}

/**
 * A sampler declared deterministic gives one output for a start and a ladder whatever the sample
 * options: with none at all (no seed, no injected noise), twice, with a seed, and with an
 * `onStep` observer. Randomness of its own (`Math.random`, a private seeded stream) fails here.
 */
export function checkDeterministicWithoutNoise(sampler: Sampler, settings: ResolvedSamplerConformanceOptions): void {
  assert(!sampler.stochastic, 'the check is for samplers declared deterministic (this one is stochastic)');
  const sigmas = ladder(settings, sampler);
  const denoise = exactMixtureDenoiser();
  const bare = run(sampler, denoise, sigmas, {});
  const runs: [string, Float32Array][] = [
    ['a second run without options', run(sampler, denoise, sigmas, {})],
    ['a run with { seed: 123 }', run(sampler, denoise, sigmas, { seed: 123 })],
    ['a run with an onStep observer', run(sampler, denoise, sigmas, { onStep: () => undefined })],
  ];
  for (const [what, values] of runs) {
    const difference = maxAbsDifference(bare, values);
    assert(difference <= settings.tolerance, `declared deterministic, yet ${what} differs from a run without options.noise or a seed by ${difference} (does it draw randomness of its own?)`);
  }
}

/** Injected noise replays exactly; a stochastic sampler draws it (as core's seeded source with `seed`), a deterministic one never does. */
export function checkInjectedNoise(sampler: Sampler, settings: ResolvedSamplerConformanceOptions): void {
  const sigmas = ladder(settings, sampler);
  const denoise = exactMixtureDenoiser();
  const a = injectedNoise(21, sampler);
  const b = injectedNoise(21, sampler);
  const c = injectedNoise(22, sampler);
  const first = run(sampler, denoise, sigmas, { noise: a.noise });
  const replay = run(sampler, denoise, sigmas, { noise: b.noise });
  const other = run(sampler, denoise, sigmas, { noise: c.noise });
  assert(maxAbsDifference(first, replay) <= settings.tolerance, `replaying the same injected noise changed the output by ${maxAbsDifference(first, replay)}`);
  if (sampler.stochastic) {
    assert(a.draws() > 0, 'a stochastic sampler never called options.noise');
    assert(maxAbsDifference(first, other) > 1e-3, 'different injected noise gave the same output');
    const seeded = run(sampler, denoise, sigmas, { seed: 21 });
    const source = sampler.noiseSource === 'brownian-tree' ? "core's createBrownianNoise({ seed: 21 })" : "core's createRandomSource(21) stream";
    assert(maxAbsDifference(first, seeded) <= settings.tolerance, `{ seed: 21 } differs from injecting ${source} (by ${maxAbsDifference(first, seeded)})`);
    const top = sigmas[0]! * (1 + Math.SQRT2);
    const bad = a.intervals.findIndex((interval) => interval === undefined || !(interval.sigma > 0 && interval.sigma <= top && interval.sigmaNext > 0 && interval.sigmaNext <= top && interval.sigma !== interval.sigmaNext));
    if (sampler.noiseSource === 'brownian-tree') assert(bad < 0, `noise draw ${bad} was asked for the interval ${JSON.stringify(a.intervals[bad])}; a Brownian source needs two distinct sigmas in (0, sigmas[0]]`);
  } else {
    assert(a.draws() === 0, `a deterministic sampler called options.noise ${a.draws()} times`);
    assert(maxAbsDifference(first, other) <= settings.tolerance, 'a deterministic sampler changed its output with the injected noise');
  }
}

/** A run leaves `tf.memory().numTensors` unchanged, and it does not grow from step to step. */
export function checkMemory(sampler: Sampler, settings: ResolvedSamplerConformanceOptions): void {
  const steps = Math.max(settings.steps, 10);
  const sigmas = ladder(settings, sampler, steps);
  const denoise = exactMixtureDenoiser();
  const noise = startingNoise([64, 2], sigmas[0]!, 5);
  run(sampler, denoise, sigmas, { seed: 1 });
  const before = memory().numTensors;
  const counts: number[] = [];
  const injected = injectedNoise(3);
  const output = sampler.sample(denoise, noise, sigmas, { noise: injected.noise, onStep: () => counts.push(memory().numTensors) });
  output.dispose();
  noise.dispose();
  const after = memory().numTensors;
  assert(after === before - 1, `a run of ${steps} steps changed the live tensor count by ${after - (before - 1)} (leaked or over-disposed tensors)`);
  // Multistep history settles after a few steps; past the middle of the run the count stays flat (the last step may drop history).
  // (A sampler placing its own steps reports its own: the events are counted, not the ladder.)
  const settled = counts.slice(Math.floor(counts.length / 2), counts.length - 1);
  assert(settled.length > 0, `onStep was called ${counts.length} times in a run of ${steps} steps; too few to see the live tensors settle`);
  assert(Math.max(...settled) === Math.min(...settled), `live tensors grow from step to step: ${counts.join(', ')}`);
}

/**
 * Denoiser calls counted equal the declared NFE (`evaluations(steps)`; within what
 * `evaluationsPerStep` allows unless the sampler places its own steps), and the `evaluations` that
 * `onStep` events report (when they do) count the calls so far. An adaptive sampler declares no NFE
 * in advance: its last event must report the calls it made.
 */
export function checkEvaluations(sampler: CheckedSampler, settings: ResolvedSamplerConformanceOptions): void {
  for (const steps of [settings.steps, settings.steps + 3]) {
    const sigmas = ladder(settings, sampler, steps);
    const counter = countingDenoiser(exactMixtureDenoiser());
    let reported: number | undefined;
    let previous = 0;
    run(sampler, counter.denoise, sigmas, {
      seed: 1,
      onStep: ({ index, evaluations }) => {
        if (evaluations === undefined) return assert(reported === undefined, `onStep event ${index} reports no evaluations after earlier events did`);
        assert(Number.isInteger(evaluations) && evaluations === counter.calls && evaluations > previous, `onStep event ${index} reports evaluations ${evaluations}; ${counter.calls} denoiser calls were made so far (${previous} at the event before)`);
        previous = evaluations;
        reported = evaluations;
      },
    });
    if (sampler.adaptive === true) {
      assert(reported !== undefined, 'an adaptive sampler reports the NFE it spent as the evaluations of its onStep events; these report none');
      assert(reported === counter.calls, `the last onStep event reports ${reported} evaluations; ${counter.calls} denoiser calls were made`);
      continue;
    }
    const full = sampler.evaluationsPerStep * steps;
    const declared = settings.expectedEvaluations?.(steps) ?? sampler.evaluations?.(steps) ?? full;
    if (sampler.ownSteps !== true) assert(declared <= full && declared > full - sampler.evaluationsPerStep, `declared ${declared} evaluations for ${steps} steps; evaluationsPerStep ${sampler.evaluationsPerStep} allows ${full - sampler.evaluationsPerStep + 1}..${full}`);
    assert(counter.calls === declared, `${counter.calls} denoiser calls for ${steps} steps; declared ${declared}`);
    assert(counter.sigmas.every((sigma) => sigma > 0 && sigma <= sigmas[0]! * (1 + Math.SQRT2)), `the denoiser was called at a sigma outside (0, sigmas[0]]: ${counter.sigmas.join(', ')}`);
  }
}

/**
 * `onStep` reports every step in order with the ladder's sigmas and the sample's shape; a sampler
 * that places its own steps (`ownSteps`, `adaptive`) reports its own, falling from `sigmas[0]` through
 * the ladder's last sigma above 0 to 0, each step starting where the one before ended.
 */
export function checkStepEvents(sampler: Sampler, settings: ResolvedSamplerConformanceOptions): void {
  const sigmas = ladder(settings, sampler);
  const events: { index: number; sigma: number; sigmaNext: number; shape: string }[] = [];
  run(sampler, exactMixtureDenoiser(), sigmas, { seed: 1, onStep: (event) => events.push({ index: event.index, sigma: event.sigma, sigmaNext: event.sigmaNext, shape: `${event.x.shape.join(',')}|${event.denoised.shape.join(',')}` }) });
  if (sampler.ownSteps === true || sampler.adaptive === true) {
    assert(events.length >= 2, `onStep was called ${events.length} times; a sampler placing its own steps reports each of them, down to 0`);
    const bottom = sigmas[sigmas.length - 2]!;
    events.forEach((event, index) => {
      const from = index === 0 ? sigmas[0]! : events[index - 1]!.sigmaNext;
      assert(event.index === index && event.sigma === from && event.sigmaNext < event.sigma && event.sigmaNext >= 0, `onStep event ${index} reported index ${event.index}, sigma ${event.sigma} -> ${event.sigmaNext}; expected index ${index} and a falling step from ${from}`);
      assert(event.shape === '64,2|64,2', `onStep event ${index} has x|denoised shapes ${event.shape}; expected 64,2|64,2`);
    });
    const last = events.at(-1)!;
    assert(last.sigmaNext === 0 && last.sigma === bottom, `the last onStep event reported ${last.sigma} -> ${last.sigmaNext}; expected the ladder's last sigma above 0, ${bottom}, -> 0`);
    return;
  }
  assert(events.length === sigmas.length - 1, `onStep was called ${events.length} times for ${sigmas.length - 1} steps`);
  events.forEach((event, index) => {
    assert(event.index === index && event.sigma === sigmas[index] && event.sigmaNext === sigmas[index + 1], `onStep event ${index} reported index ${event.index}, sigma ${event.sigma} -> ${event.sigmaNext}; expected ${sigmas[index]} -> ${sigmas[index + 1]}`);
    assert(event.shape === '64,2|64,2', `onStep event ${index} has x|denoised shapes ${event.shape}; expected 64,2|64,2`);
  });
}

/** `createSampler(JSON.parse(JSON.stringify(sampler.options)))` rebuilds the same sampler. */
export function checkOptionsRoundTrip(sampler: Sampler, createSampler: (options?: never) => Sampler, settings: ResolvedSamplerConformanceOptions): void {
  const rebuilt = createSampler(JSON.parse(JSON.stringify(sampler.options)) as never);
  assert(isDeepEqual(rebuilt.options, sampler.options), `options ${JSON.stringify(sampler.options)} came back as ${JSON.stringify(rebuilt.options)}`);
  assert(rebuilt.name === sampler.name && rebuilt.stochastic === sampler.stochastic && rebuilt.evaluationsPerStep === sampler.evaluationsPerStep, 'the rebuilt sampler differs in name, stochastic or evaluationsPerStep');
  const sigmas = ladder(settings, sampler);
  const denoise = exactMixtureDenoiser();
  const difference = maxAbsDifference(run(sampler, denoise, sigmas, { seed: 4 }), run(rebuilt, denoise, sigmas, { seed: 4 }));
  assert(difference <= settings.tolerance, `the rebuilt sampler's output differs by ${difference}`);
}

/** Tensors the caller owns and the sampler must leave alive, with what to call them in a message. */
type Owned = readonly (readonly [Tensor, string])[];

function expectDiffusionError(what: string, action: () => unknown, pattern?: RegExp, owned: Owned = []): DiffusionError {
  const before = memory().numTensors;
  let caught: unknown;
  try {
    const result = action();
    if (result !== null && typeof result === 'object' && 'dispose' in result) (result as Tensor).dispose();
  } catch (error) {
    caught = error;
  }
  assert(caught !== undefined, `${what}: no error was thrown`);
  assert(caught instanceof DiffusionError, `${what}: threw ${String(caught)}, not a DiffusionError`);
  assert(pattern === undefined || pattern.test(caught.message), `${what}: the message ${JSON.stringify(caught.message)} does not match ${String(pattern)}`);
  for (const [tensor, name] of owned) assert(!tensor.isDisposed, `${what}: the sampler disposed ${name} when it threw (the caller owns it; a sampler disposes only the tensors it made)`);
  const change = memory().numTensors - before;
  assert(change <= 0, `${what}: ${change} tensor${change === 1 ? '' : 's'} leaked when throwing (made by the sampler and neither returned nor disposed)`);
  assert(change === 0, `${what}: the sampler disposed ${-change} tensor${change === -1 ? '' : 's'} it did not make when it threw`);
  return caught;
}

/** Bad ladders and wrongly shaped injected noise are rejected with a DiffusionError naming the field. */
export function checkRejections(sampler: Sampler, settings: ResolvedSamplerConformanceOptions): void {
  const valid = ladder(settings, sampler);
  const rising = Float64Array.from(valid);
  [rising[1], rising[2]] = [valid[2]!, valid[1]!];
  const minimum = sampler.minimumSteps ?? 2;
  const cases: [string, Float64Array][] = [
    ['a ladder that rises', rising],
    ['a ladder that does not end in 0', valid.slice(0, -1)],
    [`a ladder shorter than ${minimum}`, valid.slice(valid.length - (minimum - 1))],
    ['a ladder holding NaN', Float64Array.from(valid, (sigma, index) => (index === 1 ? Number.NaN : sigma))],
  ];
  const noise = startingNoise([8, 2], valid[0]!, 2);
  const denoise = exactMixtureDenoiser();
  try {
    const owned: Owned = [[noise, "the caller's starting noise"]];
    for (const [what, sigmas] of cases) expectDiffusionError(what, () => sampler.sample(denoise, noise, sigmas, { seed: 1 }), /sigma/, owned);
    if (sampler.stochastic) {
      expectDiffusionError('injected noise of the wrong shape', () => sampler.sample(denoise, noise, valid, { noise: (shape) => randomNormalTensor(createRandomSource(1), [shape[0]! + 1, ...shape.slice(1)]) }), /noise/, owned);
    }
    assert(!noise.isDisposed, 'a rejected call disposed the starting noise');
  } finally {
    noise.dispose();
  }
}

/** A NaN from the denoiser stops the run with a DiffusionError naming the step index and the sigma. */
export function checkNonFinite(sampler: Sampler, settings: ResolvedSamplerConformanceOptions): void {
  const sigmas = ladder(settings, sampler);
  const exact = exactMixtureDenoiser();
  let stepsDone = 0;
  let poisoned: number | undefined;
  const denoise: Denoiser = (x, sigma) => {
    if (stepsDone === 2 && poisoned === undefined) {
      poisoned = sigma;
      return fill(x.shape, Number.NaN);
    }
    return exact(x, sigma);
  };
  const noise = startingNoise([16, 2], sigmas[0]!, 2);
  try {
    const error = expectDiffusionError('a denoiser returning NaN at step 2', () => sampler.sample(denoise, noise, sigmas, { seed: 1, onStep: () => (stepsDone += 1) }), undefined, [[noise, "the caller's starting noise"]]);
    assert(poisoned !== undefined, 'the run never reached step 2');
    const numbers = (error.message.match(/-?\d+(?:\.\d+)?(?:e[-+]?\d+)?/gi) ?? []).map(Number);
    assert(numbers.includes(2), `the message ${JSON.stringify(error.message)} does not name step 2`);
    assert(numbers.some((value) => Math.abs(value - poisoned!) <= 1e-3 * poisoned!), `the message ${JSON.stringify(error.message)} does not name sigma ${poisoned}`);
  } finally {
    noise.dispose();
  }
}

/** On Gaussian data the probability-flow ODE has a closed form; a deterministic sampler follows it, a stochastic one ends at N(0, I). */
export function checkGaussianClosedForm(sampler: Sampler, settings: ResolvedSamplerConformanceOptions): void {
  const steps = Math.max(1, Math.floor(settings.qualityNfe / sampler.evaluationsPerStep));
  const sigmas = karrasLadder(steps, settings.sigmaMin, settings.sigmaMax);
  const noise = startingNoise([2048, 2], sigmas[0]!, 9);
  const start = take(noise.clone());
  const output = take(sampler.sample(gaussianDenoiser(), noise, sigmas, { seed: 9 }));
  noise.dispose();
  if (!sampler.stochastic) {
    // x(0) = x(sigmaMax) / sqrt(1 + sigmaMax^2) for data N(0, I).
    const expected = start.map((value) => value / Math.sqrt(1 + sigmas[0]! ** 2));
    const error = maxAbsDifference(output, expected) / Math.max(...expected.map(Math.abs));
    assert(error <= settings.gaussianTolerance, `after ${steps} steps the output is ${error.toExponential(3)} (relative) away from the closed-form ODE solution; allowed ${settings.gaussianTolerance}`);
  } else {
    let sum = 0;
    let squares = 0;
    for (const value of output) {
      sum += value;
      squares += value * value;
    }
    const mean = sum / output.length;
    const variance = squares / output.length - mean * mean;
    // Standard errors over 4096 values: mean 0.016, variance 0.022; allow about 5 of them plus discretisation.
    assert(Math.abs(mean) < 0.08 && Math.abs(variance - 1) < 0.12, `after ${steps} steps on N(0, I) data the output has mean ${mean.toFixed(4)} and variance ${variance.toFixed(4)}; expected 0 and 1`);
  }
}

/** At a generous NFE the samples of the exact 2-D mixture reach the sliced-W1 noise floor. */
export function checkMixtureQuality(sampler: Sampler, settings: ResolvedSamplerConformanceOptions): number {
  const steps = Math.max(1, Math.floor(settings.qualityNfe / sampler.evaluationsPerStep));
  const sigmas = karrasLadder(steps, settings.sigmaMin, settings.sigmaMax);
  const samples = run(sampler, exactMixtureDenoiser(), sigmas, { seed: 12 }, [settings.qualitySamples, 2], 12);
  const distance = slicedWasserstein1ToMixture(samples, conformanceMixture, { directions: 64 });
  assert(distance <= settings.qualityThreshold, `sliced W1 to the exact mixture is ${distance.toFixed(5)} with ${settings.qualitySamples} samples after ${steps} steps; allowed ${settings.qualityThreshold.toFixed(5)}`);
  return distance;
}
