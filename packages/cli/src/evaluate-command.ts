import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { createRandomSource, type Denoiser } from '@diffusion/core';
import { denormalisePoints } from '@diffusion/data';
import { startBackend } from './backend';
import { CliError, exitCodes } from './cli-error';
import { buildRegistry, runClassCount } from './components';
import { describeCondition, samplingConditionOf } from './guidance';
import { digitQuality, digitsApply, nllFigures, pointQuality } from './evaluate-metrics';
import type { SigmaLadderName } from '@diffusion/schedules';
import { loadRunModel } from './load-model';
import { readRun, writeAtomic } from './run-folder';
import { sampleModel } from './sample-command';
import type { CommandIo } from './train-command';
import { loadData, type LoadedData } from './training-data';

/** Flags of `diffusion evaluate`. */
export interface EvaluateFlags {
  readonly model: string;
  readonly data: string;
  readonly sampler?: string;
  readonly steps?: number;
  readonly ladder?: SigmaLadderName;
  readonly num?: number;
  readonly nllCount?: number;
  readonly seed?: number;
  readonly class?: string;
  readonly guidance?: string;
  readonly out?: string;
}

/**
 * The examples of loaded data whose label is the run's class `classIndex` (labels mapped by class
 * name: held-out data names its own classes); refused when the data has no labels.
 */
function onlyClass(loaded: LoadedData, runClassNames: readonly string[], classIndex: number, dimension: number, flag: string): LoadedData {
  const names = loaded.record.classNames;
  if (loaded.labels === undefined || names === undefined) throw new CliError(`--class: ${flag} has no labels (image subfolders or the run's label column); evaluating one class needs them`);
  const wanted = runClassNames[classIndex]!;
  const rows: number[] = [];
  loaded.labels.forEach((label, row) => {
    if (names[label] === wanted) rows.push(row);
  });
  if (rows.length === 0) throw new CliError(`--class: ${flag} has no example of class ${classIndex} (${JSON.stringify(wanted)})`);
  const values = new Float32Array(rows.length * dimension);
  rows.forEach((row, index) => values.set(loaded.values.subarray(row * dimension, (row + 1) * dimension), index * dimension));
  return { record: { ...loaded.record, count: rows.length }, values, labels: new Int32Array(rows.length).fill(classIndex) };
}

/** `count` examples of loaded data (all when fewer), a seeded random subset without replacement, row-major. */
function subset(loaded: LoadedData, count: number, dimension: number, seed: number, label: string): Float32Array {
  const total = loaded.record.count;
  if (count >= total) return loaded.values;
  // A seeded partial Fisher-Yates shuffle: files are often sorted (by class), so the first rows would not do.
  const order = Uint32Array.from({ length: total }, (_, index) => index);
  const uniforms = createRandomSource(seed).fork(label).uniforms(count);
  const out = new Float32Array(count * dimension);
  for (let index = 0; index < count; index += 1) {
    const other = index + Math.floor(uniforms[index]! * (total - index));
    [order[index], order[other]] = [order[other]!, order[index]!];
    out.set(loaded.values.subarray(order[index]! * dimension, (order[index]! + 1) * dimension), index * dimension);
  }
  return out;
}

/** A seeded subset of loaded data as a tensor `[count, …shape]` (the caller owns it). */
function examples(loaded: LoadedData, count: number, shape: readonly number[], seed: number, label: string): tf.Tensor {
  const dimension = shape.reduce((product, size) => product * size, 1);
  const values = subset(loaded, count, dimension, seed, label);
  return tf.tensor(values, [values.length / dimension, ...shape], 'float32');
}

const format = (value: number | undefined): string => (value === undefined ? '–' : Math.abs(value) >= 1e4 || (Math.abs(value) < 1e-3 && value !== 0) ? value.toExponential(3) : value.toPrecision(4));

