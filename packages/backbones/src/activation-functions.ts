import { add, mul, pow, sigmoid, tanh, type Tensor } from '@tensorflow/tfjs-core';

/** SiLU / swish, x * sigmoid(x): Elfwing et al. (2018) eq. 3, Ramachandran et al. (2017). */
export function silu(x: Tensor): Tensor {
  return mul(x, sigmoid(x));
}

const geluConstant = Math.sqrt(2 / Math.PI);

/** GELU, tanh approximation: Hendrycks & Gimpel (2016) §2, `0.5 x (1 + tanh(sqrt(2/pi)(x + 0.044715 x^3)))`. */
export function gelu(x: Tensor): Tensor {
  const inner = mul(add(x, mul(pow(x, 3), 0.044715)), geluConstant);
  return mul(mul(x, 0.5), add(tanh(inner), 1));
}
