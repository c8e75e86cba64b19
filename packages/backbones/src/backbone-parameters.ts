import { createRandomSource, type RandomSource } from '@diffusion/core';
import { tensor, variable, type Variable } from '@tensorflow/tfjs-core';

/**
 * The named trainable weights of one backbone. Every weight draws its initial values from its
 * own Philox stream, `createRandomSource(seed).fork(name)`, so a weight depends only on the seed
 * and its name: not on the order of creation, nor on the tfjs backend.
 */
export interface ParameterStore {
  /** The weights by stable dotted name (`'layers.0.weight'`), in creation order. */
  readonly variables: Map<string, Variable>;
  /** LeCun-uniform weights: U(-sqrt(3 / fanIn), sqrt(3 / fanIn)), variance 1 / fanIn. */
  lecunUniform(name: string, shape: readonly number[], fanIn: number): Variable;
  /** Normal weights N(0, standardDeviation^2). */
  normal(name: string, shape: readonly number[], standardDeviation: number): Variable;
  /** A weight filled with one value (0 for biases and zero-initialised layers, 1 for norm gains). */
  constant(name: string, shape: readonly number[], value: number): Variable;
  /** The independent random stream of a label (for fixed, non-trainable random features). */
  stream(label: string): RandomSource;
  /** Number of trainable scalars. */
  count(): number;
  /** Frees every weight. */
  dispose(): void;
}

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((product, size) => product * size, 1);
}

/** Seeded weight store; LeCun et al. (1998) "Efficient BackProp" for the uniform fan-in scaling. */
export function createParameterStore(seed: number): ParameterStore {
  const root = createRandomSource(seed);
  const variables = new Map<string, Variable>();

  function add(name: string, shape: readonly number[], values: Float32Array): Variable {
    if (variables.has(name)) throw new Error(`internal: weight ${name} created twice`);
    const initial = tensor(values, [...shape], 'float32');
    // No tfjs name: tfjs variable names are global to the engine and two backbones may coexist.
    const weight = variable(initial, true);
    initial.dispose();
    variables.set(name, weight);
    return weight;
  }

  return {
    variables,
    lecunUniform(name, shape, fanIn) {
      const limit = Math.sqrt(3 / fanIn);
      const uniforms = root.fork(name).uniforms(sizeOf(shape));
      return add(name, shape, Float32Array.from(uniforms, (value) => (2 * value - 1) * limit));
    },
    normal(name, shape, standardDeviation) {
      const normals = root.fork(name).normals(sizeOf(shape));
      return add(name, shape, Float32Array.from(normals, (value) => value * standardDeviation));
    },
    constant(name, shape, value) {
      return add(name, shape, new Float32Array(sizeOf(shape)).fill(value));
    },
    stream: (label) => root.fork(`stream:${label}`),
    count: () => [...variables.values()].reduce((total, weight) => total + weight.size, 0),
    dispose() {
      for (const weight of variables.values()) weight.dispose();
      variables.clear();
    },
  };
}
