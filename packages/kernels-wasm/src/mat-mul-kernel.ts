import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { gemmSimd, gemmSimdFits, gemmSimdModule } from './gemm-simd';
import { runWasmKernel as run, type DisposingBackend as Backend } from './wasm-kernel-run';

/**
 * `BatchMatMul` (or `_FusedMatMul`, without `simd`) for tfjs-backend-wasm, wrapping the stock kernel: with `simd`, float32 products of batch 1 go to the SIMD GEMM
 * (gemm-simd.ts), which reads transposed operands in place; the others have transposed operands
 * transposed by the Transpose kernel first (the wasm kernel's transposed path is slow).
 */
export function createMatMulKernel(original: KernelConfig, simd: boolean): KernelConfig {
  return { ...original, kernelFunc: plainMatMul(original, simd) };
}

function plainMatMul(original: KernelConfig, simd: boolean): KernelFunc {
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
