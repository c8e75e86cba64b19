import type { ConditionalDenoiser, Parameterisation, Schedule } from '@diffusion/core';
import { DiffusionError, checkNonNegative, checkSameShape, invalidOption } from '@diffusion/core';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { levelOfSigma } from './level-of-sigma';

/**
 * A network as the adapter calls it: `(input [batch, …], time [batch], condition?) => output`
 * shaped like the input; `condition` (class labels, say) is passed through unchanged.
 */
export type DenoiserNetwork = (input: Tensor, time: Tensor, condition?: Tensor) => Tensor;

/** Options of {@link createDenoiser}. */
export interface CreateDenoiserOptions {
  /** The network; it must not dispose its inputs. Tensors it makes are freed by the adapter's tidy. */
  network: DenoiserNetwork;
  /** What the network output means. */
  parameterisation: Parameterisation;
  /** The schedule the network was trained on (fixes the level and the time input of each sigma). */
  schedule: Schedule;
}

function checkPlugin(field: string, value: unknown, methods: readonly string[]): void {
  if (typeof value !== 'object' || value === null) throw invalidOption(field, value, `an object with ${methods.join(', ')}`);
  const plugin = value as Record<string, unknown>;
  for (const method of methods) {
    if (typeof plugin[method] !== 'function') throw invalidOption(`${field}.${method}`, plugin[method], 'a function');
  }
  if (plugin.specificationVersion !== 'v1') {
    throw new DiffusionError('unsupported-version', `${field}.specificationVersion: got ${String(plugin.specificationVersion)}; expected 'v1'.`, { field: `${field}.specificationVersion`, value: plugin.specificationVersion, allowed: "'v1'" });
  }
}

/**
 * Wraps a trained network as a sigma-space denoiser D(x; sigma) = x0-hat (Karras et al. 2022, eq. 7;
 * k-diffusion's DiscreteEpsDDPMDenoiser for discrete schedules): x is VE (x = x0 + sigma n), the
 * network sees x_t = alpha x (then scaleInput), the time noiseConditioning(t, sigma) or t, and its
 * output is read back with toX0. At sigma = 0 it returns a copy of x without calling the network.
 * A third argument (the condition of a conditional network) goes to the network as its third.
 * The returned tensor is new and owned by the caller; x is not disposed.
 */
export function createDenoiser(options: CreateDenoiserOptions): ConditionalDenoiser {
  if (typeof options !== 'object' || options === null) throw invalidOption('createDenoiser', options, 'an options object { network, parameterisation, schedule }');
  const { network, parameterisation, schedule } = options;
  if (typeof network !== 'function') throw invalidOption('createDenoiser.network', network, 'a function (input, time) => output');
  checkPlugin('createDenoiser.parameterisation', parameterisation, ['target', 'toX0', 'naturalWeight']);
  checkPlugin('createDenoiser.schedule', schedule, ['alpha', 'sigma', 'logSnr', 'tOfLogSnr']);
  return (x, sigma, condition) => {
    if (!(x instanceof tf.Tensor) || x.rank < 1) throw invalidOption('denoiser.x', x, 'a tensor of rank >= 1 with the batch first');
    checkNonNegative('denoiser.sigma', sigma);
    if (sigma === 0) return x.clone();
    const level = levelOfSigma(schedule, sigma);
    const timeInput = parameterisation.noiseConditioning ? parameterisation.noiseConditioning(level.t, sigma) : level.t;
    return tf.tidy(() => {
      const xt = tf.mul(x, level.alpha);
      const input = parameterisation.scaleInput ? parameterisation.scaleInput(xt, level) : xt;
      const output = condition === undefined ? network(input, tf.fill([x.shape[0]!], timeInput)) : network(input, tf.fill([x.shape[0]!], timeInput), condition);
      if (!(output instanceof tf.Tensor)) throw invalidOption('denoiser.network output', output, 'a tensor');
      checkSameShape('denoiser.network output', output, x);
      return parameterisation.toX0(output, xt, level);
    });
  };
}
