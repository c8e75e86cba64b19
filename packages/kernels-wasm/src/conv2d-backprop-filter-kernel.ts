import { backend_util, type KernelConfig, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';
import { convWeightGradientSimd, convWeightGradientSimdFits, convWeightGradientSimdModule } from './conv-weight-gradient-simd';
import { runWasmKernel as run, type DisposingBackend as Backend } from './wasm-kernel-run';

/**
 * Weight gradient of a 2-D convolution (TensorFlow's Conv2DBackpropFilter),
 * `dW[i, j, c, o] = sum_{b, p, q} xPadded[b, p s + i, q s + j, c] dy[b, p, q, o]`,
 * computed as one forward convolution on the XNNPACK path: the input with batch and channels
 * swapped, `[C, H, W, B]`, convolved with `dy` read as a filter `[Ho, Wo, B, O]` dilated by the
 * stride, gives `[C, kh', kw', O]`; its first `kh x kw` outputs, transposed, are the filter
 * gradient. No im2col matrix is built and no transposed matMul runs (an im2col + GEMM version
 * measured 1.3–3x slower here). With `simdLoops`, shapes whose channels fit the register tiles run
 * our SIMD loops instead (conv-weight-gradient-simd.ts). tfjs-backend-wasm 4.22 has no kernel of
 * this name: registering it replaces nothing.
 */
export function createConv2DBackpropFilterKernel(simdLoops: boolean): KernelConfig {
  return {
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => conv2DBackpropFilter(inputs as { x: TensorInfo; dy: TensorInfo }, backend, attrs ?? {}, simdLoops),
  };
}

function conv2DBackpropFilter(inputs: { x: TensorInfo; dy: TensorInfo }, backend: object, attrs: NamedAttrMap, simdLoops: boolean): TensorInfo {
  const temporaries: TensorInfo[] = [];
  const keep = (info: TensorInfo) => (temporaries.push(info), info);
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as {
    strides: [number, number] | number; pad: backend_util.ExplicitPadding | 'same' | 'valid' | number; dataFormat: 'NHWC' | 'NCHW';
    dimRoundingMode?: 'floor' | 'round' | 'ceil'; filterShape: [number, number, number, number];
  };
  let { x, dy } = inputs;
  try {
    if (dataFormat === 'NCHW') {
      x = keep(run('Transpose', backend, { x }, { perm: [0, 2, 3, 1] }));
      dy = keep(run('Transpose', backend, { x: dy }, { perm: [0, 2, 3, 1] }));
    }
    const info = backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode, false, 'channelsLast');
    const simd = simdLoops && convWeightGradientSimdFits(info) ? convWeightGradientSimdModule(backend) : undefined;
    if (simd !== undefined) return convWeightGradientSimd(simd, backend, x, dy, info);
    const { inChannels, outChannels, filterHeight, filterWidth, strideHeight, strideWidth, padInfo } = info;
    const swapped = keep(run('Transpose', backend, { x }, { perm: [3, 1, 2, 0] }));
    const dyAsFilter = keep(run('Transpose', backend, { x: dy }, { perm: [1, 2, 0, 3] }));
    // Rows and columns past the last window the forward pass read give extra outputs; they are cut.
    const explicit = [[0, 0], [padInfo.top, Math.max(0, padInfo.bottom)], [padInfo.left, Math.max(0, padInfo.right)], [0, 0]];
    let gradient = keep(run('Conv2D', backend, { x: swapped, filter: dyAsFilter }, {
      strides: [1, 1], pad: explicit, dataFormat: 'NHWC', dilations: [strideHeight, strideWidth], dimRoundingMode: undefined as never,
    }));
    if (gradient.shape[1] !== filterHeight || gradient.shape[2] !== filterWidth) {
      gradient = keep(run('Slice', backend, { x: gradient }, { begin: [0, 0, 0, 0], size: [inChannels, filterHeight, filterWidth, outChannels] }));
    }
    return run('Transpose', backend, { x: gradient }, { perm: [1, 2, 0, 3] });
  } finally {
    for (const tensorInfo of temporaries) (backend as Backend).disposeData(tensorInfo.dataId);
  }
}
