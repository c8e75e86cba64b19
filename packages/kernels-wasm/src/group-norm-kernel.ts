import { engine, util, type GradConfig, type KernelConfig, type KernelFunc, type NamedAttrMap, type Tensor, type TensorInfo } from '@tensorflow/tfjs-core';
import { runFloat32Kernel, type Float32MemoryBackend } from './float32-kernel-memory';
import { groupNormBackward, groupNormForward, type GroupNormLayout } from './group-norm-kernel-loops';
import {
  groupNormSimdBackward, groupNormSimdFits, groupNormSimdForward, groupNormSimdModule, groupNormSimdScratchLength, type GroupNormSimdExports,
} from './group-norm-simd';

/** Kernel name of the fused forward: inputs `x [N, H, W, C]`, `gain [C]`, `bias [C]` → `y`. */
export const groupNormKernelName = 'DiffusionGroupNorm';
/** Kernel name of the fused backward: inputs `x`, `gain`, `bias`, `dy` → `[dx, dgain, dbias]`. */
export const groupNormGradKernelName = 'DiffusionGroupNormGrad';

/** Activation applied after the norm by the fused kernel. */
export type GroupNormActivation = 'none' | 'silu';

/** Attributes of both kernels. */
export interface GroupNormAttrs {
  readonly groups: number;
  readonly epsilon: number;
  readonly activation: GroupNormActivation;
}


/** Checks the kernel inputs and returns the loop layout. */
function layoutOf(kernel: string, x: TensorInfo, others: TensorInfo[], attrs: GroupNormAttrs): GroupNormLayout {
  const [batch, height, width, channels] = x.shape as [number, number, number, number];
  const { groups, epsilon, activation } = attrs;
  const fits = x.shape.length === 4 && Number.isInteger(groups) && groups > 0 && channels % groups === 0
    && [x, ...others].every((info) => info.dtype === 'float32')
    && others.slice(0, 2).every((info) => info.shape.length === 1 && info.shape[0] === channels)
    && (others[2] === undefined || util.arraysEqual(others[2].shape, x.shape));
  if (!fits || !(epsilon >= 0) || (activation !== 'none' && activation !== 'silu')) {
    throw new Error(`${kernel}: expected float32 x [N, H, W, C] with C divisible by groups, gain and bias [C]; got x [${x.shape.join(', ')}] ${x.dtype}, groups ${groups}, epsilon ${epsilon}, activation ${activation}`);
  }
  return { batch, pixels: height * width, channels, groups, epsilon, silu: activation === 'silu' };
}

function attrsOf(attrs: NamedAttrMap | undefined): GroupNormAttrs {
  return attrs as unknown as GroupNormAttrs;
}

/** The SIMD loops when the backend is wasm, the engine has SIMD and the layout fits; else undefined (JS loops). */
function simdFor(memory: Float32MemoryBackend, backend: object, layout: GroupNormLayout): GroupNormSimdExports | undefined {
  return memory === 'wasm' && groupNormSimdFits(layout) ? groupNormSimdModule(backend) : undefined;
}

/** The fused forward kernel for one backend's memory. */
function createForward(memory: Float32MemoryBackend): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { x, gain, bias } = inputs as Record<'x' | 'gain' | 'bias', TensorInfo>;
    const layout = layoutOf(groupNormKernelName, x, [gain, bias], attrsOf(attrs));
    const simd = simdFor(memory, backend, layout);
    return runFloat32Kernel(memory, backend, [x, gain, bias], [[...x.shape]], ([xs, gains, biases], [y], scratch) => {
      if (simd === undefined) groupNormForward(xs!, gains!, biases!, y!, layout);
      else groupNormSimdForward(simd, xs!, gains!, biases!, y!, scratch, layout);
    }, simd === undefined ? 0 : groupNormSimdScratchLength(layout))[0]!;
  };
}

/** The fused backward kernel (three outputs: dx, dgain, dbias) for one backend's memory. */
function createBackward(memory: Float32MemoryBackend): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { x, gain, bias, dy } = inputs as Record<'x' | 'gain' | 'bias' | 'dy', TensorInfo>;
    const layout = layoutOf(groupNormGradKernelName, x, [gain, bias, dy], attrsOf(attrs));
    const simd = simdFor(memory, backend, layout);
    return runFloat32Kernel(memory, backend, [x, gain, bias, dy], [[...x.shape], [layout.channels], [layout.channels]], ([xs, gains, biases, dys], [dx, dgain, dbias], scratch) => {
      if (simd === undefined) groupNormBackward(xs!, gains!, biases!, dys!, dx!, dgain!, dbias!, layout);
      else groupNormSimdBackward(simd, xs!, gains!, biases!, dys!, dx!, dgain!, dbias!, scratch, layout);
    }, simd === undefined ? 0 : groupNormSimdScratchLength(layout));
  };
}

/** The fused forward and backward kernels for the wasm or cpu backend. */
export function groupNormKernelConfigs(backendName: Float32MemoryBackend): KernelConfig[] {
  return [
    { kernelName: groupNormKernelName, backendName, kernelFunc: createForward(backendName) },
    { kernelName: groupNormGradKernelName, backendName, kernelFunc: createBackward(backendName) },
  ];
}

/** The gradient of `DiffusionGroupNorm`: one `DiffusionGroupNormGrad` call gives dx, dgain and dbias. */
export const groupNormGradConfig: GradConfig = {
  kernelName: groupNormKernelName,
  // Only the inputs are kept for the backward pass; it recomputes the statistics from x.
  inputsToSave: ['x', 'gain', 'bias'],
  gradFunc: (dy, saved, attrs) => {
    const [x, gain, bias] = saved as [Tensor, Tensor, Tensor];
    // One kernel for all three, run here (in the backward pass's scope, which frees unused
    // outputs): each closure below runs in its own tidy, which would free the others' outputs.
    const [dx, dgain, dbias] = engine().runKernel<Tensor[]>(groupNormGradKernelName, { x, gain, bias, dy: dy as Tensor }, attrs) as [Tensor, Tensor, Tensor];
    return { x: () => dx, gain: () => dgain, bias: () => dbias };
  },
};

/**
 * Fused GroupNorm (+ SiLU), Wu & He (2018) eq. 1–3: one kernel forward and one backward, once
 * `registerDiffusionKernels` registered them; x must be float32 `[N, H, W, C]`.
 */
export function fusedGroupNorm(x: Tensor, gain: Tensor, bias: Tensor, attrs: GroupNormAttrs): Tensor {
  return engine().runKernel<Tensor>(groupNormKernelName, { x, gain, bias }, { ...attrs } as unknown as NamedAttrMap);
}
