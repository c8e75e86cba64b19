import { checkNonNegativeInteger, checkOneOf, checkOptions } from './checks';
import { DiffusionError, invalidOption } from './errors';
import type { NoiseInterval } from './sampler';
import { tensor, type Tensor } from '@tensorflow/tfjs-core';
import { createBrownianTree, type BrownianTree } from './brownian-tree';

/** Options of {@link createBrownianNoise}. */
export interface BrownianNoiseOptions {
  /** Seed of the Brownian path (a sampler's default source uses `SampleOptions.seed`, default 0). */
  readonly seed?: number;
  /**
   * The tree's time: `'log-sigma'` (default; even resolution on every ladder) or `'sigma'`
   * (k-diffusion's default transform, the identity).
   */
  readonly time?: 'log-sigma' | 'sigma';
  /** Halvings of each root interval (default 16 in log-sigma, 24 in sigma); see `createBrownianTree`. */
  readonly depth?: number;
}

/** A noise source for `SampleOptions.noise` whose draw for a step is a Brownian increment. */
export type BrownianNoise = (shape: readonly number[], interval?: NoiseInterval) => Tensor;

/**
 * Reproducible SDE noise, k-diffusion's `BrownianTreeNoiseSampler` (diffusers#8728): the draw
 * for a step `sigma -> sigmaNext` is `(W(tau(sigmaNext)) − W(tau(sigma))) / sqrt|tau(sigmaNext) − tau(sigma)|`,
 * a standard normal, where `W` is one Brownian path fixed by the seed ({@link createBrownianTree}).
 * The noise of a coarse step is then the normalised sum of the noises of the fine steps inside
 * it, so runs with one seed at 25, 50 or 100 steps converge to one sample as steps grow. Pass it
 * as `options.noise` to any stochastic sampler; the SDE samplers use it by default. Each
 * returned tensor is owned by the caller (a sampler disposes it).
 */
export function createBrownianNoise(options?: BrownianNoiseOptions): BrownianNoise {
  const given = checkOptions('createBrownianNoise', options, ['seed', 'time', 'depth']);
  const seed = checkNonNegativeInteger('createBrownianNoise.seed', given.seed ?? 0);
  const time = checkOneOf('createBrownianNoise.time', given.time ?? 'log-sigma', ['log-sigma', 'sigma']);
  const depth = checkNonNegativeInteger('createBrownianNoise.depth', given.depth ?? (time === 'sigma' ? 24 : 16));
  const tauOf = time === 'sigma' ? (sigma: number) => sigma : Math.log;
  let tree: BrownianTree | undefined;
  let treeShape: readonly number[] = [];
  return (shape, interval) => {
    if (interval === undefined || !(interval.sigma > 0) || !(interval.sigmaNext > 0) || interval.sigma === interval.sigmaNext) {
      throw new DiffusionError('invalid-argument', `createBrownianNoise: a draw needs the step interval { sigma, sigmaNext } with two distinct positive sigmas; got ${JSON.stringify(interval)}.`, { field: 'createBrownianNoise.interval', value: interval, allowed: 'two distinct sigmas > 0' });
    }
    const size = shape.reduce((product, dimension) => product * dimension, 1);
    if (tree === undefined) {
      tree = createBrownianTree({ seed, size, depth });
      treeShape = [...shape];
    } else if (size !== tree.options.size) {
      throw invalidOption('createBrownianNoise.shape', [...shape], `the shape of the first draw, [${treeShape.join(', ')}] (one path per coordinate)`, 'shape-mismatch');
    }
    const from = tauOf(interval.sigma);
    const to = tauOf(interval.sigmaNext);
    const increment = tree.increment(from, to);
    const scale = 1 / Math.sqrt(Math.abs(to - from));
    return tensor(Float32Array.from(increment, (value) => value * scale), [...shape], 'float32');
  };
}
