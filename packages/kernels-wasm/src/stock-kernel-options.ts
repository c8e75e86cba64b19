/**
 * Which stock tfjs-backend-wasm kernels `registerDiffusionKernels({ replaceStockKernels })`
 * replaces (each default true once replacement is asked for).
 */
export interface StockKernelOptions {
  /**
   * Also wrap the wasm `BatchMatMul` / `_FusedMatMul` kernels so that transposed operands are
   * transposed explicitly first: the transposed wasm path runs at 2–3.5 GFLOP/s against ~40 for
   * the plain XNNPACK path, and every matMul gradient uses it (default true).
   */
  readonly fastTransposedMatMul?: boolean;
  /**
   * With `fastTransposedMatMul`, run float32 `BatchMatMul`s of batch 1 on our WebAssembly SIMD
   * GEMM (src/wat/gemm.wat: packed panels, 4 x 8 register tiles, relaxed-SIMD multiply-add where
   * the engine has it), transposed operands read in place, split across the wasm kernel helper
   * threads (default true).
   */
  readonly simdMatMul?: boolean;
  /**
   * Also replace the wasm `Conv2DBackpropInput` kernel by a forward convolution of `dy` (dilated by
   * the stride) with the flipped, in/out-swapped filter, which runs on XNNPACK (default true).
   */
  readonly fastConvInputGradient?: boolean;
  /**
   * Compute `Conv2DBackpropFilter` with our WebAssembly SIMD loops (src/wat/conv-weight-gradient.wat),
   * split across the wasm kernel helper threads when `selectBackend` started them, wherever the
   * channels fit its register tiles; otherwise, and with false, as one XNNPACK convolution of the
   * batch/channel-swapped input (default true).
   */
  readonly simdConvWeightGradient?: boolean;
  /**
   * Also replace the wasm `Conv2D` kernel, where the output channels are a multiple of 8 (NHWC, no
   * dilation), by our WebAssembly SIMD implicit GEMM (src/wat/conv-forward.wat), split across the
   * wasm kernel helper threads; it also runs the input gradients, which are forward convolutions
   * here (default true).
   */
  readonly simdConv2D?: boolean;
  /**
   * Also replace the wasm `Sum` kernel, for float32 sums over every axis but the last (bias
   * gradients), by a SIMD loop over the rows in place (the stock kernel transposes first) (default true).
   */
  readonly simdBiasGradient?: boolean;
  /**
   * Also replace the wasm `Identity` kernel, which copies, by one that shares the input's memory
   * (a reference count, as Reshape does): tensors are immutable, and the gradient code calls it
   * ~200 times per U-Net step (default true).
   */
  readonly shareIdentity?: boolean;
  /**
   * Also replace the wasm `Sin` and `Cos` kernels, for float32 arguments within ±2^12 (the
   * sinusoidal time embeddings), by a SIMD Cody–Waite reduction and Cephes' polynomials, within
   * 1e-7 of the exact values; the stock kernels call the C library per element (default true).
   */
  readonly simdSine?: boolean;
  /**
   * Also replace the wasm `Concat` kernel by SIMD block copies where every run is a whole number of
   * lane groups, and else, for short rows, by one flat copy loop; and `SplitV` by SIMD block copies
   * (default true).
   */
  readonly fastConcat?: boolean;
}
