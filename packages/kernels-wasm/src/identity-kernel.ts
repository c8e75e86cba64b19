import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

/**
 * `Identity` for tfjs-backend-wasm without a copy: the output shares the input's data (reference
 * counted, as Reshape does; tensors are immutable). The gradient code calls it ~200 times per U-Net step.
 */
export function createIdentityKernel(original: KernelConfig): KernelConfig {
  return { ...original, kernelFunc: sharedIdentity(original) };
}

function sharedIdentity(original: KernelConfig): KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    if (x.dtype === 'string') return original.kernelFunc(args);
    (args.backend as { incRef(dataId: object): void }).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
}
