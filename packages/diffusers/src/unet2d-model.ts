import { createConv2dLayer, createGroupNormLayer, createLinearLayer, createParameterStore, nearestUpsample, silu, type Conv2dLayer } from '@diffusion/backbones';
import { DiffusionError, type Backbone, type RandomSource } from '@diffusion/core';
import { add, cast, concat, matMul, mul, oneHot, sub, tidy, type Tensor } from '@tensorflow/tfjs-core';
import { timestepEmbedding } from './timestep-embedding';
import { createSpatialAttention, type SpatialAttention } from './unet2d-attention';
import { readUnet2DModelConfig, type Unet2DModelConfig } from './unet2d-config';
import { broadcastTimesteps, checkClassLabels, checkSample } from './unet2d-inputs';
import { planUnet2DModel, type BlockPlan } from './unet2d-plan';
import { createResnetBlock, type ResnetBlock, type ResnetSettings } from './unet2d-resnet';

/** diffusers' `UNet2DModel` as a `Backbone`: NHWC samples, diffusers' timesteps, int32 class labels. */
export interface Unet2DModel extends Backbone {
  readonly name: 'diffusers-unet-2d';
  /** The resolved diffusers config (`config.json` keys, defaults filled in). */
  readonly config: Unet2DModelConfig & Readonly<Record<string, unknown>>;
  /**
   * `x [batch, height, width, in_channels]` (NHWC; diffusers is NCHW), `noiseLevel` diffusers'
   * timesteps `[batch]` (or `[1]` / a scalar), `condition` int32 class labels `[batch]` when
   * `num_class_embeds` is set → `[batch, height, width, out_channels]`; the caller owns it.
   */
  apply(x: Tensor, noiseLevel: Tensor, condition?: Tensor): Tensor;
  /** Turns dropout on (training) or off (evaluation, the default). */
  setTraining(training: boolean): void;
}

/** Options of {@link createUnet2DModel}. */
export interface CreateUnet2DModelOptions {
  /** Seed of the initial weights and of dropout (default 0). */
  readonly seed?: number;
}

interface Block {
  readonly resnets: ResnetBlock[];
  readonly attentions: SpatialAttention[];
  readonly resample: Conv2dLayer | undefined;
}

/**
 * diffusers' `UNet2DModel` (v0.31.0 models/unets/unet_2d.py; Ho et al. 2020 App. B): conv_in;
 * down blocks whose every resnet (+ attention) output and downsampler output is kept as a skip;
 * the middle block (resnet, attention, resnet); up blocks of `layers_per_block + 1` resnets each
 * eating the latest skip (features first, then skip); GroupNorm → SiLU → conv_out. Built from a
 * config (a `config.json` object, checked by {@link readUnet2DModelConfig}) with seeded weights
 * named as diffusers names them (`down_blocks.1.attentions.0.to_q.weight`, in tfjs layouts).
 */
