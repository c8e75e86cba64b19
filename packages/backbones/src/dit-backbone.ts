import { checkBackend, checkOptions, checkPositive, checkPositiveInteger, checkShape, invalidOption, type Backbone } from '@diffusion/core';
import { add, tensor, tidy } from '@tensorflow/tfjs-core';
import { silu } from './activation-functions';
import { checkApplyInputs, checkNoCondition, checkEvenPositiveInteger, checkNotDisposed, checkSeed } from './backbone-options';
import { createParameterStore } from './backbone-parameters';
import { createClassEmbedding } from './class-embedding';
import { createDitBlock, createDitFinalLayer, patchify, unpatchify } from './dit-blocks';
import { createLinearLayer } from './linear-layer';
import { sincosPositionEmbedding2d } from './position-embedding';
import { sinusoidalEmbedding } from './time-embedding';

/** Options of {@link createDitBackbone}; every field is JSON. */
export interface DitBackboneOptions {
  /** Height and width of the square images; a multiple of `patchSize`. */
  readonly imageSize: number;
  /** Image channels. */
  readonly channels: number;
  /** Side of the square patches (default 2). */
  readonly patchSize?: number;
  /** Token width; a multiple of 4 (2-D sine-cosine positions) and of `heads` (default 64). */
  readonly hiddenSize?: number;
  /** Number of DiT blocks (default 4). */
  readonly depth?: number;
  /** Attention heads (default 4). */
  readonly heads?: number;
  /** MLP hidden width as a multiple of `hiddenSize` (default 4). */
  readonly mlpRatio?: number;
  /** Width of the sinusoidal time features fed to the time MLP, even (default 256). */
  readonly embeddingDimension?: number;
  /** Factor on the time input before the sinusoidal embedding (default 1000). */
  readonly timeScale?: number;
  /** Number of class labels; the class vector is added to the conditioning. */
  readonly numClasses?: number;
  /** Seed of the weights (default 0). */
  readonly seed?: number;
}

const known = ['imageSize', 'channels', 'patchSize', 'hiddenSize', 'depth', 'heads', 'mlpRatio', 'embeddingDimension', 'timeScale', 'numClasses', 'seed'];

function resolveOptions(options: DitBackboneOptions) {
  const field = 'createDitBackbone';
  if (options === undefined) throw invalidOption(field, options, 'an options object with imageSize and channels');
  const given = checkOptions(field, options, known);
  const patchSize = checkPositiveInteger(`${field}.patchSize`, given.patchSize ?? 2);
  const imageSize = checkPositiveInteger(`${field}.imageSize`, given.imageSize);
  if (imageSize % patchSize !== 0) throw invalidOption(`${field}.imageSize`, imageSize, `a multiple of patchSize ${patchSize}`);
  const hiddenSize = checkPositiveInteger(`${field}.hiddenSize`, given.hiddenSize ?? 64);
  if (hiddenSize % 4 !== 0) throw invalidOption(`${field}.hiddenSize`, hiddenSize, 'a multiple of 4 (two sine-cosine halves per grid axis)');
  const heads = checkPositiveInteger(`${field}.heads`, given.heads ?? 4);
  if (hiddenSize % heads !== 0) throw invalidOption(`${field}.heads`, heads, `a divisor of hiddenSize ${hiddenSize}`);
  return {
    imageSize,
    channels: checkPositiveInteger(`${field}.channels`, given.channels),
    patchSize,
    hiddenSize,
    depth: checkPositiveInteger(`${field}.depth`, given.depth ?? 4),
    heads,
    mlpRatio: checkPositiveInteger(`${field}.mlpRatio`, given.mlpRatio ?? 4),
    embeddingDimension: checkEvenPositiveInteger(`${field}.embeddingDimension`, given.embeddingDimension ?? 256),
    timeScale: checkPositive(`${field}.timeScale`, given.timeScale ?? 1000),
    seed: checkSeed(`${field}.seed`, given.seed ?? 0),
    ...(given.numClasses === undefined ? {} : { numClasses: checkPositiveInteger(`${field}.numClasses`, given.numClasses) }),
  };
}

/**
 * Diffusion Transformer, Peebles & Xie (2023): patchify + linear embedding + fixed 2-D sine-cosine
 * positions, `depth` adaLN-Zero blocks conditioned on time (and class), adaLN final layer, unpatchify.
 * `apply(x [batch, size, size, channels], noiseLevel [batch], labels?)` → same shape as x; 0 at initialisation.
 */
export function createDitBackbone(options: DitBackboneOptions): Backbone {
  const config = resolveOptions(options);
  checkBackend('createDitBackbone');
  const { imageSize, channels, patchSize, hiddenSize, numClasses } = config;
  const store = createParameterStore(config.seed);
  const patchFeatures = patchSize * patchSize * channels;
  const grid = imageSize / patchSize;
  const patchEmbedding = createLinearLayer(store, 'patchEmbedding', patchFeatures, hiddenSize);
  const timeLinear1 = createLinearLayer(store, 'timeEmbedding.linear1', config.embeddingDimension, hiddenSize);
  const timeLinear2 = createLinearLayer(store, 'timeEmbedding.linear2', hiddenSize, hiddenSize);
  const classEmbedding = numClasses === undefined ? undefined : createClassEmbedding(store, 'classEmbedding', numClasses, hiddenSize);
  const blocks = Array.from({ length: config.depth }, (_, index) => createDitBlock(store, `blocks.${index}`, hiddenSize, config.heads, config.mlpRatio));
  const finalLayer = createDitFinalLayer(store, 'finalLayer', hiddenSize, patchFeatures);
  const positions = tensor(sincosPositionEmbedding2d(grid, hiddenSize), [1, grid * grid, hiddenSize], 'float32');
  const parameterCount = store.count();
  const sampleShape = [imageSize, imageSize, channels];
  let disposed = false;

  return {
    name: 'dit',
    specificationVersion: 'v1',
    config,
    sampleShape,
    parameterCount,
    ...(numClasses === undefined ? {} : { numClasses }),
    apply(x, noiseLevel, condition) {
      checkNotDisposed('dit', disposed);
      const batch = checkApplyInputs(x, noiseLevel, sampleShape, condition);
      if (classEmbedding === undefined) checkNoCondition('dit', condition);
      else if (condition !== undefined) checkShape('condition', condition, [batch]);
      return tidy(() => {
        let conditioning = timeLinear2.apply(silu(timeLinear1.apply(sinusoidalEmbedding(noiseLevel, config.embeddingDimension, config.timeScale))));
        if (classEmbedding !== undefined) conditioning = add(conditioning, classEmbedding.apply(condition, batch));
        let tokens = add(patchEmbedding.apply(patchify(x, patchSize)), positions);
        for (const block of blocks) tokens = block.apply(tokens, conditioning);
        return unpatchify(finalLayer.apply(tokens, conditioning), patchSize, imageSize, channels);
      });
    },
    variables: () => store.variables,
    dispose() {
      disposed = true;
      store.dispose();
      positions.dispose();
    },
  };
}
