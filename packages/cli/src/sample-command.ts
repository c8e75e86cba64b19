import { existsSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { denormalisePoints } from '@diffusion/data';
import { sigmaLadderByName, type SigmaLadderName } from '@diffusion/schedules';
import { startBackend } from './backend';
import { CliError, exitCodes } from './cli-error';
import { buildRegistry, runClassCount } from './components';
import { drawSamples } from './draw-samples';
import { loadRunModel, type LoadedModel } from './load-model';
import { readRun, writeAtomic } from './run-folder';
import { imageGridPng, pointsCsv, samplesNpy, scatterSvg, toPixelUnits } from './sample-files';
import { samplerFromSpec } from './samplers';
import type { CommandIo } from './train-command';
import { loadData } from './training-data';
import { isDiffusersFolder, pipelineSampleShape, sampleDiffusersPipeline } from './diffusers-sample';
import { loadDiffusersPipeline } from '@diffusion/diffusers';
import type { RunSettings } from './run-settings';
import { batchDenoiser, classIndexFromFlag, describeCondition, samplingConditionOf, type SamplingCondition } from './guidance';

/** Flags of `diffusion sample`. */
export interface SampleFlags {
  readonly model: string;
  readonly sampler?: string;
  readonly steps?: number;
  readonly ladder?: SigmaLadderName;
  readonly num?: number;
  readonly seed?: number;
  readonly batch?: number;
  readonly checkpoint?: number;
  readonly ema?: boolean;
  readonly class?: string;
  readonly guidance?: string;
  readonly backend?: RunSettings['backend'];
  readonly threads?: number;
  readonly out: string;
}

/** `path` with its extension replaced. */
export function beside(path: string, extension: string): string {
  return `${path.slice(0, path.length - extname(path).length)}${extension}`;
}

/** Samples of a loaded model in the network's space, with the sampler's name and calls. */
export async function sampleModel(model: LoadedModel, flags: Omit<SampleFlags, 'model' | 'out' | 'checkpoint' | 'ema' | 'class' | 'guidance'>, defaults: { steps: number; num: number }, signal?: AbortSignal, condition: SamplingCondition = {}) {
  const sampler = samplerFromSpec(flags.sampler ?? 'dpmpp-2m');
  const steps = flags.steps ?? defaults.steps;
  const sigmas = sigmaLadderByName(model.schedule, flags.ladder, steps);
  const { data } = model.record;
  const count = flags.num ?? defaults.num;
  const shape = data.kind === 'points' ? [data.sampleShape.reduce((product, size) => product * size, 1)] : data.sampleShape;
  const started = performance.now();
  const drawn = await drawSamples(sampler, (size) => batchDenoiser(model.denoiser, condition, size), { sigmas, count, shape, seed: flags.seed ?? 0, batch: flags.batch ?? (data.kind === 'points' ? 1000 : 64), ...(signal === undefined ? {} : { signal }) });
  return { ...drawn, count, sampler, steps, seconds: (performance.now() - started) / 1000 };
}

/** The PNG grid and the `.npy` (grey levels 0..255) of image samples `[count, …shape]` in [-1, 1]. */
async function writeImageSamples(out: string, values: Float32Array, count: number, shape: [number, number, number]): Promise<string> {
  await writeAtomic(out, imageGridPng(values, shape, Math.ceil(Math.sqrt(count))));
  await writeAtomic(beside(out, '.npy'), samplesNpy(toPixelUnits(values), [count, ...shape]));
  return `wrote a grid of ${count} images to ${out} and the samples (grey levels 0..255, float32 [${[count, ...shape].join(', ')}]) to ${beside(out, '.npy')}`;
}

/** `diffusion sample --model <diffusers folder>`: a pipeline or model folder written by diffusers, sampled with our samplers. */
async function sampleDiffusersFolder(flags: SampleFlags, io: CommandIo): Promise<number> {
  if (extname(flags.out).toLowerCase() !== '.png') throw new CliError(`--out: ${flags.out}: a diffusers model writes a .png grid (and a .npy of the samples beside it)`);
  if (flags.checkpoint !== undefined) throw new CliError(`--checkpoint: ${flags.model} is a diffusers folder, which has no checkpoints; --checkpoint applies to run folders`);
  if (flags.ema === false) throw new CliError(`--no-ema: ${flags.model} is a diffusers folder, which holds one set of weights; --no-ema applies to run folders`);
  const sampler = samplerFromSpec(flags.sampler ?? 'dpmpp-2m');
  await startBackend(flags.backend ?? 'wasm', flags.threads ?? 1, io.log);
  const pipeline = await loadDiffusersPipeline(resolve(flags.model));
  try {
    const classes = pipeline.backbone.numClasses;
    // diffusers' num_class_embeds rows are all classes to a diffusers model: --class alone takes [0, num_class_embeds).
    // Guidance uses the last row as the null class (as a model trained here with label dropout, or exported, has it): classes [0, K = num_class_embeds - 1).
    const embeds = pipeline.backbone.config.num_class_embeds;
    const condition = flags.guidance === undefined ? undefined : samplingConditionOf(flags, classes, undefined, flags.model);
    const classIndex = condition !== undefined ? condition.classIndex : flags.class === undefined ? undefined : classIndexFromFlag(flags.class, embeds ?? undefined, undefined, flags.model);
    if (embeds !== null && classIndex === undefined) throw new CliError(`--class: ${flags.model} is class-conditional (num_class_embeds ${embeds}); give --class <c> in [0, ${embeds})`);
    const shape = pipelineSampleShape(pipeline);
    const count = flags.num ?? 64;
    const steps = flags.steps ?? 25;
    io.log(`sampling ${resolve(flags.model)}: diffusers UNet2DModel [${shape.join(', ')}], ${pipeline.scheduler.className}'s schedule and ${pipeline.parameterisation.name} output, ${sampler.name} in ${steps} steps`);
    const started = performance.now();
    const values = await sampleDiffusersPipeline(pipeline, { sampler, steps, ladder: flags.ladder, count, seed: flags.seed ?? 0, batch: flags.batch ?? 64, signal: io.signal, classLabel: classIndex, ...(condition?.guider === undefined ? {} : { guidance: { guider: condition.guider, nullClass: classes! } }) });
    const seconds = (performance.now() - started) / 1000;
    io.print(`${await writeImageSamples(resolve(flags.out), values, count, shape)} (${seconds.toFixed(1)} s)`);
    return exitCodes.ok;
  } finally {
    pipeline.dispose();
  }
}

/** `diffusion sample`: points to CSV + SVG scatter, images to a PNG grid + `.npy`, in the data's units. */
export async function sampleCommand(flags: SampleFlags, io: CommandIo): Promise<number> {
  if (isDiffusersFolder(flags.model)) return sampleDiffusersFolder(flags, io);
  const { record } = readRun(flags.model, '--model', true);
  const kind = record.data.kind;
  const extension = extname(flags.out).toLowerCase();
  if (kind === 'points' && extension !== '.csv') throw new CliError(`--out: ${flags.out}: a points model writes a .csv file (and an .svg scatter beside it)`);
  if (kind === 'images' && extension !== '.png') throw new CliError(`--out: ${flags.out}: an image model writes a .png grid (and a .npy of the samples beside it)`);
  samplerFromSpec(flags.sampler ?? 'dpmpp-2m'); // checked before the backend starts
  const condition = samplingConditionOf(flags, runClassCount(record.settings, record.data), record.data.classNames, flags.model);
  await startBackend(flags.backend ?? record.settings.backend, flags.threads ?? record.settings.threads, io.log);
  const registry = buildRegistry();
  const model = await loadRunModel(registry, flags.model, { ...(flags.checkpoint === undefined ? {} : { checkpoint: flags.checkpoint }), ema: flags.ema !== false });
  try {
    const described = describeCondition(condition, record.data.classNames);
    io.log(`sampling ${model.source}${described === '' ? '' : `: ${described}`}`);
    const result = await sampleModel(model, flags, { steps: 25, num: kind === 'points' ? 1000 : 64 }, io.signal, condition);
    const title = `${result.count} samples · ${result.sampler.name} · ${result.evaluations / Math.ceil(result.count / (flags.batch ?? (kind === 'points' ? 1000 : 64)))} NFE`;
    const out = resolve(flags.out);
    const { data } = record;
    if (data.kind === 'points') {
      if (data.normalisation.kind !== 'standardise') throw new CliError(`${flags.model}: run.json records a ${data.normalisation.kind} normalisation for points`);
      const points = denormalisePoints(result.values, data.normalisation);
      const names = data.columnNames ?? Array.from({ length: points.length / result.count }, (_, index) => `x${index}`);
      let reference: Float64Array | undefined;
      if (existsSync(record.settings.data)) {
        const loaded = loadData(record.settings, data.normalisation);
        if (loaded.record.fingerprint === data.fingerprint) reference = denormalisePoints(loaded.values.subarray(0, Math.min(loaded.record.count, 2000) * names.length), data.normalisation);
      }
      await writeAtomic(out, pointsCsv(points, names));
      await writeAtomic(beside(out, '.svg'), scatterSvg(points, names, `${title}${reference === undefined ? '' : ' (grey: training data)'}`, reference));
      io.print(`wrote ${result.count} points to ${out} and a scatter plot to ${beside(out, '.svg')} (${result.seconds.toFixed(1)} s)`);
    } else {
      io.print(`${await writeImageSamples(out, result.values, result.count, data.sampleShape as [number, number, number])} (${result.seconds.toFixed(1)} s)`);
    }
    return exitCodes.ok;
  } finally {
    model.dispose();
  }
}
