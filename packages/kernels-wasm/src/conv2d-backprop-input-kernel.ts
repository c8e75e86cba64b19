import { backend_util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { runWasmKernel as run, type DisposingBackend as Backend } from './wasm-kernel-run';

/**
 * Input gradient of a convolution (the transposed convolution) as one forward convolution on the
 * XNNPACK path: `dx = conv(pad(dilate(dy, s), k - 1 - p), flip(W) with in/out swapped)`
 * (Dumoulin & Visin 2016, §4.5). For stride `s > 1` the zero insertion is a channel pad to
 * `s² C` zeros-after-`dy` followed by DepthToSpace(s), which puts `dy[p, q]` at `(s p, s q)`.
 * NCHW, unequal strides and paddings wider than the kernel go to the original kernel.
 */
export function createConv2DBackpropInputKernel(original: KernelConfig): KernelConfig {
  return { ...original, kernelFunc: conv2DBackpropInput(original) };
}

function conv2DBackpropInput(original: KernelConfig): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as {
      strides: [number, number] | number; pad: backend_util.ExplicitPadding | 'same' | 'valid' | number; dataFormat: 'NHWC' | 'NCHW';
      dimRoundingMode?: 'floor' | 'round' | 'ceil'; inputShape: [number, number, number, number];
    };
    const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
    const filterShape = filter.shape as [number, number, number, number];
    const [filterHeight, filterWidth] = filterShape;
    if (dataFormat === 'NCHW') return original.kernelFunc(args);
    const info = backend_util.computeConv2DInfo(inputShape, filterShape, strides, 1, pad, dimRoundingMode, false, 'channelsLast');
    const { strideHeight: stride, strideWidth, outHeight, outWidth, inHeight, inWidth, padInfo } = info;
    const top = filterHeight - 1 - padInfo.top;
    const left = filterWidth - 1 - padInfo.left;
    if (stride !== strideWidth || top < 0 || left < 0) return original.kernelFunc(args);
    // Rows / columns of the dilated dy that the full correlation needs below and right of it.
    const dilatedHeight = stride * outHeight;
    const dilatedWidth = stride * outWidth;
    const bottom = inHeight + filterHeight - 1 - top - dilatedHeight;
    const right = inWidth + filterWidth - 1 - left - dilatedWidth;
    const temporaries: TensorInfo[] = [];
    const keep = (tensorInfo: TensorInfo) => (temporaries.push(tensorInfo), tensorInfo);
    try {
      let source = dy;
      if (stride > 1) {
        // Zero insertion as two pads of a new axis (wasm's DepthToSpace is ~15x slower than Pad).
        const [batch, , , channels] = dy.shape as [number, number, number, number];
        const spread = (x: TensorInfo, rows: number, row: number) => {
          const single = keep(run('Reshape', backend, { x }, { shape: [rows, 1, row] }));
          return keep(run('PadV2', backend, { x: single }, { paddings: [[0, 0], [0, stride - 1], [0, 0]], constantValue: 0 }));
        };
        const wide = spread(dy, batch * outHeight * outWidth, channels);
        const tall = spread(wide, batch * outHeight, dilatedWidth * channels);
        source = keep(run('Reshape', backend, { x: tall }, { shape: [batch, dilatedHeight, dilatedWidth, channels] }));
      }
      if (bottom < 0 || right < 0) {
        source = keep(run('Slice', backend, { x: source }, { begin: [0, 0, 0, 0], size: [source.shape[0]!, dilatedHeight + Math.min(0, bottom), dilatedWidth + Math.min(0, right), source.shape[3]!] }));
      }
      const flipped = keep(run('Reverse', backend, { x: filter }, { dims: [0, 1] }));
      const swapped = keep(run('Transpose', backend, { x: flipped }, { perm: [0, 1, 3, 2] }));
      const explicit = [[0, 0], [top, Math.max(0, bottom)], [left, Math.max(0, right)], [0, 0]];
      return run('Conv2D', backend, { x: source, filter: swapped }, { strides: [1, 1], pad: explicit, dataFormat: 'NHWC', dilations: [1, 1], dimRoundingMode: undefined as never });
    } finally {
      for (const tensorInfo of temporaries) (backend as Backend).disposeData(tensorInfo.dataId);
    }
  };
}
