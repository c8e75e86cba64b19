/**
 * One entry point for every kernel of this package. tfjs keeps kernels in a process-wide registry
 * (`registerKernel`, keyed by kernel and backend name), so registering is a process-wide act: this
 * function is the only place that does it, nothing registers on import, and the registration it
 * returns undoes exactly what it did.
 */
import { checkOptions, DiffusionError } from '@diffusion/core';
import { getGradient, getKernel, registerGradient, registerKernel, unregisterGradient, unregisterKernel, type GradConfig, type KernelConfig } from '@tensorflow/tfjs-core';
import { adamKernelSpec } from './adam-kernel';
import { biasSiluGradConfig, biasSiluKernelConfigs } from './bias-silu-kernel';
import { createConv2DBackpropFilterKernel } from './conv2d-backprop-filter-kernel';
import { emaKernelSpec } from './ema-kernel';
import { float32MemoryBackends, type Float32MemoryBackend } from './float32-kernel-memory';
import { float32KernelConfig } from './fused-kernel-registry';
import { gradientNormKernelSpec } from './gradient-norm-kernel';
import { groupNormGradConfig, groupNormKernelConfigs } from './group-norm-kernel';
import { stockKernelReplacements } from './stock-kernels';
import type { StockKernelOptions } from './stock-kernel-options';
import { simdSupported } from './wasm-simd-module';

/** Options of {@link registerDiffusionKernels}. */
export interface DiffusionKernelsOptions {
  /** Backends to register the kernels for (default both: `['wasm', 'cpu']`). */
  readonly backends?: readonly Float32MemoryBackend[];
  /**
   * Also replace stock tfjs-backend-wasm kernels (`BatchMatMul`, `_FusedMatMul`, `Conv2D`,
   * `Conv2DBackpropInput`, `Concat`, `SplitV`, `Identity`, `Sum`, `Sin`, `Cos`) by ours, which
   * fall back to the stock kernel for the shapes they do not take (default false). This changes
   * those kernels for the whole process — every model on the wasm backend, not only ours — until
   * `unregister()`; `true` replaces all of them, an object picks (each field default true).
   */
  readonly replaceStockKernels?: boolean | StockKernelOptions;
  /**
   * Run `Conv2DBackpropFilter`, which tfjs-backend-wasm 4.22 lacks (so no conv net trains there
   * without it), with our SIMD loops where the channels fit their register tiles; false computes
   * it as one XNNPACK convolution of the batch/channel-swapped input (default true).
   */
  readonly simdConvWeightGradient?: boolean;
}

/** What {@link registerDiffusionKernels} did, and how to undo it. */
export interface DiffusionKernelsRegistration {
  /** `"<kernel>/<backend>"` of every kernel registered under a name the backend did not have. */
  readonly registered: readonly string[];
  /** `"<kernel>/<backend>"` of every stock kernel replaced (restored by `unregister`). */
  readonly replaced: readonly string[];
  /** Unregisters what this call registered and puts the replaced stock kernels back. */
  unregister(): void;
}

const ours = Symbol.for('@diffusion/kernels-wasm/kernel');
type Tagged = KernelConfig & { [ours]?: true };
const isOurs = (config: KernelConfig | undefined): boolean => (config as Tagged | undefined)?.[ours] === true;

/** The kernels with names of their own (no stock kernel has them) for one backend. */
function ownKernels(backendName: Float32MemoryBackend, simdConvWeightGradient: boolean): KernelConfig[] {
  const kernels = [...biasSiluKernelConfigs(backendName), ...groupNormKernelConfigs(backendName)];
  // Without wasm SIMD one JavaScript loop beats the composed XNNPACK ops only on small tensors
  // (AdamW: 8 vs 59 µs at 256 elements, 227 vs 138 µs at 16384), so the updates stay composed there.
  if (backendName === 'cpu' || simdSupported()) kernels.push(...[adamKernelSpec, emaKernelSpec, gradientNormKernelSpec].map((spec) => float32KernelConfig(backendName, spec)));
  if (backendName === 'wasm') kernels.push(createConv2DBackpropFilterKernel(simdConvWeightGradient));
  return kernels;
}

