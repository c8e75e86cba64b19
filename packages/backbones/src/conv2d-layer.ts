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
 */
export function createConv2dLayer(store: ParameterStore, name: string, inChannels: number, outChannels: number, kernelSize: number, stride = 1, initialisation: 'lecun' | 'zero' = 'lecun'): Conv2dLayer {
  const shape = [kernelSize, kernelSize, inChannels, outChannels];
  const weight = initialisation === 'zero' ? store.constant(`${name}.weight`, shape, 0) : store.lecunUniform(`${name}.weight`, shape, kernelSize * kernelSize * inChannels);
  const bias = store.constant(`${name}.bias`, [outChannels], 0);
  const padding = (kernelSize - 1) / 2;
  return {
    apply(x) {
      const input = x as Tensor4D;
      if (stride === 1) return add(conv2d(input, weight as Tensor4D, 1, 'same'), bias);
      const padded = padding > 0 ? pad(input, [[0, 0], [padding, padding], [padding, padding], [0, 0]]) : input;
      return add(conv2d(padded, weight as Tensor4D, stride, 'valid'), bias);
    },
  };
}
