import { checkBackend, checkBoolean, checkOneOf, checkOptions, checkPositive, checkPositiveInteger, checkShape, invalidOption, type Backbone } from '@diffusion/core';
import { add, cast, concat, tensor1d, tidy, zeros, type Tensor } from '@tensorflow/tfjs-core';
import { silu } from './activation-functions';
import { checkApplyInputs, checkEvenPositiveInteger, checkNoCondition, checkNotDisposed, checkPositiveIntegerArray, checkSeed } from './backbone-options';
import { createParameterStore } from './backbone-parameters';
import { createClassEmbedding } from './class-embedding';
import { createLinearLayer, type LinearLayer } from './linear-layer';
import { fourierEmbedding, sinusoidalEmbedding } from './time-embedding';

/** Options of {@link createMlpBackbone}; every field is JSON. */
export interface MlpBackboneOptions {
  /** Size of one sample, e.g. 2 for points in the plane. */
  readonly dimension: number;
  /** Widths of the hidden layers (default `[256, 256, 256]`). */
  readonly hiddenWidths?: readonly number[];
  /** `'sinusoidal'` (default) or `'fourier'` (fixed random Fourier features drawn from `seed`). */
  readonly timeEmbedding?: 'sinusoidal' | 'fourier';
  /** Width of the time embedding, even (default 32). */
  readonly embeddingDimension?: number;
  /** Factor on the time input before embedding (default 1000 for sinusoidal, 1 for Fourier). */
  readonly timeScale?: number;
  /** Standard deviation of the Fourier frequencies (default 16). */
  readonly fourierScale?: number;
  /** `'concatenate'` (default): `[x, emb(t)]` feeds the first layer; `'add'`: each hidden layer adds a projection of `emb(t)`. */
  readonly timeInjection?: 'concatenate' | 'add';
  /** Residual connections `h + SiLU(W h + b)` between hidden layers of equal width (default false). */
  readonly residual?: boolean;
  /** Width of a continuous condition `[batch, conditionDimension]`, concatenated to the input. */
  readonly conditionDimension?: number;
  /** Number of class labels; the class vector is added to the time embedding. */
  readonly numClasses?: number;
  /** Seed of the weights (default 0). */
  readonly seed?: number;
}

const knownOptions = ['dimension', 'hiddenWidths', 'timeEmbedding', 'embeddingDimension', 'timeScale', 'fourierScale', 'timeInjection', 'residual', 'conditionDimension', 'numClasses', 'seed'];

/** Resolves and checks MLP options; throws a DiffusionError naming the field. */
function resolveOptions(options: MlpBackboneOptions): Required<Omit<MlpBackboneOptions, 'conditionDimension' | 'numClasses'>> & Pick<MlpBackboneOptions, 'conditionDimension' | 'numClasses'> {
  const field = 'createMlpBackbone';
  const given = checkOptions(field, options, knownOptions);
  if (options === undefined) throw invalidOption(field, options, 'an options object with at least `dimension`');
  const timeEmbedding = checkOneOf(`${field}.timeEmbedding`, given.timeEmbedding ?? 'sinusoidal', ['sinusoidal', 'fourier'] as const);
  const resolved = {
    dimension: checkPositiveInteger(`${field}.dimension`, given.dimension),
    hiddenWidths: checkPositiveIntegerArray(`${field}.hiddenWidths`, given.hiddenWidths ?? [256, 256, 256]),
    timeEmbedding,
    embeddingDimension: checkEvenPositiveInteger(`${field}.embeddingDimension`, given.embeddingDimension ?? 32),
    timeScale: checkPositive(`${field}.timeScale`, given.timeScale ?? (timeEmbedding === 'sinusoidal' ? 1000 : 1)),
    fourierScale: checkPositive(`${field}.fourierScale`, given.fourierScale ?? 16),
    timeInjection: checkOneOf(`${field}.timeInjection`, given.timeInjection ?? 'concatenate', ['concatenate', 'add'] as const),
    residual: checkBoolean(`${field}.residual`, given.residual ?? false),
    seed: checkSeed(`${field}.seed`, given.seed ?? 0),
  };
  if (given.conditionDimension !== undefined && given.numClasses !== undefined) {
    throw invalidOption(`${field}.numClasses`, given.numClasses, 'no value when conditionDimension is set (choose a continuous or a class condition)');
  }
  return {
    ...resolved,
    ...(given.conditionDimension === undefined ? {} : { conditionDimension: checkPositiveInteger(`${field}.conditionDimension`, given.conditionDimension) }),
    ...(given.numClasses === undefined ? {} : { numClasses: checkPositiveInteger(`${field}.numClasses`, given.numClasses) }),
  };
}