/**
 * Registers this package's kernels for tfjs-backend-wasm and the cpu backend: the fused layer
 * kernels (`DiffusionBiasSilu`, `DiffusionGroupNorm` and their gradients), the fused training
 * updates (`DiffusionAdamWUpdate`, `DiffusionEmaUpdate`, `DiffusionGlobalNorm`) and, on wasm, the
 * missing `Conv2DBackpropFilter`. `@diffusion/backbones` and `@diffusion/training` call these by
 * name when they are registered and run composed tfjs ops otherwise. With `replaceStockKernels`
 * it also replaces stock wasm kernels by faster ones (process-wide; see the option). A kernel that
 * is already registered, ours or someone else's, is left alone. Call after importing the backend
 * packages (their kernels must be registered to be replaced); safe to call more than once.
 */
export function registerDiffusionKernels(options: DiffusionKernelsOptions = {}): DiffusionKernelsRegistration {
  const given = checkOptions('registerDiffusionKernels', options, ['backends', 'replaceStockKernels', 'simdConvWeightGradient']) as DiffusionKernelsOptions;
  const backends = given.backends ?? float32MemoryBackends;
  for (const name of backends) {
    if (!(float32MemoryBackends as readonly string[]).includes(name)) {
      throw new DiffusionError('invalid-option', `registerDiffusionKernels: backends holds ${JSON.stringify(name)}; the kernels run on ${float32MemoryBackends.join(' and ')}.`, { field: 'registerDiffusionKernels.backends', value: name, allowed: float32MemoryBackends.join(', ') });
    }
  }
  const registered: KernelConfig[] = [];
  const replaced: KernelConfig[] = [];
  const gradients: GradConfig[] = [];
  for (const backendName of backends) {
    for (const kernel of ownKernels(backendName, given.simdConvWeightGradient ?? true)) {
      if (getKernel(kernel.kernelName, backendName) !== undefined) continue;
      registerKernel({ ...kernel, [ours]: true } as Tagged);
      registered.push(kernel);
    }
  }
  for (const gradient of [biasSiluGradConfig, groupNormGradConfig]) {
    if (getGradient(gradient.kernelName) !== undefined) continue;
    registerGradient(gradient);
    gradients.push(gradient);
  }
  const replace = given.replaceStockKernels ?? false;
  if (replace !== false && backends.includes('wasm')) {
    if (getKernel('Transpose', 'wasm') === undefined) {
      throw new DiffusionError('invalid-argument', 'registerDiffusionKernels: the wasm backend is not loaded, so its stock kernels cannot be replaced; import "@tensorflow/tfjs-backend-wasm" first.', { field: 'registerDiffusionKernels.replaceStockKernels', value: replace, allowed: 'false, or an imported @tensorflow/tfjs-backend-wasm' });
    }
    for (const [name, wrap] of stockKernelReplacements(replace === true ? {} : replace)) {
      const original = getKernel(name, 'wasm');
      if (original === undefined || isOurs(original)) continue;
      unregisterKernel(name, 'wasm');
      // Keep the original setup: it binds the wasm functions when the backend initialises.
      registerKernel({ ...wrap(original), [ours]: true } as Tagged);
      replaced.push(original);
    }
  }
  let done = false;
  return {
    registered: registered.map(({ kernelName, backendName }) => `${kernelName}/${backendName}`),
    replaced: replaced.map(({ kernelName, backendName }) => `${kernelName}/${backendName}`),
    unregister() {
      if (done) return;
      done = true;
      for (const { kernelName, backendName } of registered) if (isOurs(getKernel(kernelName, backendName))) unregisterKernel(kernelName, backendName);
      for (const original of replaced) {
        if (!isOurs(getKernel(original.kernelName, original.backendName))) continue;
        unregisterKernel(original.kernelName, original.backendName);
        registerKernel(original);
      }
      for (const { kernelName } of gradients) unregisterGradient(kernelName);
    },
  };
}
