import { checkNonNegativeInteger, checkOptions, createRandomSource, DiffusionError } from '@diffusion/core';
import { decodeSafetensors, encodeSafetensors } from '@diffusion/safetensors';
import { add, conv2d, matMul, relu, reshape, softmax, tensor, tidy, variable, type Tensor, type Tensor4D, type Variable } from '@tensorflow/tfjs-core';

/** Options of {@link createDigitClassifier}. */
export interface DigitClassifierOptions {
  /** Seed of the He-uniform initialisation (integer >= 0, default 0). */
  readonly seed?: number;
}

/**
 * A small CNN for 28 x 28 grey digits in [-1, 1]: conv 5x5/2 (16) → conv 3x3/2 (32) → conv 3x3/2
 * (32) → dense 64 (the feature layer) → dense 10, ReLU between; 47,786 float32 weights.
 */
export interface DigitClassifier {
  readonly name: 'digit-classifier';
  readonly options: Required<DigitClassifierOptions>;
  /** String metadata of the file the weights came from (training record), or `{}`. */
  readonly metadata: Readonly<Record<string, string>>;
  /** Width of the penultimate (feature) layer: 64. */
  readonly featureSize: number;
  /** The trainable weights, named as in the safetensors file (`conv1.weight`, …). */
  readonly variables: ReadonlyMap<string, Variable>;
  /** Penultimate ReLU features `[n, 64]` of images `[n, 28, 28, 1]`; the caller owns the result. */
  features(images: Tensor): Tensor;
  /** Class logits `[n, 10]`; the caller owns the result. */
  logits(images: Tensor): Tensor;
  /** Softmax probabilities `[n, 10]`; the caller owns the result. */
  probabilities(images: Tensor): Tensor;
  /** The weights as a safetensors file (F32), with `metadata` plus the given entries. */
  toSafetensors(metadata?: Readonly<Record<string, string>>): Uint8Array;
  /** Frees the weights. */
  dispose(): void;
}

interface LayerSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly fanIn: number;
}

const layerSpecs: readonly LayerSpec[] = [
  { name: 'conv1', shape: [5, 5, 1, 16], fanIn: 25 },
  { name: 'conv2', shape: [3, 3, 16, 32], fanIn: 144 },
  { name: 'conv3', shape: [3, 3, 32, 32], fanIn: 288 },
  { name: 'dense1', shape: [512, 64], fanIn: 512 },
  { name: 'dense2', shape: [64, 10], fanIn: 64 },
];

/** Names and shapes of every weight, in file order. */
export const digitClassifierWeightShapes: ReadonlyMap<string, readonly number[]> = new Map(
  layerSpecs.flatMap((spec) => [
    [`${spec.name}.weight`, spec.shape],
    [`${spec.name}.bias`, [spec.shape[spec.shape.length - 1]!]],
  ]),
);

function checkImages(images: Tensor): Tensor4D {
  const shape = images?.shape;
  const ok = Array.isArray(shape) && ((shape.length === 4 && shape[1] === 28 && shape[2] === 28 && shape[3] === 1) || (shape.length === 2 && shape[1] === 784));
  if (!ok) throw new DiffusionError('shape-mismatch', `digitClassifier.images: got shape [${shape?.join(', ')}]; expected [n, 28, 28, 1] or [n, 784].`, { field: 'digitClassifier.images', value: shape, allowed: '[n, 28, 28, 1] or [n, 784]' });
  return (shape.length === 4 ? images : reshape(images, [-1, 28, 28, 1])) as Tensor4D;
}

/** Builds the classifier around given float32 weights (by name). */
let instances = 0;

function buildClassifier(weights: ReadonlyMap<string, Float32Array>, options: Required<DigitClassifierOptions>, metadata: Readonly<Record<string, string>> = {}): DigitClassifier {
  const instance = (instances += 1);
  const variables = new Map<string, Variable>();
  for (const [name, shape] of digitClassifierWeightShapes) variables.set(name, variable(tensor(weights.get(name)!, [...shape], 'float32'), true, `digit-classifier-${instance}/${name}`));
  const get = (name: string) => variables.get(name)!;
  const conv = (x: Tensor4D, name: string) => relu(add(conv2d(x, get(`${name}.weight`) as Tensor4D, 2, 'same'), get(`${name}.bias`))) as Tensor4D;
  const featuresOf = (images: Tensor) => {
    const x = conv(conv(conv(checkImages(images), 'conv1'), 'conv2'), 'conv3');
    return relu(add(matMul(reshape(x, [-1, 512]), get('dense1.weight')), get('dense1.bias')));
  };
  const logitsOf = (images: Tensor) => add(matMul(featuresOf(images), get('dense2.weight')), get('dense2.bias'));
  return {
    name: 'digit-classifier',
    options,
    metadata,
    featureSize: 64,
    variables,
    features: (images) => tidy(() => featuresOf(images)),
    logits: (images) => tidy(() => logitsOf(images)),
    probabilities: (images) => tidy(() => softmax(logitsOf(images))),
    toSafetensors: (extra = {}) =>
      encodeSafetensors(
        [...variables].map(([name, value]) => ({ name, shape: value.shape, values: value.dataSync() as Float32Array })),
        { ...metadata, ...extra, seed: String(options.seed) },
      ),
    dispose: () => variables.forEach((value) => value.dispose()),
  };
}

/**
 * A freshly initialised digit classifier (He et al. 2015 uniform initialisation, zero biases),
 * a LeNet-style CNN (LeCun et al. 1998) with strided convolutions in place of pooling.
 */
export function createDigitClassifier(options?: DigitClassifierOptions): DigitClassifier {
  const given = checkOptions('createDigitClassifier', options, ['seed']);
  const seed = checkNonNegativeInteger('createDigitClassifier.seed', given.seed ?? 0);
  const random = createRandomSource(seed).fork('digit-classifier');
  const weights = new Map<string, Float32Array>();
  for (const [name, shape] of digitClassifierWeightShapes) {
    const size = shape.reduce((product, entry) => product * entry, 1);
    const spec = layerSpecs.find((layer) => name.startsWith(`${layer.name}.`))!;
    const limit = Math.sqrt(6 / spec.fanIn);
    weights.set(name, name.endsWith('.bias') ? new Float32Array(size) : Float32Array.from(random.uniforms(size), (u) => (2 * u - 1) * limit));
  }
  return buildClassifier(weights, { seed });
}

/** A digit classifier with the weights of a safetensors file written by `toSafetensors` (Hugging Face safetensors format). */
export function createDigitClassifierFromSafetensors(bytes: Uint8Array): DigitClassifier {
  const file = decodeSafetensors(bytes);
  const weights = new Map<string, Float32Array>();
  for (const [name, shape] of digitClassifierWeightShapes) {
    const entry = file.tensors.get(name);
    if (entry === undefined || entry.dtype !== 'F32' || entry.shape.join(',') !== shape.join(',')) {
      throw new DiffusionError('checkpoint', `createDigitClassifierFromSafetensors: tensor ${name} is ${entry === undefined ? 'missing' : `${entry.dtype} [${entry.shape.join(', ')}]`}; expected F32 [${shape.join(', ')}].`, { field: name, value: entry?.shape, allowed: `F32 [${shape.join(', ')}]` });
    }
    const view = new DataView(entry.bytes.buffer, entry.bytes.byteOffset, entry.bytes.byteLength);
    weights.set(name, Float32Array.from({ length: entry.bytes.byteLength / 4 }, (_, index) => view.getFloat32(4 * index, true)));
  }
  return buildClassifier(weights, { seed: Number(file.metadata.seed ?? 0) }, file.metadata);
}
