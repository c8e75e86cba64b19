import { checkBackend, checkShape, type Backbone, type RandomSource } from '@diffusion/core';
import { add, tidy, type Tensor } from '@tensorflow/tfjs-core';
import { silu } from './activation-functions';
import { checkApplyInputs, checkNoCondition, checkNotDisposed } from './backbone-options';
import { createParameterStore } from './backbone-parameters';
import { createClassEmbedding } from './class-embedding';
import { createConv2dLayer, type Conv2dLayer } from './conv2d-layer';
import { createGroupNormLayer } from './group-norm-layer';
import { createLinearLayer } from './linear-layer';
import { sinusoidalEmbedding } from './time-embedding';
import { concatenateSkip, createResidualBlock, nearestUpsample, createSpatialAttentionBlock, type ResidualBlock } from './unet-blocks';
import { resolveUnetOptions, type UnetBackboneOptions } from './unet-options';

/** A U-Net backbone; dropout runs only in training mode. */
export interface UnetBackbone extends Backbone {
  /** Turns dropout on (training) or off (evaluation, the default). */
  setTraining(training: boolean): void;
}

interface Stage {
  readonly blocks: ResidualBlock[];
  readonly attentions: Array<{ apply(x: Tensor): Tensor } | undefined>;
  readonly resample: Conv2dLayer;
}

/**
 * U-Net denoiser of Ho et al. (2020) App. B / Dhariwal & Nichol (2021), NHWC: a conv stem; per
 * level `numResBlocks` residual blocks (with self-attention at `attentionResolutions`), each output
 * kept as a skip, then a stride-2 conv; a middle block; per level on the way up a nearest ×2
 * upsample + conv and `numResBlocks` blocks fed `[features, skip]`; GroupNorm → SiLU → conv out.
 * `apply(x [batch, size, size, channels], noiseLevel [batch], labels?)` → same shape as x.
 */
export function createUnetBackbone(options: UnetBackboneOptions): UnetBackbone {
  const config = resolveUnetOptions(options);
  checkBackend('createUnetBackbone');
  const { imageSize, channels, baseChannels, channelMultipliers, numResBlocks, groups, embeddingDimension, numClasses } = config;
  const fusedKernels = config.fusedKernels ?? true;
  const store = createParameterStore(config.seed);
  const timeWidth = 4 * baseChannels;
  const timeLinear1 = createLinearLayer(store, 'timeEmbedding.linear1', embeddingDimension, timeWidth);
  const timeLinear2 = createLinearLayer(store, 'timeEmbedding.linear2', timeWidth, timeWidth);
  const classEmbedding = numClasses === undefined ? undefined : createClassEmbedding(store, 'classEmbedding', numClasses, timeWidth);
  const attentionAt = (resolution: number, name: string, width: number) =>
    config.attentionResolutions.includes(resolution) ? createSpatialAttentionBlock(store, name, width, config.attentionHeads, groups, fusedKernels) : undefined;
  const stem = createConv2dLayer(store, 'stem', channels, baseChannels, 3);
  const down: Stage[] = [];
  let width = baseChannels;
  channelMultipliers.forEach((multiplier, level) => {
    const resolution = imageSize / 2 ** level;
    const blocks: ResidualBlock[] = [];
    const attentions: Stage['attentions'] = [];
    for (let block = 0; block < numResBlocks; block += 1) {
      blocks.push(createResidualBlock(store, `down.${level}.blocks.${block}`, width, multiplier * baseChannels, timeWidth, groups, config.dropout, fusedKernels));
      width = multiplier * baseChannels;
      attentions.push(attentionAt(resolution, `down.${level}.attentions.${block}`, width));
    }
    down.push({ blocks, attentions, resample: createConv2dLayer(store, `down.${level}.downsample`, width, width, 3, 2) });
  });
  const bottom = imageSize / 2 ** channelMultipliers.length;
  const middleBlock = createResidualBlock(store, 'middle.block', width, width, timeWidth, groups, config.dropout, fusedKernels);
  const middleAttention = attentionAt(bottom, 'middle.attention', width);
  const up: Stage[] = [];
  for (let level = channelMultipliers.length - 1; level >= 0; level -= 1) {
    const levelWidth = channelMultipliers[level]! * baseChannels;
    const resolution = imageSize / 2 ** level;
    const stage: Stage = { blocks: [], attentions: [], resample: createConv2dLayer(store, `up.${level}.upsample`, width, width, 3) };
    for (let block = 0; block < numResBlocks; block += 1) {
      stage.blocks.push(createResidualBlock(store, `up.${level}.blocks.${block}`, width + levelWidth, levelWidth, timeWidth, groups, config.dropout, fusedKernels));
      width = levelWidth;
      stage.attentions.push(attentionAt(resolution, `up.${level}.attentions.${block}`, width));
    }
    up.push(stage);
  }
  const outputNorm = createGroupNormLayer(store, 'output.norm', width, groups, { fusedKernels });
  const outputConv = createConv2dLayer(store, 'output.conv', width, channels, 3, 1, 'zero');
  const dropoutRandom = store.stream('dropout');
  const parameterCount = store.count();
  const sampleShape = [imageSize, imageSize, channels];
  let training = false;
  let disposed = false;

  return {
    name: 'unet',
    specificationVersion: 'v1',
    config,
    sampleShape,
    parameterCount,
    ...(numClasses === undefined ? {} : { numClasses }),
    setTraining(enabled) {
      training = enabled;
    },
    apply(x, noiseLevel, condition) {
      checkNotDisposed('unet', disposed);
      const batch = checkApplyInputs(x, noiseLevel, sampleShape, condition);
      if (classEmbedding === undefined) checkNoCondition('unet', condition);
      else if (condition !== undefined) checkShape('condition', condition, [batch]);
      const random: RandomSource | undefined = training && config.dropout > 0 ? dropoutRandom : undefined;
      return tidy(() => {
        let embedding = timeLinear2.apply(silu(timeLinear1.apply(sinusoidalEmbedding(noiseLevel, embeddingDimension, config.timeScale))));
        if (classEmbedding !== undefined) embedding = add(embedding, classEmbedding.apply(condition, batch));
        const timeActivation = silu(embedding);
        let hidden = stem.apply(x);
        const skips: Tensor[] = [];
        for (const stage of down) {
          stage.blocks.forEach((block, index) => {
            hidden = block.apply(hidden, timeActivation, random);
            hidden = stage.attentions[index]?.apply(hidden) ?? hidden;
            skips.push(hidden);
          });
          hidden = stage.resample.apply(hidden);
        }
        hidden = middleBlock.apply(hidden, timeActivation, random);
        hidden = middleAttention?.apply(hidden) ?? hidden;
        for (const stage of up) {
          hidden = stage.resample.apply(nearestUpsample(hidden));
          stage.blocks.forEach((block, index) => {
            hidden = block.apply(concatenateSkip(hidden, skips.pop()!), timeActivation, random);
            hidden = stage.attentions[index]?.apply(hidden) ?? hidden;
          });
        }
        return outputConv.apply(outputNorm.apply(hidden, { activation: 'silu' }));
      });
    },
    variables: () => store.variables,
    dispose() {
      disposed = true;
      store.dispose();
    },
  };
}
