import { configError } from './config-errors';
import type { Unet2DModelConfig } from './unet2d-config';

/** One `ResnetBlock2D`: its weight prefix and widths. */
export interface ResnetPlan {
  readonly name: string;
  readonly inChannels: number;
  readonly outChannels: number;
}

/** One spatial self-attention (`Attention` with `residual_connection`), its weight prefix and sizes. */
export interface AttentionPlan {
  readonly name: string;
  readonly channels: number;
  readonly heads: number;
  readonly headDimension: number;
  /** Groups of its `group_norm`, or null for none. */
  readonly groups: number | null;
}

/** One down or up block. */
export interface BlockPlan {
  readonly resnets: readonly ResnetPlan[];
  /** Empty for `DownBlock2D` / `UpBlock2D`, else one per resnet. */
  readonly attentions: readonly AttentionPlan[];
  /** Weight prefix of its stride-2 downsampler or ×2 upsampler convolution, or null (the last block). */
  readonly resample: string | null;
  readonly outChannels: number;
}

/** Every block of a `UNet2DModel` with its widths, as diffusers' constructor lays them out. */
export interface Unet2DModelPlan {
  readonly timeEmbeddingWidth: number;
  readonly down: readonly BlockPlan[];
  readonly middle: { readonly resnets: readonly ResnetPlan[]; readonly attention: AttentionPlan | null } | null;
  readonly up: readonly BlockPlan[];
}

function attention(config: Unet2DModelConfig, name: string, channels: number, groups: number | null, file: string): AttentionPlan {
  // diffusers: head width attention_head_dim (null: the block's width), heads = channels // head width.
  const headDimension = config.attention_head_dim ?? channels;
  const heads = Math.floor(channels / headDimension);
  if (heads < 1) throw configError(file, 'attention_head_dim', config.attention_head_dim, `at most the width ${channels} of the attention in ${name} (channels // attention_head_dim heads)`);
  return { name, channels, heads, headDimension, groups };
}

/** Lays out the blocks of `UNet2DModel.__init__` (diffusers v0.31.0 unet_2d.py) and checks every norm's groups and every attention's heads. */
export function planUnet2DModel(config: Unet2DModelConfig, file = 'config.json'): Unet2DModelPlan {
  const channels = config.block_out_channels;
  const last = channels.length - 1;
  const groups = config.norm_num_groups;
  const down: BlockPlan[] = [];
  let outChannels = channels[0]!;
  config.down_block_types.forEach((type, index) => {
    const inChannels = outChannels;
    outChannels = channels[index]!;
    const resnets = Array.from({ length: config.layers_per_block }, (_, layer) => ({ name: `down_blocks.${index}.resnets.${layer}`, inChannels: layer === 0 ? inChannels : outChannels, outChannels }));
    const attentions = type === 'AttnDownBlock2D' ? resnets.map((_, layer) => attention(config, `down_blocks.${index}.attentions.${layer}`, outChannels, groups, file)) : [];
    down.push({ resnets, attentions, resample: index === last ? null : `down_blocks.${index}.downsamplers.0.conv`, outChannels });
  });
  const bottom = channels[last]!;
  // The middle attention's norm: attn_norm_num_groups, else norm_num_groups with the default time shift, else none.
  const middleGroups = config.attn_norm_num_groups ?? (config.resnet_time_scale_shift === 'default' ? groups : null);
  const middle = config.mid_block_type === null ? null : {
    resnets: [0, 1].map((layer) => ({ name: `mid_block.resnets.${layer}`, inChannels: bottom, outChannels: bottom })),
    attention: config.add_attention ? attention(config, 'mid_block.attentions.0', bottom, middleGroups, file) : null,
  };
  const reversed = [...channels].reverse();
  const up: BlockPlan[] = [];
  outChannels = reversed[0]!;
  config.up_block_types.forEach((type, index) => {
    const previousOutChannels = outChannels;
    outChannels = reversed[index]!;
    const inChannels = reversed[Math.min(index + 1, last)]!;
    const layers = config.layers_per_block + 1;
    const resnets = Array.from({ length: layers }, (_, layer) => ({
      name: `up_blocks.${index}.resnets.${layer}`,
      inChannels: (layer === 0 ? previousOutChannels : outChannels) + (layer === layers - 1 ? inChannels : outChannels),
      outChannels,
    }));
    const attentions = type === 'AttnUpBlock2D' ? resnets.map((_, layer) => attention(config, `up_blocks.${index}.attentions.${layer}`, outChannels, groups, file)) : [];
    up.push({ resnets, attentions, resample: index === last ? null : `up_blocks.${index}.upsamplers.0.conv`, outChannels });
  });
  const plan = { timeEmbeddingWidth: config.time_embedding_dim ?? 4 * channels[0]!, down, middle, up };
  checkGroups(config, plan, file);
  return plan;
}

/** torch's GroupNorm needs the groups to divide the channels; diffusers fails at construction otherwise. */
function checkGroups(config: Unet2DModelConfig, plan: Unet2DModelPlan, file: string): void {
  const widths = new Map<number, string>([[config.block_out_channels[0]!, 'conv_norm_out']]);
  const resnets = [...plan.down, ...plan.up].flatMap((block) => block.resnets).concat(plan.middle?.resnets ?? []);
  for (const resnet of resnets) {
    widths.set(resnet.inChannels, widths.get(resnet.inChannels) ?? `${resnet.name}.norm1`);
    widths.set(resnet.outChannels, widths.get(resnet.outChannels) ?? `${resnet.name}.norm2`);
  }
  for (const [width, where] of widths) {
    if (width % config.norm_num_groups !== 0) {
      throw configError(file, 'norm_num_groups', config.norm_num_groups, `a divisor of every normalised width; ${where} normalises ${width} channels`);
    }
  }
  const middleAttention = plan.middle?.attention;
  if (middleAttention?.groups != null && middleAttention.channels % middleAttention.groups !== 0) {
    const key = config.attn_norm_num_groups === null ? 'norm_num_groups' : 'attn_norm_num_groups';
    throw configError(file, key, middleAttention.groups, `a divisor of the middle attention's width ${middleAttention.channels}`);
  }
}
