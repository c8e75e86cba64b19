import { checkBoolean, checkNonNegativeInteger, checkOneOf, checkOptions, checkPositiveInteger, checkSigmaLadder, createRandomSource, DiffusionError, invalidOption, randomNormalTensor, type Denoiser, type Sampler } from '@diffusion/core';
import { mul, type Tensor } from '@tensorflow/tfjs-core';
import { coordinateSearchLadder, type CoordinateSearchOptions } from './ladder-coordinate-search';
import { bindLadderObjective, ladderObjectiveNames, type BoundObjective, type LadderObjectiveName } from './ladder-objective';
import { runLadder, type LadderRunner, type StartScale } from './ladder-sampling';
import { pairedCheck } from './paired-check';

/** Options of {@link tuneLadder}. */
export interface TuneLadderOptions {
  /** The model in sigma-space, `D(x; sigma)` (core's `Denoiser`). */
  readonly denoiser: Denoiser;
  /** The sampler the ladder is tuned for (its `seed` option is fixed per pass, so stochastic samplers tune too). */
  readonly sampler: Sampler;
  /**
   * The ladder to start from (falling VE sigmas ending in 0; its length fixes the step count), or
   * several named ones of the same length: the search starts from whichever scores best on the tuning noise.
   */
  readonly start: ArrayLike<number> | Readonly<Record<string, ArrayLike<number>>>;
  /**
   * Held-out data `[m, ...sampleShape]` in the model's coordinates: never the set the result is
   * evaluated on. Read, not disposed. Not needed with an objective function.
   */
  readonly heldOut?: Tensor;
  /**
   * `'sliced-wasserstein'` (default), `'mmd'` or `'frechet'` between the samples (or their
   * `features`) and the held-out points (or theirs); or a function scoring a batch of samples
   * `[n, ...sampleShape]` (borrowed), lower is better.
   */
  readonly objective?: LadderObjectiveName | ((samples: Tensor) => number);
  /**
   * Maps samples (and the held-out data) to feature rows `[n, k]` before the objective, e.g. a
   * classifier's features for images (`classifierFeatures` of `@diffusion/metrics`). The tensor
   * given is borrowed; a returned tensor is disposed by the tuner.
   */
  readonly features?: (samples: Tensor) => Tensor | Float64Array | Float32Array;
  /** Shape of one sample; default the held-out data's. */
  readonly sampleShape?: readonly number[];
  /** Samples per pass of a ladder (default 2000). */
  readonly samples?: number;
  /** Samples per sampler call with a built-in objective (default all of them; an objective function gets all at once). */
  readonly batchSize?: number;
  /** Seed of the tuning noise (default 0). */
  readonly seed?: number;
  /** Seed of the check noises, on which the start and the tuned ladder are scored after the search (default `seed + 1`). */
  readonly checkSeed?: number;
  /** Independent check noises of `samples` each, every one scored with both ladders (default 4, at least 2). */
  readonly checkRepeats?: number;
  /**
   * The tuned ladder is accepted only when its mean check score is lower than the start's by more
   * than this many standard errors of the paired difference (default 2; 0 accepts any mean improvement).
   */
  readonly checkMargin?: number;
  /** Start noise scale at `sigmas[0]`: `'ve'` (default, `sigma`, as k-diffusion) or `'vp'` (`sqrt(1 + sigma^2)`). */
  readonly startScale?: StartScale;
  /** Return the start ladder when the tuned one is not accepted on the check noises (default true). */
  readonly keepStartIfWorse?: boolean;
  /** Step sizes and budget of the coordinate search. */
  readonly search?: CoordinateSearchOptions;
  /** Called after every pass of a ladder over the tuning noise. */
  readonly onProgress?: (event: TuneLadderProgress) => void;
}

/** Progress of {@link tuneLadder}. */
export interface TuneLadderProgress {
  /** Passes so far (each is a full sampling run of `samples` points). */
  readonly samplerRuns: number;
  /** The objective of this pass. */
  readonly loss: number;
}