/**
 * Time-conditioned MLP denoiser for low-dimensional data (the toy networks of Ho et al. 2020 /
 * Sohl-Dickstein et al. 2015): `Linear → SiLU` per hidden width, then `Linear` back to `dimension`.
 * `apply(x [batch, dimension], noiseLevel [batch], condition?)` → `[batch, dimension]`.
 */
export function createMlpBackbone(options: MlpBackboneOptions): Backbone {
  const config = resolveOptions(options);
  checkBackend('createMlpBackbone');
  const { dimension, hiddenWidths, embeddingDimension, timeInjection, conditionDimension = 0, numClasses } = config;
  const store = createParameterStore(config.seed);
  const concatenated = timeInjection === 'concatenate';
  const layers: LinearLayer[] = [];
  const timeLayers: LinearLayer[] = [];
  let width = dimension + conditionDimension + (concatenated ? embeddingDimension : 0);
  hiddenWidths.forEach((hidden, index) => {
    layers.push(createLinearLayer(store, `layers.${index}`, width, hidden));
    if (!concatenated) timeLayers.push(createLinearLayer(store, `timeProjections.${index}`, embeddingDimension, hidden));
    width = hidden;
  });
  const output = createLinearLayer(store, 'output', width, dimension);
  const classEmbedding = numClasses === undefined ? undefined : createClassEmbedding(store, 'classEmbedding', numClasses, embeddingDimension);
  const fourierFrequencies = config.timeEmbedding === 'fourier'
    ? tensor1d(Float32Array.from(store.stream('fourier').normals(embeddingDimension / 2), (value) => 2 * Math.PI * config.fourierScale * value))
    : undefined;
  const parameterCount = store.count();
  let disposed = false;

  return {
    name: 'mlp',
    specificationVersion: 'v1',
    config,
    sampleShape: [dimension],
    parameterCount,
    ...(numClasses === undefined ? {} : { numClasses }),
    apply(x, noiseLevel, condition) {
      checkNotDisposed('mlp', disposed);
      const batch = checkApplyInputs(x, noiseLevel, [dimension], condition);
      if (condition !== undefined && conditionDimension > 0) checkShape('condition', condition, [batch, conditionDimension]);
      if (condition !== undefined && classEmbedding !== undefined) checkShape('condition', condition, [batch]);
      if (conditionDimension === 0 && classEmbedding === undefined) checkNoCondition('mlp', condition);
      return tidy(() => {
        let embedding = fourierFrequencies === undefined
          ? sinusoidalEmbedding(noiseLevel, embeddingDimension, config.timeScale)
          : fourierEmbedding(noiseLevel, fourierFrequencies, config.timeScale);
        if (classEmbedding !== undefined) embedding = add(embedding, classEmbedding.apply(condition, batch));
        const inputs: Tensor[] = [cast(x, 'float32')];
        if (conditionDimension > 0) inputs.push(condition ?? zeros([batch, conditionDimension]));
        if (concatenated) inputs.push(embedding);
        let hidden = inputs.length === 1 ? inputs[0]! : concat(inputs, 1);
        layers.forEach((layer, index) => {
          const activation = concatenated ? layer.applySilu(hidden) : silu(add(layer.apply(hidden), timeLayers[index]!.apply(embedding)));
          hidden = config.residual && layer.inFeatures === layer.outFeatures && index > 0 ? add(hidden, activation) : activation;
        });
        return output.apply(hidden);
      });
    },
    variables: () => store.variables,
    dispose() {
      disposed = true;
      store.dispose();
      fourierFrequencies?.dispose();
    },
  };
}
