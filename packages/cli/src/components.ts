import { createRegistry, type Backbone, type LossWeighting, type Parameterisation, type Registry, type Schedule, type TimeDensity } from '@diffusion/core';
import { builtinBackboneFactories } from '@diffusion/backbones';
import { createLossWeightingForSchedule, createTimeDensityForSchedule, lossWeightingNames, timeDensityNames, type LossWeightingName, type TimeDensityName } from '@diffusion/loss-weightings';
import { builtinParameterisations } from '@diffusion/parameterisations';
import { builtinSamplers } from '@diffusion/samplers';
import { builtinSchedules } from '@diffusion/schedules';
import { CliError } from './cli-error';
import { diffusersUnetBackboneName, diffusersUnetConfig, diffusersUnetFactory } from './diffusers-backbone';
import type { DataRecord } from './run-record';
import type { RunSettings } from './run-settings';

/** The registry of the command: every built-in schedule, parameterisation, sampler and backbone, and diffusers' `UNet2DModel`. */
export function buildRegistry(): Registry {
  return createRegistry({ schedules: builtinSchedules(), parameterisations: builtinParameterisations(), samplers: builtinSamplers(), backbones: [...builtinBackboneFactories(), diffusersUnetFactory] });
}

/** The registry name of a run's backbone (`diffusers-unet` is the `UNet2DModel` behind `withContinuousTime`). */
export function backboneFactoryName(backbone: RunSettings['backbone']): string {
  return backbone === 'diffusers-unet' ? diffusersUnetBackboneName : backbone;
}

function unknown(field: string, value: string, known: readonly string[]): CliError {
  return new CliError(`${field}: unknown name ${JSON.stringify(value)}; known: ${known.join(', ')}`);
}

/** A weighting by name; `natural` gives `undefined` (the trainer then uses the parameterisation's own MSE). */
export function weightingByName(name: string, schedule: Schedule): LossWeighting | undefined {
  if (name === 'natural') return undefined;
  if (!(lossWeightingNames as readonly string[]).includes(name) || name === 'density-weighted') throw unknown('weighting', name, ['natural', ...lossWeightingNames.filter((known) => known !== 'density-weighted')]);
  return createLossWeightingForSchedule(name as LossWeightingName, schedule);
}

/** A training-time density by name. */
export function timeDensityByName(name: string, schedule: Schedule): TimeDensity {
  if (!(timeDensityNames as readonly string[]).includes(name)) throw unknown('timeDensity', name, timeDensityNames);
  return createTimeDensityForSchedule(name as TimeDensityName, schedule);
}

/** The model parts a run's settings name, checked before any work. */
export interface ModelParts {
  readonly schedule: Schedule;
  readonly parameterisation: Parameterisation;
  readonly weighting: LossWeighting | undefined;
  readonly timeDensity: TimeDensity;
}

/** Looks up the schedule, parameterisation, weighting and time density of a run by name. */
export function modelParts(registry: Registry, settings: Pick<RunSettings, 'schedule' | 'parameterisation' | 'weighting' | 'timeDensity'>): ModelParts {
  if (!registry.schedules.has(settings.schedule)) throw unknown('schedule', settings.schedule, registry.schedules.names());
  if (!registry.parameterisations.has(settings.parameterisation)) throw unknown('parameterisation', settings.parameterisation, registry.parameterisations.names());
  const schedule = registry.schedules.get(settings.schedule);
  return {
    schedule,
    parameterisation: registry.parameterisations.get(settings.parameterisation),
    weighting: weightingByName(settings.weighting, schedule),
    timeDensity: timeDensityByName(settings.timeDensity, schedule),
  };
}

/** Default backbone options for the data: an MLP of three 128-wide layers; a U-Net of 32 base channels, up to three levels, attention at a quarter of the size. */
function defaultBackboneOptions(name: RunSettings['backbone'], data: DataRecord): Record<string, unknown> {
  if (name === 'mlp') return { hiddenWidths: [128, 128, 128] };
  const size = data.sampleShape[0]!;
  if (name === 'unet') {
    // As many levels (up to 3) as the size halves exactly; attention at a quarter of the size.
    const levels = [3, 2, 1].find((count) => size % 2 ** count === 0) ?? 0;
    return { baseChannels: 32, channelMultipliers: [1, 2, 2].slice(0, Math.max(1, levels)), numResBlocks: 1, attentionResolutions: levels >= 2 ? [size / 4] : [], groups: 8 };
  }
  return { patchSize: size % 4 === 0 ? 4 : size % 2 === 0 ? 2 : 1 };
}

/** K of a class-conditional run (its data's classes), undefined for an unconditional one (no `pUncond` recorded). */
export function runClassCount(settings: Pick<RunSettings, 'pUncond'>, data: DataRecord): number | undefined {
  if (settings.pUncond === undefined) return undefined;
  if (data.classNames === undefined || data.classNames.length === 0) throw new CliError(`pUncond: ${settings.pUncond} is set but the data has no labels (image subfolders or --label-column)`);
  return data.classNames.length;
}

/** The full options of a run's backbone: the defaults, the user's, and what the data fixes (shape, classes, seed). */
export function backboneConfig(settings: Pick<RunSettings, 'backbone' | 'backboneOptions' | 'seed' | 'pUncond'>, data: DataRecord, schedule: Schedule): Record<string, unknown> {
  const numClasses = runClassCount(settings, data);
  const fixed: Record<string, unknown> = {
    ...(data.kind === 'points' ? { dimension: data.sampleShape.reduce((product, size) => product * size, 1) } : { imageSize: data.sampleShape[0], channels: data.sampleShape[2] }),
    ...(numClasses === undefined ? {} : { numClasses }),
  };
  if (data.kind === 'points' && settings.backbone !== 'mlp') throw new CliError(`backbone: "${settings.backbone}" takes images; points train with "mlp"`);
  if (data.kind === 'images' && settings.backbone === 'mlp') throw new CliError('backbone: "mlp" takes points; images train with "unet", "diffusers-unet" or "dit"');
  if (data.kind === 'images' && data.sampleShape[0] !== data.sampleShape[1]) throw new CliError(`backbone: "${settings.backbone}" takes square images; these are ${data.sampleShape[1]}x${data.sampleShape[0]} (give --size)`);
  if (settings.backbone === 'diffusers-unet') return diffusersUnetConfig(settings.backboneOptions, { size: data.sampleShape[0]!, channels: data.sampleShape[2]!, ...(numClasses === undefined ? {} : { numClasses }) }, schedule, settings.seed);
  for (const key of [...Object.keys(fixed), 'numClasses']) if (key in settings.backboneOptions) throw new CliError(`backboneOptions.${key}: set by the data (${key === 'numClasses' ? 'its classes, when labelled and not --unconditional' : String(fixed[key])}); leave it out`);
  return { ...defaultBackboneOptions(settings.backbone, data), ...settings.backboneOptions, ...fixed, seed: settings.seed };
}

/** Builds a run's backbone through the registry's factory (its options are checked there). */
export function createBackbone(registry: Registry, settings: Pick<RunSettings, 'backbone' | 'backboneOptions' | 'seed' | 'schedule' | 'pUncond'>, data: DataRecord): Backbone {
  return registry.backbones.get(backboneFactoryName(settings.backbone)).create(backboneConfig(settings, data, registry.schedules.get(settings.schedule)));
}
