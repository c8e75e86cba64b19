import { DiffusionError } from '@diffusion/core';
import { convForwardSimd, convForwardSimdFits, convForwardSimdModule } from './conv-forward-simd';
import { convWeightGradientSimd, convWeightGradientSimdFits, convWeightGradientSimdModule } from './conv-weight-gradient-simd';
import { createConcat } from './wasm-concat-kernel';
import { gemmSimd, gemmSimdFits, gemmSimdModule } from './gemm-simd';
import { createSplit } from './wasm-split-kernel';
import { createSine } from './wasm-sine-kernel';
import { createSum } from './wasm-sum-kernel';
import { backend_util, getKernel, registerKernel, unregisterKernel, type KernelConfig, type KernelFunc, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';

/** Options of {@link registerWasmTrainingKernels}. */
export interface WasmTrainingKernelsOptions {
  /**
   * Also wrap the wasm `BatchMatMul` / `_FusedMatMul` kernels so that transposed operands are
   * transposed explicitly first: the transposed wasm path runs at 2–3.5 GFLOP/s against ~40 for
   * the plain XNNPACK path, and every matMul gradient uses it (default true).
   */
  readonly fastTransposedMatMul?: boolean;
  /**
   * With `fastTransposedMatMul`, run float32 `BatchMatMul`s of batch 1 on our WebAssembly SIMD
   * GEMM (gemm-simd-code.ts: packed panels, 4 x 8 register tiles, relaxed-SIMD multiply-add where
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
   * Compute `Conv2DBackpropFilter` with our WebAssembly SIMD loops (conv-weight-gradient-simd-code.ts),
   * split across the wasm kernel helper threads when `selectBackend` started them, wherever the
   * channels fit its register tiles; otherwise, and with false, as one XNNPACK convolution of the
   * batch/channel-swapped input (default true).
   */
  readonly simdConvWeightGradient?: boolean;
  /**
   * Also replace the wasm `Conv2D` kernel, where the output channels are a multiple of 8 (NHWC, no
   * dilation), by our WebAssembly SIMD implicit GEMM (conv-forward-simd-code.ts), split across the
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

type Backend = { disposeData(dataId: object): unknown };
const backendName = 'wasm';
const patched = Symbol.for('@diffusion/backbones/wasm-training-kernel');
const simdVariant = Symbol.for('@diffusion/backbones/simd-conv-weight-gradient');

/** Runs a registered wasm kernel directly on TensorInfos (as tfjs backends compose kernels). */
function run(name: string, backend: object, inputs: Record<string, TensorInfo> | TensorInfo[], attrs: NamedAttrMap = {}): TensorInfo {
  const kernel = getKernel(name, backendName);
  if (kernel === undefined) throw new Error(`wasm kernel ${name} is not registered`);
  return kernel.kernelFunc({ inputs: inputs as never, backend, attrs }) as TensorInfo;
}

/**
 * Weight gradient of a 2-D convolution (TensorFlow's Conv2DBackpropFilter),
 * `dW[i, j, c, o] = sum_{b, p, q} xPadded[b, p s + i, q s + j, c] dy[b, p, q, o]`,
 * computed as one forward convolution on the XNNPACK path: the input with batch and channels
 * swapped, `[C, H, W, B]`, convolved with `dy` read as a filter `[Ho, Wo, B, O]` dilated by the
 * stride, gives `[C, kh', kw', O]`; its first `kh x kw` outputs, transposed, are the filter
 * gradient. No im2col matrix is built and no transposed matMul runs (an im2col + GEMM version
 * measured 1.3–3x slower here).
 */
function createConv2DBackpropFilter(simdLoops: boolean): KernelFunc {
  return ({ inputs, backend, attrs }) => conv2DBackpropFilter(inputs as { x: TensorInfo; dy: TensorInfo }, backend, attrs ?? {}, simdLoops);
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

/**
 * Input gradient of a convolution (the transposed convolution) as one forward convolution on the
 * XNNPACK path: `dx = conv(pad(dilate(dy, s), k - 1 - p), flip(W) with in/out swapped)`
 * (Dumoulin & Visin 2016, §4.5). For stride `s > 1` the zero insertion is a channel pad to
 * `s² C` zeros-after-`dy` followed by DepthToSpace(s), which puts `dy[p, q]` at `(s p, s q)`.
 * NCHW, unequal strides and paddings wider than the kernel go to the original kernel.
 */
function createConv2DBackpropInput(original: KernelConfig): KernelFunc {
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

/** Runs `Conv2D` with the SIMD implicit GEMM where it fits, else with the original XNNPACK kernel. */
function createConv2D(original: KernelConfig): KernelFunc {
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

/**
 * Wraps a matMul kernel: with `simd`, float32 products of batch 1 go to the SIMD GEMM
 * (gemm-simd.ts), which reads transposed operands in place; the others have transposed operands
 * transposed by the Transpose kernel first (the wasm kernel's transposed path is slow).
 */
function createPlainMatMul(original: KernelConfig, simd: boolean): KernelFunc {
  return (args) => {
    const attrs = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
    const inputs = args.inputs as Record<string, TensorInfo>;
    const product = simd ? simdGemm(args.backend, inputs.a!, inputs.b!, attrs.transposeA, attrs.transposeB) : undefined;
    if (product !== undefined) return product;
    if (!attrs.transposeA && !attrs.transposeB) return original.kernelFunc(args);
    const temporaries: TensorInfo[] = [];
    const swapLastAxes = (info: TensorInfo) => {
      const perm = info.shape.map((_, axis) => axis);
      perm.push(...perm.splice(-2).reverse());
      const result = run('Transpose', args.backend, { x: info }, { perm });
      temporaries.push(result);
      return result;
    };
    const a = attrs.transposeA ? swapLastAxes(inputs.a!) : inputs.a!;
    const b = attrs.transposeB ? swapLastAxes(inputs.b!) : inputs.b!;
    try {
      return original.kernelFunc({ ...args, inputs: { ...inputs, a, b }, attrs: { ...(args.attrs as NamedAttrMap), transposeA: false, transposeB: false } });
    } finally {
      for (const info of temporaries) (args.backend as Backend).disposeData(info.dataId);
    }
  };
}

/** `op(A) op(B)` on the SIMD GEMM (gemm-simd.ts) for batch-1 float32 operands that fit; undefined otherwise. */
function simdGemm(backend: object, a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): TensorInfo | undefined {
  const simd = gemmSimdModule(backend);
  const batch = (info: TensorInfo) => info.shape.slice(0, -2).reduce((product, size) => product * size, 1);
  if (simd === undefined || batch(a) !== 1 || batch(b) !== 1) return undefined;
  const a2 = { ...a, shape: a.shape.slice(-2) };
  const b2 = { ...b, shape: b.shape.slice(-2) };
  if (!gemmSimdFits(a2, b2, transposeB, 8)) return undefined;
  const product = gemmSimd(simd, backend, a2, b2, transposeA, transposeB);
  if (a.shape.length === 2) return product;
  try {
    return run('Reshape', backend, { x: product }, { shape: [...a.shape.slice(0, -2), ...product.shape] });
  } finally {
    (backend as Backend).disposeData(product.dataId);
  }
}

/** Identity without a copy: the output shares the input's data (reference counted). */
function createSharedIdentity(original: KernelConfig): KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    if (x.dtype === 'string') return original.kernelFunc(args);
    (args.backend as { incRef(dataId: object): void }).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
}

function replaceKernel(name: string, wrap: (original: KernelConfig) => KernelFunc): boolean {
  const original = getKernel(name, backendName);
  if (original === undefined || (original as unknown as Record<symbol, boolean>)[patched]) return false;
  unregisterKernel(name, backendName);
  // Keep the original setup: it binds the wasm functions when the backend initialises.
  registerKernel({ ...original, kernelFunc: wrap(original), [patched]: true } as KernelConfig);
  return true;
}

/**
 * Registers the kernels that training needs on tfjs-backend-wasm 4.22: `Conv2DBackpropFilter`
 * (absent there, so a conv weight gradient fails) and, by default, fast replacements for the
 * transposed matMul, conv input gradient and narrow concat paths. Import `@tensorflow/tfjs-backend-wasm`
 * first; safe to call more than once. Returns the kernel names it registered or replaced.
 */
export function registerWasmTrainingKernels(options: WasmTrainingKernelsOptions = {}): string[] {
  if (getKernel('Transpose', backendName) === undefined) {
    throw new DiffusionError('invalid-argument', 'registerWasmTrainingKernels: the wasm backend is not loaded; import "@tensorflow/tfjs-backend-wasm" first.', { field: 'backend', value: backendName, allowed: 'an imported @tensorflow/tfjs-backend-wasm' });
  }
  const registered: string[] = [];
  // Ours is replaced when asked for the other variant; someone else's is kept.
  const simdLoops = options.simdConvWeightGradient ?? true;
  const existing = getKernel('Conv2DBackpropFilter', backendName) as (KernelConfig & Record<symbol, boolean>) | undefined;
  if (existing === undefined || (existing[patched] && existing[simdVariant] !== simdLoops)) {
    if (existing !== undefined) unregisterKernel('Conv2DBackpropFilter', backendName);
    registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName, kernelFunc: createConv2DBackpropFilter(simdLoops), [patched]: true, [simdVariant]: simdLoops } as KernelConfig);
    registered.push('Conv2DBackpropFilter');
  }
  if (options.fastTransposedMatMul ?? true) {
    const simdLoops = options.simdMatMul ?? true;
    if (replaceKernel('BatchMatMul', (original) => createPlainMatMul(original, simdLoops))) registered.push('BatchMatMul');
    if (replaceKernel('_FusedMatMul', (original) => createPlainMatMul(original, false))) registered.push('_FusedMatMul');
  }
  if ((options.fastConvInputGradient ?? true) && replaceKernel('Conv2DBackpropInput', createConv2DBackpropInput)) registered.push('Conv2DBackpropInput');
  if ((options.simdConv2D ?? true) && replaceKernel('Conv2D', createConv2D)) registered.push('Conv2D');
  if ((options.fastConcat ?? true) && replaceKernel('Concat', createConcat)) registered.push('Concat');
  if ((options.fastConcat ?? true) && replaceKernel('SplitV', createSplit)) registered.push('SplitV');
  if ((options.shareIdentity ?? true) && replaceKernel('Identity', createSharedIdentity)) registered.push('Identity');
  if ((options.simdBiasGradient ?? true) && replaceKernel('Sum', createSum)) registered.push('Sum');
  if ((options.simdSine ?? true) && replaceKernel('Sin', (original) => createSine(original, 0))) registered.push('Sin');
  if ((options.simdSine ?? true) && replaceKernel('Cos', (original) => createSine(original, 1))) registered.push('Cos');
  return registered;
}