/** The result of {@link tuneLadder}: the ladder and what it cost. */
export interface TunedLadder {
  /** The ladder to use: the tuned one, or the start when it scored better on the check noise (`accepted` false). Serialise with `Array.from`, read back with `parseLadder`. */
  readonly ladder: Float64Array;
  /** The search's result, whether accepted or not. */
  readonly tuned: Float64Array;
  /** The start the search began from. */
  readonly start: { readonly name: string; readonly ladder: Float64Array };
  /** The objective's name (`'custom'` for a function). */
  readonly objective: string;
  /** Objective on the tuning noise: every start candidate, and the tuned ladder. */
  readonly tuning: { readonly candidates: Readonly<Record<string, number>>; readonly start: number; readonly tuned: number };
  /** Objective on the check noises (independent of the tuning noise): means, the paired difference and every pass. */
  readonly check: TunedLadderCheck;
  /** Whether the tuned ladder beat the start on the check noises by more than `checkMargin` standard errors. */
  readonly accepted: boolean;
  /** Sampling runs of `samples` points, candidates and checks included. */
  readonly samplerRuns: number;
  /** Denoiser calls over all runs (each on one batch). */
  readonly denoiserCalls: number;
  /** Wall-clock seconds. */
  readonly seconds: number;
}

/** The check of {@link TunedLadder}: both ladders on each of `checkRepeats` independent noises. */
export interface TunedLadderCheck {
  /** Mean objective of the start over the check noises. */
  readonly start: number;
  /** Mean objective of the tuned ladder over the same noises. */
  readonly tuned: number;
  /** Mean of `tuned − start`, noise by noise. */
  readonly difference: number;
  /** Standard error of that mean. */
  readonly standardError: number;
  /** The margin it had to clear, in standard errors. */
  readonly margin: number;
  /** Every check pass, noise by noise. */
  readonly runs: { readonly start: readonly number[]; readonly tuned: readonly number[] };
}

const optionKeys = ['denoiser', 'sampler', 'start', 'heldOut', 'objective', 'features', 'sampleShape', 'samples', 'batchSize', 'seed', 'checkSeed', 'checkRepeats', 'checkMargin', 'startScale', 'keepStartIfWorse', 'search', 'onProgress'];

function startCandidates(start: TuneLadderOptions['start']): Array<[string, Float64Array]> {
  const entries: Array<[string, unknown]> = start !== null && typeof start === 'object' && !('length' in start) ? Object.entries(start) : [['start', start]];
  if (entries.length === 0) throw invalidOption('tuneLadder.start', start, 'a ladder or a non-empty record of named ladders');
  const candidates = entries.map(([name, ladder]): [string, Float64Array] => [name, checkSigmaLadder(entries.length === 1 && name === 'start' ? 'tuneLadder.start' : `tuneLadder.start.${name}`, ladder, 2)]);
  const length = candidates[0]![1].length;
  for (const [name, ladder] of candidates) if (ladder.length !== length) throw invalidOption(`tuneLadder.start.${name}`, `${ladder.length} sigmas`, `ladders of one length (${candidates[0]![0]} has ${length})`);
  return candidates;
}

/** Reads a tensor or row array as float64 rows, through `features` when given. */
function heldOutRows(options: TuneLadderOptions, heldOut: Tensor): { rows: Float64Array; width: number } {
  const count = heldOut.shape[0]!;
  if (options.features === undefined) return { rows: Float64Array.from(heldOut.dataSync()), width: heldOut.size / count };
  const features = options.features(heldOut);
  const rows = features instanceof Float64Array || features instanceof Float32Array ? Float64Array.from(features) : Float64Array.from(features.dataSync());
  if (!(features instanceof Float64Array || features instanceof Float32Array) && features !== heldOut) features.dispose();
  return { rows, width: rows.length / count };
}

/**
 * Tunes a sigma ladder to a model, a sampler and a step count, in the spirit of "Align Your Steps"
 * (Sabour et al. 2024): the interior sigmas are optimised, by a coordinate search in log-sigma
 * (`coordinateSearchLadder`), against a sample-quality objective between the sampler's samples and
 * held-out data (sliced W1, MMD or a Fréchet distance, on the samples or on features), all on one
 * fixed tuning noise; then the start and the result are both scored on independent check noise.
 * The result re-scales to other step counts with `interpolateLadder` of `@diffusion/schedules`.
 */
