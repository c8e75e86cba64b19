import { configError } from './config-errors';

/** The down block types of `UNet2DModel` built here (diffusers also accepts a `UNetRes` prefix: `UNetResDownBlock2D`). */
export type Unet2DDownBlockType = 'DownBlock2D' | 'AttnDownBlock2D';
/** The up block types built here. */
export type Unet2DUpBlockType = 'UpBlock2D' | 'AttnUpBlock2D';

/**
 * A diffusers `UNet2DModel` `config.json`, every key resolved to the value diffusers v0.31.0
 * would use (its defaults filled in), in diffusers' own key names. `sample_size` is `[height, width]`.
 */
export interface Unet2DModelConfig {
  readonly _class_name: 'UNet2DModel';
  /** `[height, width]` of the samples (diffusers accepts an int for square samples). */
  readonly sample_size: readonly [number, number];
  readonly in_channels: number;
  readonly out_channels: number;
  /** Maps the input `x` to `2 x - 1` first. */
  readonly center_input_sample: boolean;
  readonly time_embedding_type: 'positional';
  /** Width of the time embedding (diffusers >= 0.32 key; null: 4 `block_out_channels[0]`). */
  readonly time_embedding_dim: number | null;
  /** `downscale_freq_shift` of the sinusoidal embedding: frequencies `exp(-ln(10000) i / (half - freq_shift))`. */
  readonly freq_shift: number;
  /** `[cos, sin]` order instead of `[sin, cos]`. */
  readonly flip_sin_to_cos: boolean;
  readonly down_block_types: readonly Unet2DDownBlockType[];
  /** `UNetMidBlock2D`, or null for no middle block (diffusers >= 0.32; v0.31 ignores the key). */
  readonly mid_block_type: 'UNetMidBlock2D' | null;
  readonly up_block_types: readonly Unet2DUpBlockType[];
  readonly block_out_channels: readonly number[];
  readonly layers_per_block: number;
  /** Divides the middle block's residual and attention outputs. */
  readonly mid_block_scale_factor: number;
  /** 1: symmetric padding 1 of the stride-2 convolutions; 0: one row and column of zeros at the bottom and right. */
  readonly downsample_padding: 0 | 1;
  readonly downsample_type: 'conv';
  readonly upsample_type: 'conv';
  /** Dropout rate inside residual blocks (training mode only). */
  readonly dropout: number;
  readonly act_fn: 'silu' | 'swish';
  /** Width of one attention head; null: one head of the block's full width. */
  readonly attention_head_dim: number | null;
  readonly norm_num_groups: number;
  /** Groups of the middle block's attention norm; null: `norm_num_groups` with `default` time scale-shift, no norm with `scale_shift`. */
  readonly attn_norm_num_groups: number | null;
  readonly norm_eps: number;
  /** `default`: the time embedding is added before the second norm; `scale_shift`: `norm(h) (1 + scale) + shift`. */
  readonly resnet_time_scale_shift: 'default' | 'scale_shift';
  readonly add_attention: boolean;
  readonly class_embed_type: null;
  /** Number of class labels (an embedding table added to the time embedding), or null. */
  readonly num_class_embeds: number | null;
  readonly num_train_timesteps: number | null;
}

/** diffusers v0.31.0's defaults of `UNet2DModel.__init__` (and of the two keys newer versions add). */
const defaults: Omit<Unet2DModelConfig, 'sample_size' | '_class_name'> = {
  in_channels: 3,
  out_channels: 3,
  center_input_sample: false,
  time_embedding_type: 'positional',
  time_embedding_dim: null,
  freq_shift: 0,
  flip_sin_to_cos: true,
  down_block_types: ['DownBlock2D', 'AttnDownBlock2D', 'AttnDownBlock2D', 'AttnDownBlock2D'],
  mid_block_type: 'UNetMidBlock2D',
  up_block_types: ['AttnUpBlock2D', 'AttnUpBlock2D', 'AttnUpBlock2D', 'UpBlock2D'],
  block_out_channels: [224, 448, 672, 896],
  layers_per_block: 2,
  mid_block_scale_factor: 1,
  downsample_padding: 1,
  downsample_type: 'conv',
  upsample_type: 'conv',
  dropout: 0,
  act_fn: 'silu',
  attention_head_dim: 8,
  norm_num_groups: 32,
  attn_norm_num_groups: null,
  norm_eps: 1e-5,
  resnet_time_scale_shift: 'default',
  add_attention: true,
  class_embed_type: null,
  num_class_embeds: null,
  num_train_timesteps: null,
};

