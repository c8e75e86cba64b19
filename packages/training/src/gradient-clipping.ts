import { addN, mul, scalar, sqrt, square, sum, tidy, type Scalar, type Tensor } from '@tensorflow/tfjs-core';
import { fitsGradientNormKernel, fusedGlobalNorm } from './fused-update-kernels';

/**
 * Global L2 norm of a set of gradients, `sqrt(sum_k ||g_k||^2)` (Pascanu et al. 2013, eq. 8); the
 * caller owns the scalar. With `fused` (default true) one `DiffusionGlobalNorm` kernel sums the squares
 * in float64 where `@diffusion/kernels-wasm` registered it (cpu and wasm); elsewhere float32 tfjs ops do.
 */
export function globalGradientNorm(gradients: Iterable<Tensor>, fused = true): Scalar {
  const list = [...gradients];
  if (fused && fitsGradientNormKernel(list)) return fusedGlobalNorm(list);
  return tidy(() => {
    const squares = list.map((gradient) => sum(square(gradient)));
    return sqrt(squares.length === 1 ? squares[0]! : addN(squares)) as Scalar;
  });
}

/**
 * Factor that rescales gradients to a global norm of at most `maxNorm` (Pascanu et al. 2013,
 * Algorithm 1; PyTorch's `clip_grad_norm_` with its 1e-6 guard). 1 when clipping is off.
 */
export function clippingFactor(gradientNorm: number, maxNorm: number | undefined): number {
  if (maxNorm === undefined) return 1;
  return Math.min(1, maxNorm / (gradientNorm + 1e-6));
}

/** Gradients multiplied by a factor (the same tensors when the factor is 1); the caller owns new tensors. */
export function scaleGradients(gradients: ReadonlyMap<string, Tensor>, factor: number): Map<string, Tensor> {
  if (factor === 1) return new Map(gradients);
  const scale = scalar(factor);
  const scaled = new Map<string, Tensor>();
  for (const [name, gradient] of gradients) scaled.set(name, mul(gradient, scale));
  scale.dispose();
  return scaled;
}
