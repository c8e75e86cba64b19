import { backend_util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { convForwardSimd, convForwardSimdFits, convForwardSimdModule } from './conv-forward-simd';

/** Runs `Conv2D` with the SIMD implicit GEMM where it fits, else with the original XNNPACK kernel. */
export function createConv2DKernel(original: KernelConfig): KernelConfig {
  return { ...original, kernelFunc: conv2D(original) };
}

function conv2D(original: KernelConfig): KernelFunc {
  return (args) => {
    const { x, filter } = args.inputs as { x: TensorInfo; filter: TensorInfo };
    const { strides, pad, dataFormat, dilations, dimRoundingMode } = args.attrs as unknown as {
      strides: [number, number] | number; pad: backend_util.ExplicitPadding | 'same' | 'valid' | number; dataFormat: 'NHWC' | 'NCHW';
      dilations: [number, number] | number; dimRoundingMode?: 'floor' | 'round' | 'ceil';
    };
    if (dataFormat === 'NCHW') return original.kernelFunc(args);
    const info = backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filter.shape as [number, number, number, number], strides, dilations, pad, dimRoundingMode, false, 'channelsLast');
    const simd = convForwardSimdFits(info) ? convForwardSimdModule(args.backend) : undefined;
    return simd === undefined ? original.kernelFunc(args) : convForwardSimd(simd, args.backend, x, filter, info);
  };
}