/** `diffusion evaluate`: the NLL bound of held-out data and sample-quality metrics; prints a table and writes JSON. */
export async function evaluateCommand(flags: EvaluateFlags, io: CommandIo): Promise<number> {
  const { folder, record } = readRun(flags.model, '--model', true);
  const { data } = record;
  const condition = samplingConditionOf(flags, runClassCount(record.settings, data), data.classNames, flags.model);
  const shape = data.kind === 'points' ? [data.sampleShape.reduce((product, size) => product * size, 1)] : data.sampleShape;
  const dimension = shape.reduce((product, size) => product * size, 1);
  const read = loadData({ ...record.settings, data: flags.data }, record.data.normalisation);
  const heldOut = condition.classIndex === undefined ? read : onlyClass(read, data.classNames!, condition.classIndex, dimension, flags.data);
  if (heldOut.record.sampleShape.join('x') !== data.sampleShape.join('x')) {
    throw new CliError(`--data: ${flags.data} holds examples of shape [${heldOut.record.sampleShape.join(', ')}] but the model was trained on [${data.sampleShape.join(', ')}]`);
  }
  if (heldOut.record.fingerprint === data.fingerprint) io.log(`note: ${flags.data} is the training data itself, not held-out data`);
  const seed = flags.seed ?? 0;
  await startBackend(record.settings.backend, record.settings.threads, io.log);
  const model = await loadRunModel(buildRegistry(), flags.model, { ema: true });
  const started = performance.now();
  try {
    const described = describeCondition(condition, data.classNames);
    io.log(`evaluating ${model.source} on ${heldOut.record.count} held-out examples${described === '' ? '' : ` of ${described}`}`);
    const nllData = examples(heldOut, flags.nllCount ?? (data.kind === 'points' ? 2000 : 200), shape, seed, 'nll-examples');
    // The bound of the class's examples given the class (unguided: a guided denoiser has no likelihood).
    const classIndex = condition.classIndex;
    const nllDenoiser: Denoiser = classIndex === undefined ? (x, sigma) => model.denoiser(x, sigma) : (x, sigma) => tf.tidy(() => model.denoiser(x, sigma, tf.fill([x.shape[0]!], classIndex, 'int32')));
    const nll = nllFigures(nllDenoiser, model.schedule, nllData, data, seed);
    nllData.dispose();
    const drawn = await sampleModel(model, { ...flags, seed }, { steps: 50, num: data.kind === 'points' ? 2000 : 500 }, io.signal, condition);
    const trainingData = loadTrainingReference(record, io.log);
    const training = trainingData === undefined || classIndex === undefined ? trainingData : onlyClass(trainingData, data.classNames!, classIndex, dimension, record.settings.data);
    const sampling = { sampler: drawn.sampler.name, samplerOptions: drawn.sampler.options, steps: drawn.steps, samples: drawn.count, seconds: drawn.seconds };
    let quality: Record<string, unknown> = {};
    let reference: Record<string, unknown> | undefined;
    if (data.kind === 'points' && data.normalisation.kind === 'standardise') {
      const held = denormalisePoints(heldOut.values, data.normalisation);
      quality = { ...pointQuality(denormalisePoints(drawn.values, data.normalisation), held, dimension, seed) };
      if (training !== undefined) reference = { ...pointQuality(denormalisePoints(subset(training, drawn.count, dimension, seed, 'training-reference'), data.normalisation), held, dimension, seed) };
    } else if (digitsApply(data)) {
      const referenceImages = examples(heldOut, 2000, shape, seed, 'held-out-reference');
      const samples = tf.tensor(drawn.values, [drawn.count, ...shape], 'float32');
      quality = { ...digitQuality(samples, referenceImages) };
      samples.dispose();
      if (training !== undefined) {
        const trainImages = examples(training, drawn.count, shape, seed, 'training-reference');
        reference = { ...digitQuality(trainImages, referenceImages) };
        trainImages.dispose();
      }
      referenceImages.dispose();
    } else io.log('note: Fréchet distance and classifier confidence apply to 28x28 grey digits only; this model has none of the sample metrics');
    const report = {
      tool: 'diffusion',
      version: 1,
      model: model.source,
      heldOut: { path: resolve(flags.data), count: heldOut.record.count, fingerprint: heldOut.record.fingerprint },
      ...(classIndex === undefined ? {} : { class: { index: classIndex, name: data.classNames![classIndex] } }),
      ...(condition.guider === undefined ? {} : { guidance: { guider: condition.guider.name, options: condition.guider.options } }),
      ...(nll === undefined ? {} : { nllBound: nll }),
      sampling,
      quality,
      ...(reference === undefined ? {} : { trainingDataQuality: reference }),
      seconds: (performance.now() - started) / 1000,
    };
    const out = resolve(flags.out ?? join(folder.root, 'evaluation.json'));
    await writeAtomic(out, `${JSON.stringify(report, null, 2)}\n`);
    const rows: Array<[string, string, string]> = [];
    if (nll === undefined) rows.push(['NLL bound', '(continuous schedule: not available)', '']);
    else if (data.kind === 'points') rows.push(['NLL bound, nats per point (data units)', format(nll.nats), `± ${format(nll.standardError)}`], ['NLL bound, bits per dimension', format(nll.bitsPerDim), '']);
    else rows.push(['NLL bound, bits per dimension', format(nll.bitsPerDim), `± ${format(nll.standardError / (dimension * Math.LN2))}`]);
    for (const [name, value] of Object.entries(quality)) rows.push([`${name} (${drawn.sampler.name}, ${drawn.steps} steps)`, format(value as number), reference === undefined ? '' : `training data: ${format(reference[name] as number)}`]);
    const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column]!.length)));
    for (const row of rows) io.print(row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd());
    io.print(`report: ${out}`);
    return exitCodes.ok;
  } finally {
    model.dispose();
  }
}

/** The run's own training data (when still there and unchanged), as the reference row of the table. */
function loadTrainingReference(record: ReturnType<typeof readRun>['record'], log: (line: string) => void): LoadedData | undefined {
  try {
    const loaded = loadData(record.settings, record.data.normalisation);
    if (loaded.record.fingerprint === record.data.fingerprint) return loaded;
    log(`note: the training data at ${record.settings.data} changed since training; no reference row`);
  } catch {
    log(`note: the training data at ${record.settings.data} is not readable; no reference row`);
  }
  return undefined;
}
