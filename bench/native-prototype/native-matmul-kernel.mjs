// Registers the prototype addon's OpenBLAS sgemm as tfjs-backend-wasm's BatchMatMul kernel: the
// operands stay on the wasm heap and OpenBLAS reads and writes them in place (no copies); the
// transpose flags are passed to sgemm, which handles them at full speed. Shapes it does not cover
// (broadcast batch dimensions, non-float32) go to the kernel registered before it.
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';

/** Loads the addon and wraps the current wasm BatchMatMul. Returns the addon for direct calls. */
export function registerNativeMatMul(addonPath) {
  const addon = createRequire(import.meta.url)(addonPath);
  const original = tf.getKernel('BatchMatMul', 'wasm');
  if (original === undefined) throw new Error('wasm BatchMatMul is not registered');
  const kernelFunc = (args) => {
    const { a, b } = args.inputs;
    const { transposeA, transposeB } = args.attrs;
    const backend = args.backend;
    const rank = a.shape.length;
    // The op passes the operands as they are (rank >= 2); equal leading (batch) dimensions only.
    if (a.dtype !== 'float32' || b.dtype !== 'float32' || rank < 2 || b.shape.length !== rank || a.shape.slice(0, -2).some((size, axis) => size !== b.shape[axis])) return original.kernelFunc(args);
    const batch = a.shape.slice(0, -2).reduce((product, size) => product * size, 1);
    const [rowsA, columnsA] = a.shape.slice(-2);
    const [rowsB, columnsB] = b.shape.slice(-2);
    const m = transposeA ? columnsA : rowsA;
    const k = transposeA ? rowsA : columnsA;
    const n = transposeB ? rowsB : columnsB;
    if ((transposeB ? columnsB : rowsB) !== k) return original.kernelFunc(args);
    const out = backend.makeOutput([...a.shape.slice(0, -2), m, n], 'float32');
    const offset = (info) => backend.typedArrayFromHeap(info).byteOffset;
    // After makeOutput (which may grow the heap): the current view.
    addon.sgemm(backend.wasm.HEAPU8, offset(a), offset(b), offset(out), batch, m, n, k, transposeA ? 1 : 0, transposeB ? 1 : 0);
    return out;
  };
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({ ...original, kernelFunc });
  return addon;
}