export function tuneLadder(options: TuneLadderOptions): TunedLadder {
  const given = checkOptions('tuneLadder', options, optionKeys);
  const started = performance.now();
  const { denoiser, sampler } = given;
  if (typeof denoiser !== 'function') throw invalidOption('tuneLadder.denoiser', denoiser, 'a Denoiser (x, sigma) => x0-hat');
  if (typeof sampler?.sample !== 'function') throw invalidOption('tuneLadder.sampler', sampler, 'a Sampler (for example createDpmpp2mSampler())');
  const candidates = startCandidates(given.start as TuneLadderOptions['start']);
  const objectiveGiven = given.objective ?? 'sliced-wasserstein';
  const custom = typeof objectiveGiven === 'function' ? objectiveGiven : undefined;
  const objectiveName = custom === undefined ? checkOneOf('tuneLadder.objective', objectiveGiven, ladderObjectiveNames) : 'custom';
  const heldOut = given.heldOut;
  if (heldOut !== undefined && (typeof heldOut !== 'object' || !('shape' in heldOut) || heldOut.rank < 2 || heldOut.shape[0]! < 2)) {
    throw new DiffusionError('shape-mismatch', `tuneLadder.heldOut: got ${typeof heldOut === 'object' && heldOut !== null && 'shape' in heldOut ? `shape [${(heldOut as Tensor).shape.join(', ')}]` : String(heldOut)}; expected a tensor [m, ...sampleShape] with m >= 2.`, { field: 'tuneLadder.heldOut', value: (heldOut as Tensor | undefined)?.shape, allowed: '[m, ...sampleShape], m >= 2' });
  }
  if (custom === undefined && heldOut === undefined) throw invalidOption('tuneLadder.heldOut', undefined, `held-out data [m, ...sampleShape] for the '${objectiveName}' objective (or an objective function)`);
  if (custom !== undefined && given.features !== undefined) throw invalidOption('tuneLadder.features', 'a function', 'no features with an objective function (apply them inside it)');
  const sampleShape = given.sampleShape ?? heldOut?.shape.slice(1);
  if (sampleShape === undefined) throw invalidOption('tuneLadder.sampleShape', undefined, 'the shape of one sample (there is no heldOut to take it from)');
  sampleShape.forEach((size, index) => checkPositiveInteger(`tuneLadder.sampleShape[${index}]`, size));
  const samples = checkPositiveInteger('tuneLadder.samples', given.samples ?? 2000);
  if (samples < 2) throw invalidOption('tuneLadder.samples', samples, 'at least 2 samples per pass');
  const batchSize = checkPositiveInteger('tuneLadder.batchSize', given.batchSize ?? samples);
  const seed = checkNonNegativeInteger('tuneLadder.seed', given.seed ?? 0);
  const checkSeed = checkNonNegativeInteger('tuneLadder.checkSeed', given.checkSeed ?? seed + 1);
  if (checkSeed === seed) throw invalidOption('tuneLadder.checkSeed', checkSeed, `a seed other than the tuning seed ${seed} (the check needs independent noise)`);
  const checkRepeats = checkPositiveInteger('tuneLadder.checkRepeats', given.checkRepeats ?? 4);
  if (checkRepeats < 2) throw invalidOption('tuneLadder.checkRepeats', checkRepeats, 'at least 2 check noises (the paired difference needs a spread)');
  const checkMargin = given.checkMargin ?? 2;
  if (typeof checkMargin !== 'number' || !Number.isFinite(checkMargin) || checkMargin < 0) throw invalidOption('tuneLadder.checkMargin', checkMargin, 'a finite number >= 0 of standard errors');
  const startScale = checkOneOf('tuneLadder.startScale', given.startScale ?? 've', ['ve', 'vp']);
  const keepStartIfWorse = checkBoolean('tuneLadder.keepStartIfWorse', given.keepStartIfWorse ?? true);
  if (given.onProgress !== undefined && typeof given.onProgress !== 'function') throw invalidOption('tuneLadder.onProgress', given.onProgress, 'a function (event) => void');

  const runner: LadderRunner = { denoiser, sampler, startScale, batchSize, ...(custom === undefined && given.features !== undefined ? { features: given.features } : {}) };
  let bound: BoundObjective | undefined;
  let heldOutWidth = 0;
  if (custom === undefined) {
    const { rows, width } = heldOutRows(given as TuneLadderOptions, heldOut!);
    heldOutWidth = width;
    bound = bindLadderObjective(objectiveName as LadderObjectiveName, rows, width, { seed });
  }
  const tuningNoise = randomNormalTensor(createRandomSource(seed).fork('ladder-tuning-noise'), [samples, ...sampleShape]);
  let samplerRuns = 0;
  let denoiserCalls = 0;
  const score = (noise: Tensor, ladder: Float64Array, samplerSeed: number): number => {
    samplerRuns += 1;
    let value: number;
    if (custom !== undefined) {
      value = scoreCustom(runner, custom, noise, ladder, samplerSeed, (calls) => (denoiserCalls += calls));
    } else {
      const run = runLadder(runner, noise, ladder, samplerSeed);
      denoiserCalls += run.denoiserCalls;
      if (run.points !== undefined && run.width !== heldOutWidth) throw new DiffusionError('shape-mismatch', `tuneLadder: samples give rows of ${run.width} numbers, the held-out data rows of ${heldOutWidth}.`, { field: 'tuneLadder.heldOut', value: heldOutWidth, allowed: `rows of ${run.width}` });
      value = run.points === undefined ? Number.POSITIVE_INFINITY : bound!(run.points);
    }
    given.onProgress?.({ samplerRuns, loss: value });
    return value;
  };
  try {
    const scored = candidates.map(([name, ladder]) => ({ name, ladder, loss: score(tuningNoise, ladder, seed) }));
    const best = scored.reduce((a, b) => (b.loss < a.loss ? b : a));
    const search = coordinateSearchLadder(best.ladder, (ladder) => score(tuningNoise, ladder, seed), { ...given.search, startLoss: best.loss });
    const check = checkTuned(checkSeed, checkRepeats, checkMargin, [samples, ...sampleShape], score, best.ladder, search.ladder);
    const accepted = check.accepted;
    return {
      ladder: accepted || !keepStartIfWorse ? search.ladder : Float64Array.from(best.ladder),
      tuned: search.ladder,
      start: { name: best.name, ladder: Float64Array.from(best.ladder) },
      objective: objectiveName,
      tuning: { candidates: Object.fromEntries(scored.map((entry) => [entry.name, entry.loss])), start: best.loss, tuned: search.loss },
      check: check.summary,
      accepted,
      samplerRuns,
      denoiserCalls,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    tuningNoise.dispose();
  }
}

/**
 * Scores the start and the tuned ladder on `repeats` independent check noises (each with its own
 * sampler seed for stochastic samplers), one noise tensor at a time, and decides by `pairedCheck`.
 */
function checkTuned(checkSeed: number, repeats: number, margin: number, shape: number[], score: (noise: Tensor, ladder: Float64Array, samplerSeed: number) => number, start: Float64Array, tuned: Float64Array): { summary: TunedLadderCheck; accepted: boolean } {
  const runs = { start: [] as number[], tuned: [] as number[] };
  const checkRandom = createRandomSource(checkSeed);
  for (let repeat = 0; repeat < repeats; repeat += 1) {
    const stream = checkRandom.fork(`ladder-check-${repeat}`);
    const samplerSeed = stream.integers(1, 2 ** 31)[0]!;
    const noise = randomNormalTensor(stream.fork('noise'), shape);
    try {
      runs.start.push(score(noise, start, samplerSeed));
      runs.tuned.push(score(noise, tuned, samplerSeed));
    } finally {
      noise.dispose();
    }
  }
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const decided = pairedCheck(runs.start, runs.tuned, margin);
  return { summary: { start: mean(runs.start), tuned: mean(runs.tuned), difference: decided.difference, standardError: decided.standardError, margin, runs }, accepted: decided.accepted };
}

/** One pass scored by the caller's function on the whole batch of samples. */
function scoreCustom(runner: LadderRunner, objective: (samples: Tensor) => number, noise: Tensor, ladder: Float64Array, seed: number, count: (calls: number) => void): number {
  let calls = 0;
  const counted: Denoiser = (x, sigma) => {
    calls += 1;
    return runner.denoiser(x, sigma);
  };
  const scale = runner.startScale === 'vp' ? Math.sqrt(1 + ladder[0]! ** 2) : ladder[0]!;
  const start = mul(noise, scale);
  let samples: Tensor | undefined;
  try {
    samples = runner.sampler.sample(counted, start, ladder, { seed });
    const value = objective(samples);
    if (typeof value !== 'number') throw invalidOption('tuneLadder.objective', value, 'a function returning a number');
    return Number.isFinite(value) ? value : Number.POSITIVE_INFINITY;
  } finally {
    count(calls);
    start.dispose();
    samples?.dispose();
  }
}