const knownKeys = new Set(['sample_size', ...Object.keys(defaults)]);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads and checks a diffusers `UNet2DModel` `config.json`, filling in diffusers' defaults. */
export function readUnet2DModelConfig(json: unknown, file = 'config.json'): Unet2DModelConfig {
  if (!isPlainObject(json)) throw configError(file, '(root)', json, 'a JSON object (a diffusers UNet2DModel config)');
  for (const key of Object.keys(json)) {
    if (!key.startsWith('_') && !knownKeys.has(key)) {
      throw configError(file, key, json[key], `no such key: UNet2DModel takes ${[...knownKeys].sort().join(', ')} (keys starting with "_" are ignored)`);
    }
  }
  if (json._class_name !== undefined && json._class_name !== 'UNet2DModel') throw configError(file, '_class_name', json._class_name, '"UNet2DModel" (the only diffusers model class built here)');
  const get = <K extends keyof typeof defaults>(key: K): unknown => (Object.prototype.hasOwnProperty.call(json, key) ? json[key] : defaults[key]);
  const integer = (key: string, value: unknown, minimum: number): number => {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < minimum) throw configError(file, key, value, `an integer >= ${minimum}`);
    return value;
  };
  const optionalInteger = (key: keyof typeof defaults, minimum: number): number | null => {
    const value = get(key);
    return value === null ? null : integer(key, value, minimum);
  };
  const boolean = (key: keyof typeof defaults): boolean => {
    const value = get(key);
    if (typeof value !== 'boolean') throw configError(file, key, value, 'true or false');
    return value;
  };
  const oneOf = <T>(key: keyof typeof defaults, allowed: readonly T[], note = ''): T => {
    const value = get(key);
    if (!allowed.includes(value as T)) throw configError(file, key, value, `${allowed.map((entry) => JSON.stringify(entry)).join(' or ')}${note}`);
    return value as T;
  };
  const finite = (key: keyof typeof defaults, check: (value: number) => boolean, allowed: string): number => {
    const value = get(key);
    if (typeof value !== 'number' || !Number.isFinite(value) || !check(value)) throw configError(file, key, value, allowed);
    return value;
  };
  const blockTypes = <T extends string>(key: 'down_block_types' | 'up_block_types', allowed: readonly T[]): T[] => {
    const value = get(key);
    if (!Array.isArray(value) || value.length === 0) throw configError(file, key, value, `a non-empty list of ${allowed.join(' / ')}`);
    return value.map((type: unknown, index) => {
      // diffusers' get_down_block / get_up_block strip a "UNetRes" prefix.
      const name = typeof type === 'string' && type.startsWith('UNetRes') ? type.slice('UNetRes'.length) : type;
      if (!allowed.includes(name as T)) {
        throw configError(file, `${key}[${index}]`, type, `${allowed.map((entry) => JSON.stringify(entry)).join(' or ')} (the block types built here)`);
      }
      return name as T;
    });
  };

  const rawSampleSize = json.sample_size;
  let sampleSize: [number, number];
  if (typeof rawSampleSize === 'number') sampleSize = [integer('sample_size', rawSampleSize, 1), rawSampleSize];
  else if (Array.isArray(rawSampleSize) && rawSampleSize.length === 2) sampleSize = [integer('sample_size[0]', rawSampleSize[0], 1), integer('sample_size[1]', rawSampleSize[1], 1)];
  else throw configError(file, 'sample_size', rawSampleSize, 'a positive integer or [height, width] (the sample shape this backbone declares)');

  const downBlockTypes = blockTypes<Unet2DDownBlockType>('down_block_types', ['DownBlock2D', 'AttnDownBlock2D']);
  const upBlockTypes = blockTypes<Unet2DUpBlockType>('up_block_types', ['UpBlock2D', 'AttnUpBlock2D']);
  const rawChannels = get('block_out_channels');
  if (!Array.isArray(rawChannels) || rawChannels.length === 0) throw configError(file, 'block_out_channels', rawChannels, 'a non-empty list of positive integers');
  const blockOutChannels = rawChannels.map((channels: unknown, index) => integer(`block_out_channels[${index}]`, channels, 1));
  if (upBlockTypes.length !== downBlockTypes.length) throw configError(file, 'up_block_types', get('up_block_types'), `as many up blocks as down_block_types (${downBlockTypes.length})`);
  if (blockOutChannels.length !== downBlockTypes.length) throw configError(file, 'block_out_channels', rawChannels, `one width per down block (${downBlockTypes.length})`);
  const factor = 2 ** (downBlockTypes.length - 1);
  sampleSize.forEach((size, axis) => {
    if (size % factor !== 0) throw configError(file, typeof rawSampleSize === 'number' ? 'sample_size' : `sample_size[${axis}]`, size, `a multiple of ${factor} (${downBlockTypes.length - 1} stride-2 downsamplings; diffusers fails on the skip shapes otherwise)`);
  });

  const timeEmbeddingType = get('time_embedding_type');
  if (timeEmbeddingType !== 'positional') {
    const note = timeEmbeddingType === 'fourier' ? ' ("fourier", the Gaussian Fourier projection of score-SDE models, is not built here)' : timeEmbeddingType === 'learned' ? ' ("learned" is not built here)' : '';
    throw configError(file, 'time_embedding_type', timeEmbeddingType, `"positional"${note}`);
  }
  const classEmbedType = get('class_embed_type');
  if (classEmbedType !== null) throw configError(file, 'class_embed_type', classEmbedType, 'null (a learned table of num_class_embeds labels; "timestep" and "identity" are not built here)');
  const halfWidth = Math.floor(blockOutChannels[0]! / 2);
  const freqShift = finite('freq_shift', (value) => value !== halfWidth, `a number other than ${halfWidth} (half the embedding width, which would divide by zero)`);
  const midBlockType = get('mid_block_type');
  if (midBlockType !== null && midBlockType !== 'UNetMidBlock2D') throw configError(file, 'mid_block_type', midBlockType, '"UNetMidBlock2D" or null (no middle block)');
  const downsamplePadding = get('downsample_padding');
  if (downsamplePadding !== 0 && downsamplePadding !== 1) {
    throw configError(file, 'downsample_padding', downsamplePadding, '0 (pad bottom/right by one) or 1 (pad 1 all round); other paddings change the resolutions and diffusers fails on the skip shapes');
  }
  return {
    _class_name: 'UNet2DModel',
    sample_size: sampleSize,
    in_channels: integer('in_channels', get('in_channels'), 1),
    out_channels: integer('out_channels', get('out_channels'), 1),
    center_input_sample: boolean('center_input_sample'),
    time_embedding_type: 'positional',
    time_embedding_dim: optionalInteger('time_embedding_dim', 1),
    freq_shift: freqShift,
    flip_sin_to_cos: boolean('flip_sin_to_cos'),
    down_block_types: downBlockTypes,
    mid_block_type: midBlockType,
    up_block_types: upBlockTypes,
    block_out_channels: blockOutChannels,
    layers_per_block: integer('layers_per_block', get('layers_per_block'), 0),
    mid_block_scale_factor: finite('mid_block_scale_factor', (value) => value !== 0, 'a finite non-zero number (it divides the middle block outputs)'),
    downsample_padding: downsamplePadding,
    downsample_type: oneOf('downsample_type', ['conv'] as const, ' ("resnet" downsamplers are not built here)'),
    upsample_type: oneOf('upsample_type', ['conv'] as const, ' ("resnet" upsamplers are not built here)'),
    dropout: finite('dropout', (value) => value >= 0 && value < 1, 'a rate in [0, 1)'),
    act_fn: oneOf('act_fn', ['silu', 'swish'] as const, ' (SiLU; other activations are not built here)'),
    attention_head_dim: optionalInteger('attention_head_dim', 1),
    norm_num_groups: integer('norm_num_groups', get('norm_num_groups'), 1),
    attn_norm_num_groups: optionalInteger('attn_norm_num_groups', 1),
    norm_eps: finite('norm_eps', (value) => value > 0, 'a positive number'),
    resnet_time_scale_shift: oneOf('resnet_time_scale_shift', ['default', 'scale_shift'] as const),
    add_attention: boolean('add_attention'),
    class_embed_type: null,
    num_class_embeds: optionalInteger('num_class_embeds', 1),
    num_train_timesteps: optionalInteger('num_train_timesteps', 1),
  };
}