export function createUnet2DModel(config: Unet2DModelConfig | Readonly<Record<string, unknown>>, options: CreateUnet2DModelOptions = {}): Unet2DModel {
  const resolved = readUnet2DModelConfig(config, 'createUnet2DModel config');
  const plan = planUnet2DModel(resolved, 'createUnet2DModel config');
  const seed = options.seed ?? 0;
  if (!Number.isSafeInteger(seed) || seed < 0) throw new DiffusionError('invalid-option', `createUnet2DModel: seed: got ${seed}; expected an integer >= 0.`, { field: 'createUnet2DModel.seed', value: seed, allowed: 'an integer >= 0' });
  const store = createParameterStore(seed);
  const width = resolved.block_out_channels[0]!;
  const epsilon = resolved.norm_eps;
  const timeWidth = plan.timeEmbeddingWidth;
  const convIn = createConv2dLayer(store, 'conv_in', resolved.in_channels, width, 3);
  const timeLinear1 = createLinearLayer(store, 'time_embedding.linear_1', width, timeWidth);
  const timeLinear2 = createLinearLayer(store, 'time_embedding.linear_2', timeWidth, timeWidth);
  const classes = resolved.num_class_embeds;
  const classTable = classes === null ? undefined : store.normal('class_embedding.weight', [classes, timeWidth], 1);
  const settings = (outputScaleFactor: number): ResnetSettings => ({
    groups: resolved.norm_num_groups, epsilon, timeEmbeddingWidth: timeWidth, timeScaleShift: resolved.resnet_time_scale_shift, outputScaleFactor, dropoutRate: resolved.dropout,
  });
  const downPadding: [number, number] = resolved.downsample_padding === 1 ? [1, 1] : [0, 1];
  const build = (block: BlockPlan, direction: 'down' | 'up'): Block => ({
    resnets: block.resnets.map((resnet) => createResnetBlock(store, resnet, settings(1))),
    attentions: block.attentions.map((attention) => createSpatialAttention(store, attention, epsilon, 1)),
    resample: block.resample === null ? undefined : direction === 'down'
      ? createConv2dLayer(store, block.resample, block.outChannels, block.outChannels, 3, 2, 'lecun', downPadding)
      : createConv2dLayer(store, block.resample, block.outChannels, block.outChannels, 3),
  });
  const down = plan.down.map((block) => build(block, 'down'));
  const scale = resolved.mid_block_scale_factor;
  const middle = plan.middle === null ? undefined : {
    resnets: plan.middle.resnets.map((resnet) => createResnetBlock(store, resnet, settings(scale))),
    attention: plan.middle.attention === null ? undefined : createSpatialAttention(store, plan.middle.attention, epsilon, scale),
  };
  const up = plan.up.map((block) => build(block, 'up'));
  const normOut = createGroupNormLayer(store, 'conv_norm_out', width, resolved.norm_num_groups, { epsilon });
  const convOut = createConv2dLayer(store, 'conv_out', width, resolved.out_channels, 3);
  const dropoutRandom = store.stream('dropout');
  const parameterCount = store.count();
  let training = false;
  let disposed = false;

  return {
    name: 'diffusers-unet-2d',
    specificationVersion: 'v1',
    config: resolved as Unet2DModelConfig & Readonly<Record<string, unknown>>,
    sampleShape: [...resolved.sample_size, resolved.in_channels],
    parameterCount,
    // The core contract's K: labels 0 … K with K the null class of classifier-free guidance, i.e.
    // the table's last row (num_class_embeds = K + 1 rows, as a model trained here with pUncond has).
    ...(classes === null ? {} : { numClasses: classes - 1 }),
    setTraining(enabled) {
      training = enabled;
    },
    apply(x, noiseLevel, condition) {
      if (disposed) throw new DiffusionError('invalid-argument', 'diffusers-unet-2d: this backbone was disposed; its weights are gone.', { field: 'diffusers-unet-2d', allowed: 'a backbone that has not been disposed' });
      const batch = checkSample(x, resolved);
      checkClassLabels(condition, batch, resolved);
      const random: RandomSource | undefined = training && resolved.dropout > 0 ? dropoutRandom : undefined;
      return tidy(() => {
        const sample = resolved.center_input_sample ? sub(mul(x, 2), 1) : x;
        const timesteps = broadcastTimesteps(noiseLevel, batch);
        let embedding = timeLinear2.apply(timeLinear1.applySilu(timestepEmbedding(timesteps, width, resolved.flip_sin_to_cos, resolved.freq_shift)));
        // nn.Embedding read as one-hot · table: its gradient needs no UnsortedSegmentSum (absent from tfjs-backend-wasm).
        if (classTable !== undefined) embedding = add(embedding, matMul(cast(oneHot(cast(condition!, 'int32'), classes!), 'float32'), classTable));
        const timeActivation = silu(embedding);
        let hidden = convIn.apply(sample);
        const skips: Tensor[] = [hidden];
        for (const block of down) {
          block.resnets.forEach((resnet, index) => {
            hidden = resnet.apply(hidden, timeActivation, random);
            hidden = block.attentions[index]?.apply(hidden) ?? hidden;
            skips.push(hidden);
          });
          if (block.resample !== undefined) {
            hidden = block.resample.apply(hidden);
            skips.push(hidden);
          }
        }
        if (middle !== undefined) {
          hidden = middle.resnets[0]!.apply(hidden, timeActivation, random);
          hidden = middle.attention?.apply(hidden) ?? hidden;
          hidden = middle.resnets[1]!.apply(hidden, timeActivation, random);
        }
        for (const block of up) {
          block.resnets.forEach((resnet, index) => {
            hidden = resnet.apply(concat([hidden, skips.pop()!], 3), timeActivation, random);
            hidden = block.attentions[index]?.apply(hidden) ?? hidden;
          });
          if (block.resample !== undefined) hidden = block.resample.apply(nearestUpsample(hidden));
        }
        return convOut.apply(normOut.apply(hidden, { activation: 'silu' }));
      });
    },
    variables: () => store.variables,
    dispose() {
      disposed = true;
      store.dispose();
    },
  };
}
