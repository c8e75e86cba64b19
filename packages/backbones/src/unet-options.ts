import { checkBoolean, checkInRange, checkOptions, checkPositive, checkPositiveInteger, invalidOption } from '@diffusion/core';
import { checkEvenPositiveInteger, checkPositiveIntegerArray, checkSeed } from './backbone-options';

/** Options of `createUnetBackbone`; every field is JSON. */
export interface UnetBackboneOptions {
  /** Height and width of the square images; divisible by 2^(number of levels). */
  readonly imageSize: number;
  /** Image channels (1 for grey digits, 3 for RGB). */
  readonly channels: number;
  /** Feature width of the first level (default 32). */
  readonly baseChannels?: number;
  /** Width of each level as a multiple of `baseChannels`; each level halves the resolution (default `[1, 2]`). */
  readonly channelMultipliers?: readonly number[];
  /** Residual blocks per level on the way down (and as many, each eating one skip, on the way up; default 1). */
  readonly numResBlocks?: number;
  /** Resolutions (in pixels) after whose residual blocks self-attention runs, e.g. `[7]` (default none). */
  readonly attentionResolutions?: readonly number[];
  /** Attention heads; must divide the width at every attention resolution (default 1). */
  readonly attentionHeads?: number;
  /** Dropout rate inside residual blocks, in [0, 1); active only in training mode (default 0). */
  readonly dropout?: number;
  /** GroupNorm groups; must divide every normalised width (default 8). */
  readonly groups?: number;
  /** Width of the sinusoidal time embedding, even (default `baseChannels`); it feeds an MLP to 4 `baseChannels`. */
  readonly embeddingDimension?: number;
  /** Factor on the time input before the sinusoidal embedding (default 1000: t in [0, 1] → DDPM steps). */
  readonly timeScale?: number;
  /** Number of class labels; the class vector is added to the time embedding. */
  readonly numClasses?: number;
  /** Seed of the weights and of dropout (default 0). */
  readonly seed?: number;
  /**
   * Run GroupNorm (+ SiLU) as one fused kernel forward and one backward on the wasm and cpu
   * backends (default true); false forces the composed tfjs ops. Same weights and outputs either way.
   */
  readonly fusedKernels?: boolean;
}

/**
 * The options with every default filled in. `fusedKernels` appears only when given, so that the
 * config saved in safetensors files stays as before for the default.
 */
export type UnetBackboneConfig = Required<Omit<UnetBackboneOptions, 'numClasses' | 'fusedKernels'>> & Pick<UnetBackboneOptions, 'numClasses' | 'fusedKernels'>;

const known = ['imageSize', 'channels', 'baseChannels', 'channelMultipliers', 'numResBlocks', 'attentionResolutions', 'attentionHeads', 'dropout', 'groups', 'embeddingDimension', 'timeScale', 'numClasses', 'seed', 'fusedKernels'];

/** Checks U-Net options and fills defaults; every error names the field, value and what is allowed. */
export function resolveUnetOptions(options: UnetBackboneOptions): UnetBackboneConfig {
  const field = 'createUnetBackbone';
  if (options === undefined) throw invalidOption(field, options, 'an options object with imageSize and channels');
  const given = checkOptions(field, options, known);
  const baseChannels = checkPositiveInteger(`${field}.baseChannels`, given.baseChannels ?? 32);
  const channelMultipliers = checkPositiveIntegerArray(`${field}.channelMultipliers`, given.channelMultipliers ?? [1, 2]);
  const imageSize = checkPositiveInteger(`${field}.imageSize`, given.imageSize);
  const levels = channelMultipliers.length;
  if (imageSize % 2 ** levels !== 0) {
    throw invalidOption(`${field}.imageSize`, imageSize, `a multiple of 2^${levels} = ${2 ** levels} (channelMultipliers has ${levels} levels, each halving the resolution)`);
  }
  const resolutions = Array.from({ length: levels + 1 }, (_, level) => imageSize / 2 ** level);
  if (!Array.isArray(given.attentionResolutions ?? [])) throw invalidOption(`${field}.attentionResolutions`, given.attentionResolutions, 'an array of resolutions');
  const attentionResolutions = (given.attentionResolutions ?? []).map((resolution, index) => {
    if (!resolutions.includes(resolution)) throw invalidOption(`${field}.attentionResolutions[${index}]`, resolution, `one of the U-Net resolutions ${resolutions.join(', ')}`);
    return resolution;
  });
  const config: UnetBackboneConfig = {
    imageSize,
    channels: checkPositiveInteger(`${field}.channels`, given.channels),
    baseChannels,
    channelMultipliers,
    numResBlocks: checkPositiveInteger(`${field}.numResBlocks`, given.numResBlocks ?? 1),
    attentionResolutions,
    attentionHeads: checkPositiveInteger(`${field}.attentionHeads`, given.attentionHeads ?? 1),
    dropout: checkInRange(`${field}.dropout`, given.dropout ?? 0, 0, 1, '[)'),
    groups: checkPositiveInteger(`${field}.groups`, given.groups ?? 8),
    embeddingDimension: checkEvenPositiveInteger(`${field}.embeddingDimension`, given.embeddingDimension ?? baseChannels),
    timeScale: checkPositive(`${field}.timeScale`, given.timeScale ?? 1000),
    seed: checkSeed(`${field}.seed`, given.seed ?? 0),
    ...(given.numClasses === undefined ? {} : { numClasses: checkPositiveInteger(`${field}.numClasses`, given.numClasses) }),
    ...(given.fusedKernels === undefined ? {} : { fusedKernels: checkBoolean(`${field}.fusedKernels`, given.fusedKernels) }),
  };
  // Every GroupNorm width: each level's width, and the up blocks' inputs (features + skip).
  const widths = channelMultipliers.map((multiplier) => multiplier * baseChannels);
  const normalised = new Set<number>(widths);
  let current = widths[levels - 1]!;
  for (let level = levels - 1; level >= 0; level -= 1) {
    for (let block = 0; block < config.numResBlocks; block += 1) {
      normalised.add(current + widths[level]!);
      current = widths[level]!;
    }
  }
  for (const width of normalised) {
    if (width % config.groups !== 0) throw invalidOption(`${field}.groups`, config.groups, `a divisor of every normalised width (${[...normalised].sort((a, b) => a - b).join(', ')}); ${width} is not divisible`);
  }
  attentionResolutions.forEach((resolution) => {
    const width = widths[Math.min(levels - 1, Math.log2(imageSize / resolution))]!;
    if (width % config.attentionHeads !== 0) throw invalidOption(`${field}.attentionHeads`, config.attentionHeads, `a divisor of the width ${width} at resolution ${resolution}`);
  });
  return config;
}
