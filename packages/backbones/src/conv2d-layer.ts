import { add, conv2d, pad, type Tensor, type Tensor4D } from '@tensorflow/tfjs-core';
import type { ParameterStore } from './backbone-parameters';

/** A square 2-D convolution with bias, NHWC; weight `[k, k, in, out]` (tfjs layout). */
export interface Conv2dLayer {
  /** `x [batch, height, width, in]` → `[batch, height / stride, width / stride, out]`; the caller owns the result. */
  apply(x: Tensor): Tensor;
}

/**
 * Convolution with symmetric zero padding `(k - 1) / 2` on every side, as PyTorch's `padding=k//2`
 * (for stride 2 the padding is explicit: tfjs 'same' would pad only the bottom/right).
 * `padding: [before, after]` sets the zeros added before and after the rows and the columns
 * instead, e.g. `[0, 1]` at stride 2 for diffusers' `downsample_padding: 0`.
 */
export function createConv2dLayer(store: ParameterStore, name: string, inChannels: number, outChannels: number, kernelSize: number, stride = 1, initialisation: 'lecun' | 'zero' = 'lecun', padding?: readonly [number, number]): Conv2dLayer {
  const shape = [kernelSize, kernelSize, inChannels, outChannels];
  const weight = initialisation === 'zero' ? store.constant(`${name}.weight`, shape, 0) : store.lecunUniform(`${name}.weight`, shape, kernelSize * kernelSize * inChannels);
  const bias = store.constant(`${name}.bias`, [outChannels], 0);
  const symmetric = (kernelSize - 1) / 2;
  const [before, after] = padding ?? [symmetric, symmetric];
  return {
    apply(x) {
      const input = x as Tensor4D;
      if (stride === 1 && padding === undefined) return add(conv2d(input, weight as Tensor4D, 1, 'same'), bias);
      const padded = before > 0 || after > 0 ? pad(input, [[0, 0], [before, after], [before, after], [0, 0]]) : input;
      return add(conv2d(padded, weight as Tensor4D, stride, 'valid'), bias);
    },
  };
}
